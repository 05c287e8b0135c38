#Requires -Version 7.4

<#
.SYNOPSIS
    Builds the RmbgPS module into out/RmbgPS and, with -Test, runs its tests.

.DESCRIPTION
    Runs 'dotnet build RmbgPS.sln'. The build lays the importable module out in out/RmbgPS: the
    manifest, the assemblies and the native libraries under runtimes/<rid>/native.

    With -Test it then runs 'dotnet test RmbgPS.sln', which runs every .NET test and the whole Pester
    suite (tests/*.Tests.ps1 with Pester 5.7.1, each file in a fresh pwsh and all of them in one), so
    the module's assemblies are never loaded (and, on Windows, locked) in the session that runs this
    script.

    With -Package it writes out/RmbgPS.<version>.nupkg with PSResourceGet's Publish-PSResource, through
    a temporary local file repository; Install-PSResource and Save-PSResource install it from any
    repository it is published to. Any failing step stops the script with an error.

    The script works from any current directory.

.PARAMETER Configuration
    The build configuration: Release (the default) or Debug.

.PARAMETER Gpu
    Builds against the Microsoft.ML.OnnxRuntime.Gpu 1.32.0 package (CUDA execution provider) instead of
    the CPU-only Microsoft.ML.OnnxRuntime 1.32.0: a module of about 600 MB with the CUDA natives of both
    platforms. Users get the same natives without it: Install-RmbgGpuRuntime fetches them on demand.
    Running on the GPU needs NVIDIA's driver, CUDA 13 and cuDNN 9 installed.

.PARAMETER Test
    After building, runs the test command: the .NET tests and the Pester suite.

.PARAMETER Package
    After building (or without building, with -NoBuild), packs out/RmbgPS into RmbgPS.<version>.nupkg
    in -PackagePath.

.PARAMETER PackagePath
    The folder the package is written to; out/ by default.

.PARAMETER NoBuild
    Uses the module already in out/RmbgPS instead of building it (with -Package or -Test).

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

.EXAMPLE
    ./build.ps1 -Package

    Builds, then writes out/RmbgPS.0.1.0.nupkg. Publish it to a feed, or install it from a folder:
        Register-PSResourceRepository -Name Local -Uri ./out -Trusted
        Install-PSResource RmbgPS -Repository Local

.NOTES
    Needs the .NET SDK (dotnet on PATH). The tests fetch their model and photos on first use (see
    tests/assets/fetch-test-assets.sh), real pwsh through the repository's local dotnet tool and Pester
    5.7.1 from NuGet.
#>
[CmdletBinding()]
param(
    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',

    [switch] $Gpu,

    [switch] $Test,

    [switch] $Package,

    [string] $PackagePath,

    [switch] $NoBuild,

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

if (-not $NoBuild) {
    Invoke-NativeStep -Name "Build ($Configuration$($Gpu ? ', GPU' : ''))" -FilePath 'dotnet' -ArgumentList (@('build', $solution) + $msbuildArgs)
}

if (-not (Test-Path -LiteralPath $manifest -PathType Leaf)) {
    throw ($NoBuild ? "-NoBuild: there is no module to use, '$manifest' is missing. Run ./build.ps1 first." :
        "The build succeeded but laid out no module: '$manifest' is missing.")
}

if ($Test) {
    # --no-build: test what was just built (a rebuild would lay out out/RmbgPS again). The Pester suite runs
    # inside it (tests/RmbgPS.Module.Tests/PesterSuiteTests.cs), each file in a fresh pwsh and the folder in one.
    Invoke-NativeStep -Name 'Tests (.NET and Pester)' -FilePath 'dotnet' -ArgumentList (@('test', $solution, '--no-build') + $msbuildArgs)
}

if ($Package) {
    $packageFolder = if ($PackagePath) { $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($PackagePath) } else { $outRoot }
    $version = (Import-PowerShellDataFile -LiteralPath $manifest).ModuleVersion
    $nupkg = Join-Path $packageFolder "RmbgPS.$version.nupkg"
    Write-Host "==> Package $nupkg" -ForegroundColor Cyan
    # Publish-PSResource packs only into a registered repository: a temporary one, removed afterwards.
    $staging = Join-Path ([IO.Path]::GetTempPath()) "rmbgps-package-$([guid]::NewGuid().ToString('N'))"
    $repositoryName = "RmbgPSBuild$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory -Path $staging | Out-Null
    try {
        Register-PSResourceRepository -Name $repositoryName -Uri $staging -Trusted
        Publish-PSResource -Path $moduleDir -Repository $repositoryName -SkipDependenciesCheck
        $built = Join-Path $staging "RmbgPS.$version.nupkg"
        if (-not (Test-Path -LiteralPath $built -PathType Leaf)) {
            throw "Publish-PSResource wrote no '$built'."
        }
        New-Item -ItemType Directory -Path $packageFolder -Force | Out-Null
        Move-Item -LiteralPath $built -Destination $nupkg -Force
    }
    finally {
        Unregister-PSResourceRepository -Name $repositoryName -ErrorAction Ignore
        Remove-Item -LiteralPath $staging -Recurse -Force -ErrorAction Ignore
    }
    # MB of 1,000,000 bytes, as everything the module shows (1MB in PowerShell is 1,048,576).
    Write-Host ("Package: {0} ({1:N1} MB)" -f $nupkg, ((Get-Item -LiteralPath $nupkg).Length / 1e6)) -ForegroundColor Green
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
