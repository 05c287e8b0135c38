#Requires -Version 7.4

# What a model takes in memory: Get-RmbgModel's ExpectedMemoryMB (estimated, then measured on a first run), and a model
# too large for the machine refused before it loads (ModelDoesNotFit), with Set-RmbgDevice -MemoryCheck:$false to load it anyway.

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

Describe 'Get-RmbgModel ExpectedMemoryMB' {
    Context 'the catalog' {
        It 'shows what each model takes in memory, so a user can choose: RMBG-2.0 several times ISNet, fp16 no less than fp32 on the CPU' {
            $models = Get-RmbgModel
            $memory = @{}
            foreach ($model in $models | Where-Object Size) {
                $model.ExpectedMemoryMB | Should -BeGreaterThan ($model.SizeMB) -Because "$($model.Reference) holds its weights and its tensors"
                $model.ExpectedMemoryBasis | Should -BeLike 'estimated from its * MB file and the * family at *'
                $memory[$model.Reference] = $model.ExpectedMemoryMB
            }
            $memory['RMBG-2.0:fp32'] | Should -BeGreaterThan (3 * $memory['ISNet-IMGLY:fp16'])
            $memory['RMBG-2.0:fp16'] | Should -BeGreaterOrEqual $memory['RMBG-2.0:fp32']
            $memory['RMBG-2.0:int8'] | Should -BeLessThan $memory['RMBG-2.0:fp32']
            $memory['u2netp:fp32'] | Should -BeLessThan $memory['ISNet-IMGLY:quint8']
            $unsized = @($models | Where-Object { -not $_.Size })
            $unsized.Count | Should -BeGreaterThan 0
            $unsized | Where-Object { $null -ne $_.ExpectedMemoryMB } | Should -BeNullOrEmpty # no size in the catalog: not guessed
            (Get-RmbgModel RMBG-2.0 | Out-String) | Should -Match 'MemoryMB'
        }
    }

    Context "a model file registered with -Path$ModelSkipNote" -Skip:$SkipModelTests {
        BeforeAll {
            Initialize-TestAsset
            $registered = Install-RmbgModel -Path $IsnetPath -Name 'isnet-memory' -PassThru
            $in = Copy-Photo 'chelsea.png' (New-TestFolder 'measured')
        }

        It 'shows the memory its first run measured here, in place of the estimate' {
            $registered.ExpectedMemoryBasis | Should -BeLike 'estimated from its 88 MB file and the ISNet family at 1024x1024' # listed before it ran
            $null = Remove-ImageBackground -LiteralPath $in -Model isnet-memory -Force
            $after = Get-RmbgModel -Name isnet-memory
            $after.ExpectedMemoryBasis | Should -BeLike 'measured on its first run here*'
            $after.ExpectedMemoryMB | Should -BeGreaterThan 500
            (Get-RmbgDevice).ModelMemoryMB | Should -Be $after.ExpectedMemoryMB
            (Get-RmbgDevice).ModelMemoryBasis | Should -BeLike 'measured on its first run*'
        }

        It 'keeps the loaded model when the memory check is turned off and on, and says so' {
            $null = Remove-ImageBackground -LiteralPath $in -Model isnet-memory -Force
            $loaded = (Get-RmbgDevice).SessionId
            try {
                $said = Set-RmbgDevice -MemoryCheck:$false -Verbose 4>&1 | Out-String
                $said | Should -BeLike '*The memory check is off for the next load; the loaded model stays loaded.*'
                (Get-RmbgDevice).MemoryCheck | Should -BeFalse
                (Get-RmbgDevice).SessionId | Should -Be $loaded
            }
            finally {
                Set-RmbgDevice -MemoryCheck
            }
            (Get-RmbgDevice).SessionId | Should -Be $loaded
        }
    }
}

