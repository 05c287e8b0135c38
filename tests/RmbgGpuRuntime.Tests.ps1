#Requires -Version 7.4

# Install-RmbgGpuRuntime and Uninstall-RmbgGpuRuntime as far as they go without a download: -WhatIf, sources that
# are refused, the nothing-to-do cases, and what Get-RmbgDevice says about the ONNX Runtime in use. The download,
# the install and the CUDA build's behaviour without CUDA are tested in .NET (GpuRuntimeCmdletTests), against a
# loopback server serving the real package.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $GpuPlatform = [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture -eq 'X64' -and ($IsLinux -or $IsWindows)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $TestRun = Initialize-RmbgTestRun
    $RuntimeFolder = Join-Path $TestRun.Store '.runtimes'
}

AfterAll {
    Restore-RmbgTestRun $TestRun
}

Describe 'Install-RmbgGpuRuntime' -Skip:(-not $GpuPlatform) {
    It 'has the parameters <Parameter>' -ForEach @(
        foreach ($name in 'Source', 'TimeoutSec', 'MaximumRetryCount', 'RetryIntervalSec', 'Force', 'PassThru', 'WhatIf', 'Confirm') { @{ Parameter = $name } }
    ) {
        (Get-Command Install-RmbgGpuRuntime).Parameters.Keys | Should -Contain $Parameter
    }

    It '-WhatIf names the package URL, its size and the folder, and downloads nothing' {
        $package = if ($IsWindows) { 'microsoft.ml.onnxruntime.gpu.windows' } else { 'microsoft.ml.onnxruntime.gpu.linux' }
        $said = Get-WhatIfMessage { Install-RmbgGpuRuntime -WhatIf } | Out-String
        $said | Should -BeLike "*https://api.nuget.org/v3-flatcontainer/$package/1.32.0/$package.1.32.0.nupkg*"
        $said | Should -BeLike '* MB)*'
        $said | Should -BeLike "*$(Join-Path $RuntimeFolder 'onnxruntime-gpu-1.32.0-')*"
        $RuntimeFolder | Should -Not -Exist
    }

    It 'gives the runtime''s size the same way in -WhatIf and in the error that suggests installing it' {
        $said = Get-WhatIfMessage { Install-RmbgGpuRuntime -WhatIf } | Out-String
        $thrown = { Set-RmbgDevice -Device Cuda -ErrorAction Stop } | Should -Throw -PassThru
        $suggested = [regex]::Match($thrown.Exception.Message, 'from NuGet, ([\d.,]+ MB)').Groups[1].Value
        $suggested | Should -Not -BeNullOrEmpty -Because "the error suggests Install-RmbgGpuRuntime with its size: $($thrown.Exception.Message)"
        $said | Should -BeLike "*($suggested)*"
    }

    It 'a mirror folder gets the package path appended' {
        $said = Get-WhatIfMessage { Install-RmbgGpuRuntime -Source 'https://nuget.corp.example/v3-flatcontainer/' -WhatIf } | Out-String
        $said | Should -BeLike '*https://nuget.corp.example/v3-flatcontainer/microsoft.ml.onnxruntime.gpu.*/1.32.0/*.nupkg*'
    }

    It 'refuses <Case> with <Id>, downloading nothing' -ForEach @(
        @{ Case = 'plain HTTP to another machine'; Source = 'http://nuget.corp.example/pkg.nupkg'; Target = 'http://nuget.corp.example/pkg.nupkg'; Id = 'InsecureSource'; Category = 'SecurityError' }
        @{ Case = 'a relative URL'; Source = 'v3-flatcontainer/'; Target = 'v3-flatcontainer/'; Id = 'InvalidSource'; Category = 'InvalidArgument' }
    ) {
        Install-RmbgGpuRuntime -Source $Source -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed | Should -HaveCount 1
        Assert-ErrorRecord $failed[0] -ErrorId $Id -Category $Category -TargetObject $Target -Command 'Install-RmbgGpuRuntime'
        $RuntimeFolder | Should -Not -Exist
    }
}

Describe 'Uninstall-RmbgGpuRuntime' {
    It 'does nothing, and says so, when no CUDA build is installed' {
        $verbose = Uninstall-RmbgGpuRuntime -Verbose 4>&1
        ($verbose | Out-String) | Should -BeLike '*not installed*nothing to uninstall*'
    }
}

Describe 'Get-RmbgDevice and the ONNX Runtime in use' {
    It 'names the ONNX Runtime version and the library file this session loaded' {
        $info = Get-RmbgDevice
        $info.OnnxRuntimeVersion | Should -Be '1.32.0'
        $info.ExecutionProvider | Should -Not -BeNullOrEmpty
        # Nothing is installed in this store: the module's own library runs.
        $info.OnnxRuntimeLibrary | Should -BeLike "$((Get-Module RmbgPS).ModuleBase)*"
    }
}
