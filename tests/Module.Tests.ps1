#Requires -Version 7.4

# The module as a whole: manifest, exported commands, formats, and the isolation every test file relies on.
# Run alone with Invoke-Pester tests/Module.Tests.ps1 after building (tests/Common.ps1 explains the test data).

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

Describe 'RmbgPS module' {
    Context 'manifest' {
        BeforeAll {
            $module = Get-Module RmbgPS | Select-Object -First 1
        }

        It 'exports the cmdlet <_>' -ForEach 'Remove-ImageBackground', 'Get-ImageMask', 'Set-RmbgDevice', 'Get-RmbgDevice',
            'Install-RmbgModel', 'Get-RmbgModel', 'Uninstall-RmbgModel', 'Set-RmbgDefaultModel', 'Install-RmbgGpuRuntime', 'Uninstall-RmbgGpuRuntime', 'Export-RmbgReport' {
            $module.ExportedCmdlets.Keys | Should -Contain $_
        }

        It 'exports those eleven cmdlets and nothing else' {
            ($module.ExportedCommands.Keys | Sort-Object) -join ',' |
                Should -Be 'Export-RmbgReport,Get-ImageMask,Get-RmbgDevice,Get-RmbgModel,Install-RmbgGpuRuntime,Install-RmbgModel,Remove-ImageBackground,Set-RmbgDefaultModel,Set-RmbgDevice,Uninstall-RmbgGpuRuntime,Uninstall-RmbgModel'
            $module.ExportedFunctions.Count | Should -Be 0
            $module.ExportedAliases.Count | Should -Be 0
            $module.ExportedVariables.Count | Should -Be 0
        }

        It 'is for PowerShell Core 7.4 or later' {
            $module.CompatiblePSEditions | Should -Contain 'Core'
            $module.PowerShellVersion | Should -Be ([version]'7.4')
            $data = Import-PowerShellDataFile -LiteralPath $ManifestPath
            $data.CompatiblePSEditions | Should -Contain 'Core'
            [version]$data.PowerShellVersion | Should -Be ([version]'7.4')
        }

        It 'starts about_RmbgPS''s first session with the model the README''s quick start installs' {
            $about = Get-Content -Raw -LiteralPath (Join-Path $RepoRoot 'docs' 'en-US' 'about_RmbgPS.md')
            $readme = Get-Content -Raw -LiteralPath (Join-Path $RepoRoot 'README.md')
            $first = [regex]::Match($about, 'A first session looks like this:[\s\S]*?Install-RmbgModel (\S+)').Groups[1].Value
            $quick = [regex]::Match($readme, '## Quick start[\s\S]*?Install-RmbgModel (\S+)').Groups[1].Value
            $first | Should -Not -BeNullOrEmpty
            $first | Should -Be $quick
        }

        It 'names no project address until the project has a published home (a gallery page would link to it)' {
            $data = Import-PowerShellDataFile -LiteralPath $ManifestPath
            $data.PrivateData.PSData.Keys | Should -Not -Contain 'ProjectUri'
            $module.ProjectUri | Should -BeNullOrEmpty
            $data.PrivateData.PSData.LicenseUri | Should -Be 'https://opensource.org/licenses/MIT'
        }

        It 'is the module built into out/RmbgPS, with its formats' {
            $module.ModuleBase | Should -Be (Split-Path $ManifestPath -Parent)
            $module.ExportedFormatFiles | ForEach-Object { Split-Path $_ -Leaf } | Should -Contain 'RmbgPS.Format.ps1xml'
        }

        It '<Command> declares an [OutputType] of the module''s own result class' -ForEach @(
            @{ Command = 'Remove-ImageBackground'; Type = 'RmbgPS.RemovalResult' }
            @{ Command = 'Get-ImageMask'; Type = 'RmbgPS.ImageMask' }
            @{ Command = 'Get-RmbgDevice'; Type = 'RmbgPS.DeviceInfo' }
            @{ Command = 'Set-RmbgDevice'; Type = 'RmbgPS.DeviceInfo' }
            @{ Command = 'Get-RmbgModel'; Type = 'RmbgPS.RmbgModelInfo' }
            @{ Command = 'Install-RmbgModel'; Type = 'RmbgPS.RmbgModelInfo' }
            @{ Command = 'Set-RmbgDefaultModel'; Type = 'RmbgPS.RmbgModelInfo' }
        ) {
            $declared = @((Get-Command $Command).OutputType)
            $declared.Count | Should -Be 1
            $declared[0].Name | Should -Be $Type
            $declared[0].Type | Should -Not -BeNullOrEmpty -Because 'the type resolves, so Get-Member and tab completion on the pipeline work'
            $declared[0].Type.Assembly.GetName().Name | Should -Be 'RmbgPS'
        }

        It 'Uninstall-RmbgModel declares that it returns nothing' {
            (Get-Command Uninstall-RmbgModel).OutputType.Type | Should -Be ([void])
        }
    }

    Context 'formats' {
        It 'has a <View> view for <Type>' -ForEach @(
            @{ Type = 'RmbgPS.RemovalResult'; View = 'Table' }
            @{ Type = 'RmbgPS.ImageMask'; View = 'Table' }
            @{ Type = 'RmbgPS.DeviceInfo'; View = 'List' }
            @{ Type = 'RmbgPS.RmbgModelInfo'; View = 'Table' }
        ) {
            $data = @(Get-FormatData -TypeName $Type)
            $data.Count | Should -Be 1
            $data[0].FormatViewDefinition.Control | ForEach-Object { $_.GetType().Name } | Should -Contain "${View}Control"
        }

        It 'shows Get-RmbgDevice as a list, providers on one line' {
            $text = Get-RmbgDevice | Out-String -Width 200
            $text | Should -Match '(?m)^EffectiveDevice\s*: (Cpu|Cuda|DirectML|CoreML)\s*$'
            $text | Should -Match '(?m)^AvailableProviders\s*: .*CPUExecutionProvider'
        }

        It 'shows Get-RmbgModel as a table with SizeMB and MemoryMB columns' {
            $text = Get-RmbgModel -Name 'BiRefNet-lite' | Out-String -Width 200
            $text | Should -Match '(?m)^Name\s+Variant\s+Installed\s+Default\s+SizeMB\s+MemoryMB\s+Profile\s+License'
            $text | Should -Match '(?m)^BiRefNet-lite\s+fp32\s+False\s+224\s+3\D?685\s+BiRefNet' # the number in the culture's digits
            $text | Should -Match '(?m)^BiRefNet-lite\s'
        }
    }

    Context 'test isolation' {
        It 'points $env:RMBG_MODEL_HOME at this file''s $TestDrive' {
            $env:RMBG_MODEL_HOME | Should -Be $TestRun.Store
            $TestRun.Store | Should -BeLike "$TestDrive*"
            $env:RMBG_MODEL | Should -Be $ModelPath
        }
    }

    Context "test isolation with the model$ModelSkipNote" -Skip:$SkipModelTests {
        BeforeAll {
            Initialize-TestAsset
            # The test is about what a model load writes. The engine is one per process, so in a pwsh that ran other
            # files first a model loaded there (from that file's store) could serve the next image without a load:
            # release it, so this file's first image loads the model here, as in a fresh process.
            Clear-RmbgLoadedModel
        }

        It 'caches the optimised graph in the temporary store, not in the user''s' {
            $image = New-TinyPng (Join-Path (New-TestFolder 'isolation') 'tiny.png')
            $loadsBefore = (Get-RmbgDevice).LoadCount
            $null = Get-ImageMask -LiteralPath $image
            $device = Get-RmbgDevice
            $device.IsLoaded | Should -BeTrue
            $device.LoadCount | Should -Be ($loadsBefore + 1) -Because 'the image loaded the model'
            $device.GraphSource | Should -BeLike "*$($TestRun.Store)*"
            @(Get-ChildItem -LiteralPath $TestRun.Store -Recurse -Force -File -Filter *.ort).Count | Should -Be 1 -Because 'the optimised graph is saved in ONNX Runtime''s own format'
        }
    }
}
