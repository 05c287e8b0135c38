#Requires -Version 7.4

<#
.SYNOPSIS
    Runs Pester test files against the built module with Pester 5.7.1, and exits non-zero when any test fails.

.DESCRIPTION
    Pester comes from the NuGet package that 'dotnet test' restores (tests/RmbgPS.Module.Tests pins
    Pester 5.7.1 with PackageDownload), so no Install-Module is needed; a Pester 5.7.1 already on
    $env:PSModulePath works too. Build the module first (dotnet build -c Release).

    This script only finds Pester and prints a summary line; the test files set up everything they
    need themselves (tests/Common.ps1), so plain Invoke-Pester works as well:
        Import-Module ~/.nuget/packages/pester/5.7.1/tools/Pester.psd1; Invoke-Pester ./tests
    Without -Path all files run in this one pwsh, one after another; each starts the module's shared
    engine as a fresh process has it and puts back what it found, so they pass together, alone and in
    any order.

    The test command (dotnet test RmbgPS.sln, which build.ps1 -Test runs) checks both ways: the xunit
    class PesterSuiteTests runs each tests/*.Tests.ps1 through this script in a fresh pwsh, and the
    whole folder with plain Invoke-Pester in one pwsh.

.PARAMETER Path
    Test files or folders; default: every *.Tests.ps1 in this folder, in one process.

.EXAMPLE
    dotnet pwsh tests/Invoke-RmbgPester.ps1

    Runs the whole suite in one pwsh.

.EXAMPLE
    dotnet pwsh tests/Invoke-RmbgPester.ps1 tests/Get-ImageMask.Tests.ps1

    Runs one file.
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [string[]] $Path = @($PSScriptRoot)
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
$pesterVersion = [version] '5.7.1'

$pester = Get-Module -ListAvailable -Name Pester | Where-Object Version -EQ $pesterVersion | Select-Object -First 1
if (-not $pester) {
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget' 'packages' }
    $manifest = Join-Path $packages 'pester' $pesterVersion 'tools' 'Pester.psd1'
    if (-not (Test-Path -LiteralPath $manifest -PathType Leaf)) {
        throw "Pester $pesterVersion was not found on `$env:PSModulePath nor at '$manifest'. Run 'dotnet restore RmbgPS.sln' (it downloads the Pester package) or Install-Module Pester -RequiredVersion $pesterVersion."
    }
    $pester = $manifest
}
Import-Module $pester -Force

$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.Output.RenderMode = 'Plaintext'
$result = Invoke-Pester -Configuration $config

# One plain line for whoever reads the log (CI counts 'N passed, N failed').
"Pester: $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped"
$failedBlocks = @($result.FailedBlocks) + @($result.FailedContainers)
if ($result.Result -ne 'Passed' -or $result.TotalCount -eq 0 -or $failedBlocks.Count -gt 0) {
    exit 1
}
exit 0
