#Requires -Version 7.4

# Get-RmbgDevice and Set-RmbgDevice: the shared engine's settings, the DeviceInfo object, -WhatIf, errors, and
# when the loaded model session is kept or replaced.

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

Describe 'Set-RmbgDevice parameters' {
    It '<Command> has the parameter <Parameter>' -ForEach @(
        foreach ($name in 'Device', 'DeviceId', 'ThreadCount', 'Model', 'Profile', 'Resolution', 'OptimizedGraphCache', 'MemoryCheck', 'WorkerPriority', 'PassThru', 'WhatIf') {
            @{ Command = 'Set-RmbgDevice'; Parameter = $name }
        }
    ) {
        (Get-Command $Command).Parameters.Keys | Should -Contain $Parameter
    }

    It 'Set-RmbgDevice -Resolution takes multiples of 32 from 256 to 4096 (or 0), refusing anything else with InvalidResolution and changing nothing' {
        $before = (Get-RmbgDevice).Resolution
        $thrown = { Set-RmbgDevice -Resolution 1000 } | Should -Throw -PassThru
        Assert-ErrorRecord $thrown -ErrorId 'InvalidResolution' -Category 'InvalidArgument' -TargetObject 1000 -Command 'Set-RmbgDevice'
        $thrown.Exception.Message | Should -BeLike '*multiple of 32*or 0 for the model''s own.'
        { Set-RmbgDevice -Resolution 1000 -WhatIf } | Should -Throw -ErrorId 'InvalidResolution*' # -WhatIf does not hide a value that cannot be used
        (Get-RmbgDevice).Resolution | Should -Be $before
        try {
            (Set-RmbgDevice -Resolution 1536 -PassThru).Resolution | Should -Be 1536
        }
        finally {
            Set-RmbgDevice -Resolution $before
        }
    }

    It 'Set-RmbgDevice -Device takes Auto, Cpu, Cuda, DirectML and CoreML' {
        $parameter = (Get-Command Set-RmbgDevice).Parameters['Device']
        $values = if ($parameter.ParameterType.IsEnum) {
            [Enum]::GetNames($parameter.ParameterType)
        }
        else {
            $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | ForEach-Object ValidValues
        }
        foreach ($device in 'Auto', 'Cpu', 'Cuda', 'DirectML', 'CoreML') {
            $values | Should -Contain $device
        }
    }
}

