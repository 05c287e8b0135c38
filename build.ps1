#Requires -Version 7.4

<#
.SYNOPSIS
    Builds the RmbgPS module into out/RmbgPS and, with -Test, runs its tests.

.DESCRIPTION
    Runs 'dotnet build RmbgPS.sln'. The build lays the importable module out in out/RmbgPS: the
    manifest, the assemblies and the native libraries under runtimes/<rid>/native.

    With -Test it then runs 'dotnet test RmbgPS.sln' and, when Pester 5 or later is installed, the
    Pester suite tests/RmbgPS.Tests.ps1 in a child pwsh, so that the module's assemblies are never
    loaded (and, on Windows, locked) in the session that runs this script. Any failing step stops
    the script with an error.

    The script works from any current directory.

.PARAMETER Configuration
    The build configuration: Release (the default) or Debug.

.PARAMETER Gpu
    Builds against the Microsoft.ML.OnnxRuntime.Gpu package (CUDA execution provider) instead of
    the CPU-only Microsoft.ML.OnnxRuntime. Running on the GPU needs CUDA 12 and cuDNN 9 installed.

.PARAMETER Test
    After building, runs the .NET tests and, when Pester 5+ is available, the Pester suite.

.PARAMETER Clean
    Removes out/ and every project's bin/ and obj/ folders before building.

.EXAMPLE
    ./build.ps1

    Builds the Release module into out/RmbgPS; then 'Import-Module ./out/RmbgPS'.

.EXAMPLE
    ./build.ps1 -Configuration Debug -Clean -Test

    Builds Debug from scratch and runs all tests.

.EXAMPLE
    ./build.ps1 -Gpu

    Builds the module with the CUDA execution provider.

.NOTES
    Needs the .NET SDK (dotnet on PATH). The Pester tests need the test model and photos; see
    tests/assets/fetch-test-assets.sh. Install Pester with:
        Install-Module Pester -MinimumVersion 5.5 -Scope CurrentUser
#>
[CmdletBinding()]
param(
    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',

    [switch] $Gpu,

    [switch] $Test,

    [switch] $Clean
)

Set-StrictMode -Version 3.0
$ErrorActionPreference = 'Stop'
# Exit codes are checked by hand, so a failing tool gets a message that names the step.
$PSNativeCommandUseErrorActionPreference = $false

$repoRoot = $PSScriptRoot
$solution = Join-Path $repoRoot 'RmbgPS.sln'
$outRoot = Join-Path $repoRoot 'out'
$moduleDir = Join-Path $outRoot 'RmbgPS'
$manifest = Join-Path $moduleDir 'RmbgPS.psd1'
$pesterSuite = Join-Path $repoRoot 'tests' 'RmbgPS.Tests.ps1'

function Invoke-NativeStep {
    <#
    .SYNOPSIS
        Runs a native command, shows its output, and throws when its exit code is not 0.
    #>
    param(
        [Parameter(Mandatory)]
        [string] $Name,

        [Parameter(Mandatory)]
        [string] $FilePath,

        [string[]] $ArgumentList = @()
    )
    Write-Host "==> $Name" -ForegroundColor Cyan
    Write-Verbose "$FilePath $($ArgumentList -join ' ')"
    # Out-Host keeps the tool's output off this script's output stream.
    & $FilePath @ArgumentList | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "$Name failed (exit code $LASTEXITCODE): $FilePath $($ArgumentList -join ' ')"
    }
}

function Get-PwshPath {
    # The pwsh running this script, so the tests run on the same PowerShell version.
    $candidate = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    if (Test-Path -LiteralPath $candidate -PathType Leaf) {
        return $candidate
    }
    $onPath = Get-Command pwsh -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($onPath) {
        return $onPath.Source
    }
    throw "Cannot find pwsh (looked in '$PSHOME' and on PATH) to run the Pester tests in."
}

function ConvertTo-SingleQuoted([string] $Text) {
    "'" + ($Text -replace "'", "''") + "'"
}

if (-not (Get-Command dotnet -CommandType Application -ErrorAction Ignore)) {
    throw 'The .NET SDK was not found: install it (https://dotnet.microsoft.com/download) and make sure dotnet is on PATH.'
}
if (-not (Test-Path -LiteralPath $solution -PathType Leaf)) {
    throw "The solution '$solution' is missing."
}

