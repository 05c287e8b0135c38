#Requires -Version 7.4

# Remove-ImageBackground in pipelines: what binds to -Path and -LiteralPath (strings, Get-ChildItem, Import-Csv
# rows), batches in input order, -ThrottleLimit, Ctrl+C, and ForEach-Object -Parallel.

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

Describe "Remove-ImageBackground in pipelines$ModelSkipNote" -Skip:$SkipModelTests {
    BeforeAll {
        Initialize-TestAsset
    }

    Context 'input binding' {
        It 'expands wildcards in -Path strings from the pipeline' {
            $dir = New-TestFolder 'wildcard'
            $null = Copy-Photo 'chelsea.png' $dir
            $null = Copy-Photo 'coffee.png' $dir
            $null = Copy-Photo 'rocket.jpg' $dir
            $out = Join-Path $dir 'out'

            $results = @(Join-Path $dir '*.png' | Remove-ImageBackground -OutputPath $out)

            $results.Count | Should -Be 2
            ($results.OutputPath | ForEach-Object { Split-Path $_ -Leaf } | Sort-Object) -join ',' |
                Should -Be 'chelsea.nobg.png,coffee.nobg.png'
        }

        It 'takes -LiteralPath (alias LP) for names with wildcard characters' {
            $dir = New-TestFolder 'literal'
            $in = Copy-Photo 'chelsea.png' $dir 'cat[1].png'
            $out = Join-Path $dir 'out'

            $results = @(Remove-ImageBackground -LP $in -OutputPath $out)

            $results.Count | Should -Be 1
            $results[0].OutputPath | Should -Be (Join-Path $out 'cat[1].nobg.png')
            [IO.File]::Exists($results[0].OutputPath) | Should -BeTrue
        }

        It 'processes every file Get-ChildItem pipes in (FileInfo bound by property name)' {
            $dir = New-TestFolder 'gci'
            $inputs = 'chelsea.png', 'astronaut.png', 'coffee.png' | ForEach-Object { Copy-Photo $_ $dir }
            $null = Copy-Photo 'rocket.jpg' $dir
            $out = Join-Path $dir 'out'

            $results = @(Get-ChildItem $dir -Filter *.png | Remove-ImageBackground -OutputPath $out)

            $results.Count | Should -Be 3
            ($results.InputPath | Sort-Object) -join '|' | Should -Be (($inputs | Sort-Object) -join '|')
            foreach ($result in $results) {
                $result.OutputPath | Should -Exist
            }
        }
    }

    Context 'binding by property name' {
        BeforeAll {
            # Odd names: a space, and brackets that -Path would read as a wildcard character class.
            $dir = New-TestFolder 'by-name'
            $spaced = New-TinyPng (Join-Path $dir 'my photo.png')
            $bracketed = New-TinyPng (Join-Path $dir 'cat [1].png')
            $plain = New-TinyPng (Join-Path $dir 'plain.png')
        }

        It 'binds Get-ChildItem''s FileInfo by PSPath, so names with spaces and [brackets] are taken literally' {
            $out = Join-Path $dir 'out-gci'
            $results = @(Get-ChildItem -LiteralPath $spaced, $bracketed | Remove-ImageBackground -OutputPath $out)

            $results.InputPath | Should -Be @($spaced, $bracketed)
            (Get-ChildItem -LiteralPath $out).Name | Sort-Object | Should -Be @('cat [1].nobg.png', 'my photo.nobg.png')
        }

        It 'binds Get-Item''s FileInfo of a bracketed name the same way' {
            $result = Get-Item -LiteralPath $bracketed | Remove-ImageBackground -OutputPath (Join-Path $dir 'out-item')
            $result.OutputPath | Should -Be (Join-Path $dir 'out-item' 'cat [1].nobg.png')
            [IO.File]::Exists($result.OutputPath) | Should -BeTrue
        }

        It 'binds the Path column of Import-Csv rows, expanding wildcards' {
            $csv = Join-Path $dir 'by-path.csv'
            @([pscustomobject]@{ Path = $spaced; Note = 'a plain name' }
                [pscustomobject]@{ Path = (Join-Path $dir 'pla*.png'); Note = 'a wildcard' }) | Export-Csv -LiteralPath $csv

            $results = @(Import-Csv -LiteralPath $csv | Remove-ImageBackground -OutputPath (Join-Path $dir 'out-csv-path'))

            $results.InputPath | Should -Be @($spaced, $plain)
        }

        It 'binds the <Column> column of Import-Csv rows, brackets taken literally' -ForEach @(
            @{ Column = 'LiteralPath'; Prefix = '' }
            @{ Column = 'PSPath'; Prefix = 'Microsoft.PowerShell.Core\FileSystem::' }
        ) {
            $csv = Join-Path $dir "by-$Column.csv"
            [pscustomobject]@{ $Column = "$Prefix$bracketed"; Note = 'brackets' } | Export-Csv -LiteralPath $csv

            $results = @(Import-Csv -LiteralPath $csv | Remove-ImageBackground -OutputPath (Join-Path $dir "out-csv-$Column"))

            $results.Count | Should -Be 1
            $results[0].InputPath | Should -Be $bracketed
            $results[0].OutputPath | Should -Be (Join-Path $dir "out-csv-$Column" 'cat [1].nobg.png')
        }
    }

    Context 'pipelined batches' {
        BeforeAll {
            $pipelined = New-TestFolder 'pipelined'
            $names = '1-astronaut.png', '2-chelsea.png', '3-coffee.png', '4-rocket.jpg'
            $null = Copy-Photo 'astronaut.png' $pipelined $names[0]
            $null = Copy-Photo 'chelsea.png' $pipelined $names[1]
            $null = Copy-Photo 'coffee.png' $pipelined $names[2]
            $null = Copy-Photo 'rocket.jpg' $pipelined $names[3]
        }

        It 'gives the results in input order with -ThrottleLimit <_>' -ForEach 1, 4 {
            $out = Join-Path $pipelined "out-$_"
            $results = @(Get-ChildItem -LiteralPath $pipelined -File | Sort-Object Name |
                    Remove-ImageBackground -OutputPath $out -ThrottleLimit $_)
            ($results | ForEach-Object { Split-Path $_.InputPath -Leaf }) -join ',' | Should -Be ($names -join ',')
        }

        It 'keeps the loaded model when only -WorkerPriority changes, and writes the same files with Idle workers' {
            $before = Get-RmbgDevice
            try {
                Set-RmbgDevice -WorkerPriority Idle
                $out = Join-Path $pipelined 'out-idle'
                $null = Get-ChildItem -LiteralPath $pipelined -File | Remove-ImageBackground -OutputPath $out -ThrottleLimit 4
                (Get-RmbgDevice).WorkerPriority | Should -Be 'Idle'
                (Get-RmbgDevice).SessionId | Should -Be $before.SessionId
                foreach ($name in $names) {
                    $base = [IO.Path]::GetFileNameWithoutExtension($name)
                    (Get-FileHash (Join-Path $out "$base.nobg.png")).Hash |
                        Should -Be (Get-FileHash (Join-Path $pipelined "out-4/$base.nobg.png")).Hash
                }
            }
            finally {
                Set-RmbgDevice -WorkerPriority BelowNormal
            }
        }

        It 'writes the same files whatever the -ThrottleLimit' {
            foreach ($name in $names) {
                $base = [IO.Path]::GetFileNameWithoutExtension($name)
                (Get-FileHash (Join-Path $pipelined "out-1/$base.nobg.png")).Hash |
                    Should -Be (Get-FileHash (Join-Path $pipelined "out-4/$base.nobg.png")).Hash
            }
        }

        It 'stops with Ctrl+C (StopProcessing) leaving only complete files' {
            $many = New-TestFolder 'many'
            foreach ($i in 1..12) { $null = Copy-Photo 'astronaut.png' $many "p$i.png" }
            $out = Join-Path $pipelined 'stopped'
            $ps = [PowerShell]::Create()
            $null = $ps.AddScript({
                    param($manifest, $folder, $out)
                    Import-Module $manifest
                    Get-ChildItem -LiteralPath $folder -File | Remove-ImageBackground -OutputPath $out
                }).AddArgument($ManifestPath).AddArgument($many).AddArgument($out)
            $handle = $ps.BeginInvoke()
            $deadline = (Get-Date).AddSeconds(120)
            while (-not (Test-Path (Join-Path $out '*.nobg.png')) -and -not $handle.IsCompleted -and (Get-Date) -lt $deadline) {
                Start-Sleep -Milliseconds 20
            }
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $ps.Dispose()
            @(Get-ChildItem -LiteralPath $out -Filter *.nobg.png).Count | Should -BeLessThan 12
            Get-TempLeftover $out | Should -BeNullOrEmpty
            foreach ($file in Get-ChildItem -LiteralPath $out -Filter *.nobg.png) {
                $bytes = [IO.File]::ReadAllBytes($file.FullName)
                [Text.Encoding]::ASCII.GetString($bytes, $bytes.Length - 8, 4) | Should -Be 'IEND'
            }
        }
    }

    Context 'one batch, planned as a whole' {
        It 'refuses the second of two inputs with one output name before either runs, naming both, and -WhatIf says so' {
            $dir = New-TestFolder 'same-name'
            $first = Copy-Photo 'chelsea.png' (New-Item -ItemType Directory (Join-Path $dir 'a')).FullName
            $second = Copy-Photo 'coffee.png' (New-Item -ItemType Directory (Join-Path $dir 'b')).FullName 'chelsea.png'
            $out = Join-Path $dir 'out'

            $whatIf = @(Get-WhatIfMessage { Remove-ImageBackground -Path $first, $second -OutputPath $out -WhatIf })
            $whatIf.Count | Should -Be 2
            $whatIf[0] | Should -BeLike "*write '$(Join-Path $out 'chelsea.nobg.png')'*"
            $whatIf[1] | Should -BeLike "*refused*$first*"
            Test-Path -LiteralPath $out | Should -BeFalse

            $listed = @(Get-ChildItem $dir -Recurse -File) # in the file system's order
            $results = @($listed | Remove-ImageBackground -OutputPath $out -ErrorVariable failed -ErrorAction SilentlyContinue)
            $results.InputPath | Should -Be $listed[0].FullName
            Assert-OnlyError $failed 'OutputExists'
            $failed[0].Exception.Message | Should -BeLike "*$($listed[1].FullName)*$($listed[0].FullName)*"
            $failed[0].TargetObject | Should -Be $listed[1].FullName -Because 'a list of failures names the photo, not the output'
            $failed[0].Exception.Message | Should -BeLike '*-RelativeBasePath*'
        }

        It 'keeps a recursive listing''s tree under -OutputPath with -RelativeBasePath' {
            $dir = New-TestFolder 'tree'
            $null = Copy-Photo 'chelsea.png' $dir
            $nested = Copy-Photo 'coffee.png' (New-Item -ItemType Directory (Join-Path $dir 'sub' 'deeper')).FullName 'chelsea.png'
            $out = Join-Path (New-TestFolder 'tree-out') 'cut'

            $whatIf = @(Get-WhatIfMessage { Get-ChildItem $dir -Recurse -File | Remove-ImageBackground -OutputPath $out -RelativeBasePath $dir -WhatIf })
            $whatIf.Count | Should -Be 2
            $whatIf | Should -Not -BeLike '*refused*'

            $results = @(Get-ChildItem $dir -Recurse -File | Remove-ImageBackground -OutputPath $out -RelativeBasePath $dir)

            $results.Count | Should -Be 2
            ($results | Where-Object InputPath -EQ $nested).OutputPath | Should -Be (Join-Path $out 'sub' 'deeper' 'chelsea.nobg.png')
            Test-Path -LiteralPath (Join-Path $out 'chelsea.nobg.png') | Should -BeTrue
            $outside = Copy-Photo 'horse.png' (New-TestFolder 'elsewhere')
            $refused = @(Remove-ImageBackground -LiteralPath $outside -OutputPath $out -RelativeBasePath $dir -ErrorVariable failed -ErrorAction SilentlyContinue)
            $refused.Count | Should -Be 0
            Assert-ErrorRecord $failed[0] 'InputOutsideBasePath' 'InvalidArgument' $outside 'Remove-ImageBackground'
            { Remove-ImageBackground -LiteralPath $outside -RelativeBasePath $dir } | Should -Throw -ErrorId 'RelativeBasePathWithoutOutputPath,*'
        }

        It 'skips inputs whose outputs exist with -SkipExisting: no error, no result, the file untouched, and -WhatIf says skip' {
            $dir = New-TestFolder 'rerun'
            $old = Copy-Photo 'chelsea.png' $dir
            $out = Join-Path $dir 'out'
            $null = Remove-ImageBackground -LiteralPath $old -OutputPath $out
            $written = Get-Item -LiteralPath (Join-Path $out 'chelsea.nobg.png')
            $stamp = $written.LastWriteTimeUtc
            $new = Copy-Photo 'coffee.png' $dir

            $whatIf = @(Get-WhatIfMessage { Get-ChildItem $dir -File | Remove-ImageBackground -OutputPath $out -SkipExisting -WhatIf })
            ($whatIf -like '*skip*chelsea.nobg.png*already exists*').Count | Should -Be 1
            ($whatIf -like "*write '$(Join-Path $out 'coffee.nobg.png')'*").Count | Should -Be 1

            $results = @(Get-ChildItem $dir -File | Remove-ImageBackground -OutputPath $out -SkipExisting -ErrorVariable failed -Verbose 4>&1)

            $failed | Should -BeNullOrEmpty
            $images = @($results | Where-Object { $_ -is [RmbgPS.RemovalResult] })
            $images.InputPath | Should -Be $new
            ($results | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like "Skipped '$old'*already exists*" }) | Should -Not -BeNullOrEmpty
            (Get-Item -LiteralPath $written.FullName).LastWriteTimeUtc | Should -Be $stamp
            { Remove-ImageBackground -LiteralPath $old -OutputPath $out -SkipExisting -Force } | Should -Throw -ErrorId 'SkipExistingWithForce,*'
        }
    }

    Context 'parallel runspaces' {
        It 'works from ForEach-Object -Parallel, each runspace importing the module' {
            $dir = New-TestFolder 'parallel'
            $inputs = @(Copy-Photo 'chelsea.png' $dir; Copy-Photo 'coffee.png' $dir)
            $out = Join-Path $dir 'out'
            $loadsBefore = (Get-RmbgDevice).LoadCount

            $results = @($inputs | ForEach-Object -ThrottleLimit 2 -Parallel {
                    Import-Module $using:ManifestPath
                    Remove-ImageBackground -LiteralPath $_ -OutputPath $using:out
                } -ErrorVariable parallelErrors)

            $parallelErrors.Count | Should -Be 0
            $results.Count | Should -Be 2
            foreach ($result in $results) {
                $result.OutputPath | Should -Exist
            }
            # One engine per process: the runspaces share one session (loaded at most once here).
            (Get-RmbgDevice).LoadCount - $loadsBefore | Should -BeLessOrEqual 1
        }
    }
}