Describe 'Set-RmbgDevice -MemoryCheck' {
    Context "a model too large for the machine$ModelSkipNote" -Skip:$SkipModelTests {
        BeforeAll {
            Initialize-TestAsset
            # A pwsh whose runtime is held to 1 GiB (DOTNET_GCHeapHardLimit, which GC.GetGCMemoryInfo reports as the
            # memory there is, as it does a container's limit): the ISNet test model needs about 1.1 GB and an image 0.3 GB, u2netp 0.3 GB and the image.
            $dir = New-TestFolder 'small-machine'
            $in = Copy-Photo 'chelsea.png' $dir
            $saved = $env:DOTNET_GCHeapHardLimit
            $env:DOTNET_GCHeapHardLimit = '0x40000000'
            try {
                $job = Start-Job -ArgumentList $ManifestPath, $in, $IsnetPath, $U2netpPath, (Join-Path $dir 'store') -ScriptBlock {
                    param($Manifest, $In, $Isnet, $U2netp, $Store)
                    $env:RMBG_MODEL_HOME = $Store
                    Import-Module $Manifest
                    $out = Join-Path ([IO.Path]::GetDirectoryName($In)) 'out'
                    $small = Remove-ImageBackground -LiteralPath $In -OutputPath "$out-u2netp" -Model $U2netp
                    Set-RmbgDevice -Model $Isnet
                    $refused = $failure = $null
                    try {
                        $refused = Remove-ImageBackground -LiteralPath $In -OutputPath "$out-isnet"
                    }
                    catch {
                        $failure = $_ # a terminating error: the batch cannot start
                    }
                    $device = Get-RmbgDevice
                    Set-RmbgDevice -MemoryCheck:$false
                    $anyway = Remove-ImageBackground -LiteralPath $In -OutputPath "$out-anyway"
                    [pscustomobject]@{
                        SmallFits     = [bool] $small -and (Test-Path -LiteralPath $small.OutputPath)
                        Refused       = $null -eq $refused
                        ErrorId       = $failure.FullyQualifiedErrorId
                        Category      = "$($failure.CategoryInfo.Category)"
                        Target        = $failure.TargetObject
                        Message       = $failure.Exception.Message
                        NothingWrote  = -not (Test-Path -LiteralPath "$out-isnet")
                        LoadedModels  = $device.LoadedModels
                        Loads         = $device.LoadCount
                        AnywayWrote   = [bool] $anyway -and (Test-Path -LiteralPath $anyway.OutputPath)
                        MemoryCheckOn = $device.MemoryCheck
                    }
                }
                $small = $job | Wait-Job -Timeout 300 | Receive-Job
                if (-not $small) {
                    throw "The job in a memory-limited pwsh returned nothing ($($job.State)): $($job.ChildJobs[0].JobStateInfo.Reason) $($job.ChildJobs[0].Error)"
                }
            }
            finally {
                $env:DOTNET_GCHeapHardLimit = $saved
                $job | Remove-Job -Force
            }
        }

        It 'runs a model that fits' {
            $small.SmallFits | Should -BeTrue
        }

        It 'refuses, before loading it, a model the memory cannot hold beside an image: ModelDoesNotFit (ResourceUnavailable), the model as target' {
            $small.Refused | Should -BeTrue
            $small.ErrorId | Should -Be 'ModelDoesNotFit,RmbgPS.Commands.RemoveImageBackgroundCommand'
            $small.Category | Should -Be 'ResourceUnavailable'
            $small.Target | Should -Be $IsnetPath
            $small.NothingWrote | Should -BeTrue
            $small.LoadedModels | Should -Not -Contain $IsnetPath
            $small.Loads | Should -Be 1 # u2netp only
            $small.MemoryCheckOn | Should -BeTrue
        }

        It 'says what the model needs, what there is, and what to do' {
            $small.Message | Should -BeLike "The model '$IsnetPath' needs about * MB of memory on the CPU (estimated from its * file and the ISNet family at 1024x1024)*only * MB of the 1,074 MB this process may use is available now.*"
            foreach ($advice in 'smaller model or variant', 'Set-RmbgDevice -Device Cuda', 'Set-RmbgDevice -MemoryCheck:$false') {
                $small.Message | Should -BeLike "*$advice*"
            }
        }

        It 'loads it anyway with Set-RmbgDevice -MemoryCheck:$false' {
            $small.AnywayWrote | Should -BeTrue
        }
    }
}