$loaded = Get-Module RmbgPS | Where-Object { $_.ModuleBase -and [IO.Path]::GetFullPath($_.ModuleBase) -eq [IO.Path]::GetFullPath($moduleDir) }
if ($loaded) {
    Write-Warning ("RmbgPS is imported from '$moduleDir' in this session. " +
        'Its assemblies stay loaded (and locked on Windows): start a new pwsh to use the new build.')
}

if ($Clean) {
    Write-Host '==> Clean' -ForegroundColor Cyan
    if (Test-Path -LiteralPath $outRoot) {
        Write-Verbose "Removing $outRoot"
        Remove-Item -LiteralPath $outRoot -Recurse -Force
    }
    $projectDirs = Get-ChildItem -LiteralPath (Join-Path $repoRoot 'src'), (Join-Path $repoRoot 'tests') -Filter '*.csproj' -File -Recurse -ErrorAction Ignore |
        ForEach-Object DirectoryName |
        Sort-Object -Unique
    foreach ($projectDir in $projectDirs) {
        foreach ($leaf in 'bin', 'obj') {
            $folder = Join-Path $projectDir $leaf
            if (Test-Path -LiteralPath $folder) {
                Write-Verbose "Removing $folder"
                Remove-Item -LiteralPath $folder -Recurse -Force
            }
        }
    }
}

$msbuildArgs = @('-c', $Configuration)
if ($Gpu) {
    $msbuildArgs += '-p:RmbgOrtFlavor=Gpu'
}

Invoke-NativeStep -Name "Build ($Configuration$($Gpu ? ', GPU' : ''))" -FilePath 'dotnet' -ArgumentList (@('build', $solution) + $msbuildArgs)

if (-not (Test-Path -LiteralPath $manifest -PathType Leaf)) {
    throw "The build succeeded but laid out no module: '$manifest' is missing."
}

if ($Test) {
    # --no-build: test what was just built (a rebuild would lay out out/RmbgPS again).
    Invoke-NativeStep -Name '.NET tests' -FilePath 'dotnet' -ArgumentList (@('test', $solution, '--no-build') + $msbuildArgs)

    $pester = Get-Module -ListAvailable -Name Pester |
        Where-Object { $_.Version -ge [version]'5.0' } |
        Sort-Object Version -Descending |
        Select-Object -First 1
    if (-not $pester) {
        Write-Warning ('Pester 5 or later is not installed, so the Pester tests in tests/RmbgPS.Tests.ps1 were not run. ' +
            'Install it with: Install-Module Pester -MinimumVersion 5.5 -Scope CurrentUser')
    }
    elseif (-not (Test-Path -LiteralPath $pesterSuite -PathType Leaf)) {
        throw "The Pester suite '$pesterSuite' is missing."
    }
    else {
        # A child pwsh, so the module's assemblies are not loaded (or locked) in this session.
        $childScript = @(
            '$ErrorActionPreference = ''Stop'''
            "Import-Module Pester -RequiredVersion $($pester.Version)"
            '$config = New-PesterConfiguration'
            "`$config.Run.Path = $(ConvertTo-SingleQuoted $pesterSuite)"
            '$config.Run.PassThru = $true'
            '$config.Output.Verbosity = ''Detailed'''
            '$result = Invoke-Pester -Configuration $config'
            'if ($result.Result -eq ''Passed'' -and $result.TotalCount -gt 0) { exit 0 } else { exit 1 }'
        ) -join '; '
        Invoke-NativeStep -Name "Pester tests (Pester $($pester.Version))" -FilePath (Get-PwshPath) `
            -ArgumentList @('-NoProfile', '-NonInteractive', '-Command', $childScript)
    }
}

$cwd = (Get-Location -PSProvider FileSystem).ProviderPath
$relative = [IO.Path]::GetRelativePath($cwd, $moduleDir)
$importPath = if ([IO.Path]::IsPathRooted($relative) -or $relative.StartsWith('..')) {
    $relative
}
else {
    '.' + [IO.Path]::DirectorySeparatorChar + $relative
}
Write-Host ''
Write-Host "RmbgPS module ($Configuration$($Gpu ? ', GPU' : '')) is in: $moduleDir" -ForegroundColor Green
Write-Host "Import it with:  Import-Module $(($importPath -match '\s') ? (ConvertTo-SingleQuoted $importPath) : $importPath)"