Describe 'Get-RmbgDevice and Set-RmbgDevice' {
    BeforeAll {
        $initial = Get-RmbgDevice
    }

    AfterAll {
        # Leave the shared engine as it was found.
        Set-RmbgDevice -Device $initial.Device -DeviceId $initial.DeviceId -ThreadCount $initial.ThreadCount
    }

    Context 'Get-RmbgDevice' {
        It 'emits an RmbgPS.DeviceInfo with the documented properties' {
            $info = Get-RmbgDevice
            $info.PSObject.TypeNames | Should -Contain 'RmbgPS.DeviceInfo'
            foreach ($name in 'Device', 'EffectiveDevice', 'DeviceId', 'ThreadCount', 'AvailableProviders', 'Model', 'Profile', 'IsLoaded', 'SessionId', 'LoadCount') {
                $info.PSObject.Properties.Name | Should -Contain $name
            }
        }

        It 'lists the execution providers of this build, CPUExecutionProvider among them' {
            $info = Get-RmbgDevice
            $info.AvailableProviders -is [string[]] | Should -BeTrue
            $info.AvailableProviders | Should -Contain 'CPUExecutionProvider'
        }
    }

    Context 'Set-RmbgDevice' {
        AfterEach {
            Set-RmbgDevice -Device $initial.Device -ThreadCount $initial.ThreadCount
        }

        It 'emits the new DeviceInfo with -PassThru' {
            $info = Set-RmbgDevice Cpu -ThreadCount 1 -PassThru
            $info.PSObject.TypeNames | Should -Contain 'RmbgPS.DeviceInfo'
            $info.Device | Should -Be 'Cpu'
            $info.EffectiveDevice | Should -Be 'Cpu'
            $info.ThreadCount | Should -Be 1
            (Get-RmbgDevice).Device | Should -Be 'Cpu'
        }

        It 'emits nothing without -PassThru' {
            @(Set-RmbgDevice -Device Cpu).Count | Should -Be 0
            (Get-RmbgDevice).Device | Should -Be 'Cpu'
        }

        It 'changes nothing with -WhatIf' {
            $before = (Get-RmbgDevice).Device
            $other = if ($before -eq 'Cpu') { 'Auto' } else { 'Cpu' }
            Set-RmbgDevice -Device $other -WhatIf
            (Get-RmbgDevice).Device | Should -Be $before
        }

        It 'stops with DeviceNotAvailable for -Device Cuda where CUDA cannot run, saying why and what to do' {
            $before = Get-RmbgDevice
            if ($before.EffectiveDevice -eq 'Cuda') {
                Set-ItResult -Skipped -Because 'CUDA works on this machine'
                return
            }
            $thrown = { Set-RmbgDevice -Device Cuda -ErrorAction Continue } | Should -Throw -PassThru
            $thrown.FullyQualifiedErrorId | Should -BeLike 'DeviceNotAvailable*'
            if ($before.AvailableProviders -contains 'CUDAExecutionProvider') {
                $thrown.Exception.Message | Should -BeLike '*could not start*CUDA 13.x and cuDNN 9.x*' # the CUDA build, without NVIDIA's libraries
            }
            else {
                $thrown.Exception.Message | Should -BeLike '*CPUExecutionProvider*Install-RmbgGpuRuntime*'
            }
            (Get-RmbgDevice).Device | Should -Be $before.Device
        }
    }

    Context "the shared model session$ModelSkipNote" -Skip:$SkipModelTests {
        BeforeAll {
            Initialize-TestAsset
            $dir = New-TestFolder 'session'
            $in = Copy-Photo 'chelsea.png' $dir

            $null = Remove-ImageBackground -LiteralPath $in -Force
            $first = Get-RmbgDevice
            $null = Remove-ImageBackground -LiteralPath $in -Force
            $second = Get-RmbgDevice
            Set-RmbgDevice -Device Cpu
            $null = Remove-ImageBackground -LiteralPath $in -Force
            $afterSet = Get-RmbgDevice
        }

        AfterAll {
            Set-RmbgDevice -Device $initial.Device
        }

        It 'reports the loaded model' {
            $first.IsLoaded | Should -BeTrue
            $first.SessionId | Should -Not -BeNullOrEmpty
            $first.Model | Should -BeLike "*$ModelName*"
        }

        It 'keeps the session for a second call with the same model' {
            $second.SessionId | Should -Be $first.SessionId
            $second.LoadCount | Should -Be $first.LoadCount
        }

        It 'loads a new session on the next call after Set-RmbgDevice -Device Cpu' {
            $afterSet.IsLoaded | Should -BeTrue
            $afterSet.SessionId | Should -Not -BeNullOrEmpty
            $afterSet.SessionId | Should -Not -Be $first.SessionId
            $afterSet.LoadCount | Should -Be ($first.LoadCount + 1)
            $afterSet.Device | Should -Be 'Cpu'
            $afterSet.EffectiveDevice | Should -Be 'Cpu'
        }
    }

    Context 'the DeviceInfo object' {
        BeforeAll {
            $info = Get-RmbgDevice
        }

        It 'is an RmbgPS.DeviceInfo, the type the [OutputType] of Get-RmbgDevice and Set-RmbgDevice declares' {
            $info.GetType().FullName | Should -Be 'RmbgPS.DeviceInfo'
            (Get-Command Get-RmbgDevice).OutputType.Type | Should -Be $info.GetType()
            (Get-Command Set-RmbgDevice).OutputType.Type | Should -Be $info.GetType()
            (Set-RmbgDevice -WorkerPriority $info.WorkerPriority -PassThru).GetType() | Should -Be $info.GetType()
        }

        It 'has <Name> of type <Type>' -ForEach @(
            @{ Name = 'Device'; Type = [string] }, @{ Name = 'EffectiveDevice'; Type = [string] }
            @{ Name = 'DeviceId'; Type = [int] }, @{ Name = 'ThreadCount'; Type = [int] }
            @{ Name = 'AvailableProviders'; Type = [string[]] }, @{ Name = 'ConfiguredModel'; Type = [string] }
            @{ Name = 'Model'; Type = [string] }, @{ Name = 'ModelChosenBy'; Type = [string] }
            @{ Name = 'Profile'; Type = [string] }, @{ Name = 'IsLoaded'; Type = [bool] }
            @{ Name = 'SessionId'; Type = [Nullable[guid]] }, @{ Name = 'LoadedModels'; Type = [string[]] }
            @{ Name = 'LoadCount'; Type = [int] }, @{ Name = 'OptimizedGraphCache'; Type = [bool] }
            @{ Name = 'GraphSource'; Type = [string] }, @{ Name = 'LoadTime'; Type = [Nullable[timespan]] }
            @{ Name = 'WorkerPriority'; Type = [string] }, @{ Name = 'MemoryCheck'; Type = [bool] }
            @{ Name = 'ModelMemoryMB'; Type = [Nullable[long]] }, @{ Name = 'ModelMemoryBasis'; Type = [string] }
        ) {
            Get-PropertyType $info $Name | Should -Be $Type
        }

        It 'names the device and the workers'' priority with the names Set-RmbgDevice takes' {
            $info.Device | Should -BeIn ([Enum]::GetNames((Get-Command Set-RmbgDevice).Parameters['Device'].ParameterType))
            $info.EffectiveDevice | Should -BeIn 'Cpu', 'Cuda', 'DirectML', 'CoreML'
            $info.WorkerPriority | Should -BeIn ([Enum]::GetNames((Get-Command Set-RmbgDevice).Parameters['WorkerPriority'].ParameterType))
            $info.ThreadCount | Should -BeGreaterThan 0
        }
    }

    Context 'Set-RmbgDevice messages and errors' {
        It 'says what it would do with -WhatIf' {
            $messages = @(Get-WhatIfMessage { Set-RmbgDevice -Device Cpu -DeviceId 0 -ThreadCount 3 -WhatIf })
            $messages.Count | Should -Be 1
            $messages[0] | Should -BeLike 'What if: Performing the operation "Use device Cpu (id 0), 3 threads, model *" on target "RmbgPS shared engine".'
            (Get-RmbgDevice).ThreadCount | Should -Be $initial.ThreadCount
        }

        It 'stops with UnknownProfile (InvalidArgument) for a -Profile it does not know, changing nothing' {
            $before = Get-RmbgDevice
            $thrown = { Set-RmbgDevice -Profile 'NoSuchProfile' -Device Cpu -ErrorAction Continue } | Should -Throw -PassThru
            Assert-ErrorRecord $thrown -ErrorId 'UnknownProfile' -Category 'InvalidArgument' -TargetObject 'NoSuchProfile' -Command 'Set-RmbgDevice'
            $thrown.Exception.Message | Should -BeLike '*ISNet*' -Because 'it lists the known profiles'
            (Get-RmbgDevice).Device | Should -Be $before.Device
        }

        It 'stops with DeviceNotAvailable (NotEnabled), the device as target, for a provider this build lacks' {
            $providers = @{ Cuda = 'CUDAExecutionProvider'; DirectML = 'DmlExecutionProvider'; CoreML = 'CoreMLExecutionProvider' }
            $missing = 'Cuda', 'DirectML', 'CoreML' |
                Where-Object { (Get-RmbgDevice).AvailableProviders -notcontains $providers[$_] } | Select-Object -First 1
            if (-not $missing) {
                Set-ItResult -Skipped -Because 'this build has every execution provider'
                return
            }
            $thrown = { Set-RmbgDevice -Device $missing -ErrorAction Continue } | Should -Throw -PassThru
            Assert-ErrorRecord $thrown -ErrorId 'DeviceNotAvailable' -Category 'NotEnabled' -TargetObject $missing -Command 'Set-RmbgDevice'
        }

        It 'takes a relative -Model path relative to the current PowerShell location' {
            $folder = New-TestFolder 'relative-model'
            Push-Location -LiteralPath $folder
            try {
                Set-RmbgDevice -Model (Join-Path '.' 'models' 'mine.onnx')
                (Get-RmbgDevice).ConfiguredModel | Should -Be (Join-Path $folder 'models' 'mine.onnx')
            }
            finally {
                Pop-Location
                Set-RmbgDevice -Model ''
            }
            (Get-RmbgDevice).ConfiguredModel | Should -BeNullOrEmpty
        }

        It 'reports a missing bare -Model file name where PowerShell is, not in the process''s folder' {
            $folder = New-TestFolder 'missing-model'
            $photo = Copy-Photo 'chelsea.png' $folder
            Push-Location -LiteralPath $folder
            try {
                $thrown = { Remove-ImageBackground -LiteralPath $photo -Model 'missing.onnx' } | Should -Throw -ErrorId 'ModelNotFound,*' -PassThru
            }
            finally {
                Pop-Location
            }
            $thrown.Exception.Message | Should -BeLike "*'$(Join-Path $folder 'missing.onnx')'*"
            $thrown.Exception.Message | Should -Not -BeLike "*'$(Join-Path ([Environment]::CurrentDirectory) 'missing.onnx')'*"
        }
    }
}
