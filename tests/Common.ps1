#Requires -Version 7.4

<#
    What the Pester files tests/*.Tests.ps1 share. Each file dot-sources it twice:

        BeforeDiscovery { . (Join-Path $PSScriptRoot 'Common.ps1') }   # $SkipModelTests, $ModelSkipNote
        BeforeAll {
            . (Join-Path $PSScriptRoot 'Common.ps1')
            $TestRun = Initialize-RmbgTestRun    # imports out/RmbgPS, isolates the environment and the engine
        }
        AfterAll { Restore-RmbgTestRun $TestRun }

    Dot-sourcing only sets variables and defines functions; Initialize-RmbgTestRun does the work.
    Every file passes alone and with the others in one pwsh, in any order (Invoke-Pester ./tests):
    the shared engine is one per process, so each file starts it as a fresh process has it and
    Restore-RmbgTestRun puts back what it found.

    Test data, kept outside the repository:
      models  $env:RMBG_TEST_MODEL, else <cache>/models/u2netp.onnx; <cache>/models/isnet-imgly-medium.onnx
              where a test depends on the ISNet model's masks
      photos  <cache>/photos/ (chelsea.png, astronaut.png, coffee.png, rocket.jpg)
    where <cache> is $env:RMBG_TEST_CACHE, else ~/.cache/RmbgPS-test. When they are missing,
    tests/assets/fetch-test-assets.sh fetches them (needs bash); without bash the tests that need
    the model are skipped. Every file the tests write goes to $TestDrive, the model store
    ($env:RMBG_MODEL_HOME, which also holds the optimised-graph cache) included.
#>

$RepoRoot = Split-Path $PSScriptRoot -Parent
$ManifestPath = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '..' 'out' 'RmbgPS' 'RmbgPS.psd1'))

$CacheRoot = if ($env:RMBG_TEST_CACHE) { $env:RMBG_TEST_CACHE } else { Join-Path $HOME '.cache' 'RmbgPS-test' }
$CacheRoot = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($CacheRoot)
# rembg's u2netp (4.6 MB, 320x320) is the real model the tests run; the ISNet model where a test depends on its masks.
$U2netpPath = Join-Path $CacheRoot 'models' 'u2netp.onnx'
$IsnetPath = Join-Path $CacheRoot 'models' 'isnet-imgly-medium.onnx'
$ModelPath = if ($env:RMBG_TEST_MODEL) { $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($env:RMBG_TEST_MODEL) } else { $U2netpPath }
$ModelName = [IO.Path]::GetFileNameWithoutExtension($ModelPath)
$PhotoDir = Join-Path $CacheRoot 'photos'
$Photos = 'chelsea.png', 'astronaut.png', 'coffee.png', 'rocket.jpg'

# A valid 4x3 RGB PNG, for tests that need an image but no photo.
$TinyPngBase64 = 'iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAEElEQVR42mM4UaEBRww4OQBQxhDhQjkA8AAAAABJRU5ErkJggg=='

function Test-TestAsset {
    (Test-Path -LiteralPath $ModelPath, $U2netpPath, $IsnetPath -PathType Leaf) -notcontains $false -and
    -not ($Photos | Where-Object { -not (Test-Path -LiteralPath (Join-Path $PhotoDir $_) -PathType Leaf) })
}

# Discovery decides which blocks are skipped; a missing cache is fetched in the run (Initialize-TestAsset).
$ModelSkipReason = if (Test-TestAsset) {
    ''
}
elseif ($env:RMBG_TEST_MODEL -and -not (Test-Path -LiteralPath $ModelPath -PathType Leaf)) {
    "`$env:RMBG_TEST_MODEL names a missing file: $ModelPath"
}
elseif (-not (Get-Command bash -CommandType Application -ErrorAction Ignore)) {
    "test data missing in $CacheRoot and no bash to run tests/assets/fetch-test-assets.sh"
}
else {
    '' # the model blocks' BeforeAll fetches it
}
$SkipModelTests = [bool] $ModelSkipReason
$ModelSkipNote = if ($SkipModelTests) { " (skipped: $ModelSkipReason)" } else { '' }

function Initialize-RmbgTestRun {
    <#
        Imports the built module, points it at this file's own temporary model store and starts the shared engine
        as a fresh process has it (default settings, no model loaded). Returns what Restore-RmbgTestRun puts back.

        The engine is one per process and outlives Remove-Module and Import-Module -Force, so when several files run
        in one pwsh (Invoke-Pester ./tests) each file would otherwise find what the one before it left: its settings,
        and a model session loaded from that file's store (under a $TestDrive Pester has since deleted).
    #>
    if (-not (Test-Path -LiteralPath $ManifestPath -PathType Leaf)) {
        throw "The module is not built: '$ManifestPath' is missing. Run 'dotnet build -c Release' or ./build.ps1 in '$RepoRoot' first."
    }
    if ($SkipModelTests) {
        Write-Warning "Skipping the tests that need the model: $ModelSkipReason"
    }
    $saved = @{}
    foreach ($name in 'RMBG_MODEL', 'RMBG_MODEL_HOME') {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    # Set before the import: nothing, not even loading the module, may look at the user's model store.
    $env:RMBG_MODEL_HOME = New-TestFolder 'model-store'
    $env:RMBG_MODEL = $ModelPath # how the image cmdlets find the test model
    try {
        Import-Module $ManifestPath -Force -ErrorAction Stop
        # Released first, so Get-RmbgDevice reports the settings, not a loaded session (its Profile is the session's).
        Clear-RmbgLoadedModel
        $device = Get-RmbgDevice
        Set-RmbgDevice -Device Auto -DeviceId 0 -ThreadCount 0 -Model '' -Profile '' -Resolution 0 -OptimizedGraphCache -MemoryCheck -WorkerPriority BelowNormal
        [pscustomobject]@{
            Environment     = $saved
            Device          = $device
            AutoThreadCount = (Get-RmbgDevice).ThreadCount # what -ThreadCount 0 means here; Get-RmbgDevice shows the count in effect
            Store           = $env:RMBG_MODEL_HOME
        }
    }
    catch {
        foreach ($entry in $saved.GetEnumerator()) { [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value) }
        throw
    }
}

function Restore-RmbgTestRun($TestRun) {
    <# Releases the models loaded here, puts back the shared engine's settings and the environment variables, then removes the module. #>
    if ($null -eq $TestRun) { return }
    if (Get-Command Set-RmbgDevice -ErrorAction Ignore) {
        # A session loaded here took its optimised graph from this file's store, which Pester deletes with $TestDrive.
        Clear-RmbgLoadedModel
        $before = $TestRun.Device
        $settings = @{
            Device              = $before.Device
            DeviceId            = $before.DeviceId
            # Get-RmbgDevice shows the count in effect: the automatic count is put back as 0 (automatic), as it was.
            ThreadCount         = if ($before.ThreadCount -eq $TestRun.AutoThreadCount) { 0 } else { $before.ThreadCount }
            Model               = [string] $before.ConfiguredModel
            Profile             = [string] $before.Profile
            Resolution          = $before.Resolution
            OptimizedGraphCache = $before.OptimizedGraphCache
            MemoryCheck         = $before.MemoryCheck
            WorkerPriority      = $before.WorkerPriority
        }
        Set-RmbgDevice @settings -ErrorAction Continue
    }
    foreach ($entry in $TestRun.Environment.GetEnumerator()) {
        [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value)
    }
    Remove-Module RmbgPS -ErrorAction Ignore
}

function Clear-RmbgLoadedModel {
    # Releases every model the shared engine has loaded, through the public cmdlets: Set-RmbgDevice releases them when
    # a setting they depend on changes (and keeps them when nothing does), so this turns the graph cache over and back.
    # The next image loads its model again, under the current settings and $env:RMBG_MODEL_HOME.
    $cache = (Get-RmbgDevice).OptimizedGraphCache
    Set-RmbgDevice -OptimizedGraphCache:(-not $cache)
    Set-RmbgDevice -OptimizedGraphCache:$cache
    if ((Get-RmbgDevice).IsLoaded) {
        throw "Set-RmbgDevice did not release the loaded model '$((Get-RmbgDevice).Model)'."
    }
}

function Initialize-TestAsset {
    # Fetches the model and photos once (the script is idempotent); discovery already skipped
    # the model blocks when that cannot work.
    if (Test-TestAsset) { return }
    $fetchScript = Join-Path $RepoRoot 'tests' 'assets' 'fetch-test-assets.sh'
    Write-Host "Test data missing in '$CacheRoot': running bash $fetchScript (downloads about 230 MB once)..."
    $savedCache = $env:RMBG_TEST_CACHE
    $env:RMBG_TEST_CACHE = $CacheRoot # the script must fill the cache these tests read
    try {
        & bash $fetchScript | Out-Host
        $exitCode = $LASTEXITCODE
    }
    finally {
        $env:RMBG_TEST_CACHE = $savedCache
    }
    if ($exitCode -ne 0) {
        throw "bash $fetchScript failed with exit code $exitCode (see its output above)."
    }
    if (-not (Test-TestAsset)) {
        throw "bash $fetchScript finished, but the model '$ModelPath' or a photo in '$PhotoDir' is still missing."
    }
}

function New-TestFolder([string] $Name) {
    # A fresh folder under $TestDrive, so no two tests share files.
    $path = Join-Path $TestDrive ('{0}-{1}' -f $Name, [guid]::NewGuid().ToString('N').Substring(0, 8))
    (New-Item -ItemType Directory -Path $path).FullName
}

function Copy-Photo([string] $Name, [string] $Destination, [string] $NewName = $Name) {
    # Tests always work on copies: an output beside the input must never land in the cache.
    $target = Join-Path $Destination $NewName
    [IO.File]::Copy((Join-Path $PhotoDir $Name), $target)
    $target
}

function New-TextFileNamedPng([string] $Path) {
    [IO.File]::WriteAllText($Path, "This is a text file, not an image.`n")
    $Path
}

function New-TruncatedPng([string] $Path, [string] $Photo = 'chelsea.png') {
    # The first half of a real PNG: the header is fine, the image data stops early.
    [IO.File]::Copy((Join-Path $PhotoDir $Photo), $Path)
    $stream = [IO.FileStream]::new($Path, [IO.FileMode]::Open, [IO.FileAccess]::ReadWrite)
    try { $stream.SetLength([long][Math]::Floor($stream.Length / 2)) } finally { $stream.Dispose() }
    $Path
}

function New-TinyPng([string] $Path) {
    [IO.File]::WriteAllBytes($Path, [Convert]::FromBase64String($TinyPngBase64))
    $Path
}

function Get-PngHeader([string] $Path) {
    # Signature and IHDR: ColorType 6 is RGBA, 0 is grayscale.
    $bytes = [IO.File]::ReadAllBytes($Path)
    $isPng = $bytes.Length -ge 33 -and
        [Convert]::ToHexString($bytes, 0, 8) -eq '89504E470D0A1A0A' -and
        [Text.Encoding]::ASCII.GetString($bytes, 12, 4) -eq 'IHDR'
    if (-not $isPng) {
        return [pscustomobject]@{ IsPng = $false; Width = 0; Height = 0; BitDepth = 0; ColorType = -1 }
    }
    [pscustomobject]@{
        IsPng     = $true
        Width     = ([int]$bytes[16] -shl 24) -bor ([int]$bytes[17] -shl 16) -bor ([int]$bytes[18] -shl 8) -bor [int]$bytes[19]
        Height    = ([int]$bytes[20] -shl 24) -bor ([int]$bytes[21] -shl 16) -bor ([int]$bytes[22] -shl 8) -bor [int]$bytes[23]
        BitDepth  = [int]$bytes[24]
        ColorType = [int]$bytes[25]
    }
}

function Read-ImageAlpha([string] $Path) {
    # The alpha channel of an image file, row-major, decoded with the SkiaSharp the module ships (the copy in
    # the module's own load context, loaded with its first image); for a grayscale PNG (a mask) the gray values.
    $skia = [System.Runtime.Loader.AssemblyLoadContext]::All.Where({ $_.Name -eq 'RmbgPS.Engine' }).Assemblies |
        Where-Object { $_.GetName().Name -eq 'SkiaSharp' } | Select-Object -First 1
    if (-not $skia) { throw "The module's SkiaSharp is not loaded yet: make a mask or cut-out before reading '$Path'." }
    $bitmap = $skia.GetType('SkiaSharp.SKBitmap')::Decode($Path)
    if ($null -eq $bitmap) { throw "SkiaSharp cannot decode '$Path'." }
    try {
        $pixels = $bitmap.Bytes
        $size = $bitmap.BytesPerPixel # 4: BGRA or RGBA, alpha last either way; 1: Gray8
        if ($size -notin 1, 4 -or $bitmap.RowBytes -ne $size * $bitmap.Width) { throw "'$Path' decoded as $($bitmap.ColorType), which this helper does not read." }
        $alpha = [byte[]]::new($bitmap.Width * $bitmap.Height)
        if ($size -eq 1) { [Array]::Copy($pixels, $alpha, $alpha.Length) }
        else { for ($i = 0; $i -lt $alpha.Length; $i++) { $alpha[$i] = $pixels[4 * $i + 3] } }
        [pscustomobject]@{ Width = $bitmap.Width; Height = $bitmap.Height; Alpha = $alpha }
    }
    finally {
        $bitmap.Dispose()
    }
}

function Get-AlphaBox([byte[]] $Alpha, [int] $Width, [int] $Height, [int] $Minimum, $Within) {
    # The box of the pixels (inside the box -Within, if given) whose alpha is at least $Minimum (128: the subject), or $null.
    if (-not $Within) { $Within = [pscustomobject]@{ X = 0; Y = 0; Width = $Width; Height = $Height } }
    $left = $Width; $top = $Height; $right = -1; $bottom = -1
    for ($y = $Within.Y; $y -lt $Within.Y + $Within.Height; $y++) {
        $row = $y * $Width
        for ($x = $Within.X; $x -lt $Within.X + $Within.Width; $x++) {
            if ($Alpha[$row + $x] -ge $Minimum) {
                if ($x -lt $left) { $left = $x }
                if ($x -gt $right) { $right = $x }
                if ($y -lt $top) { $top = $y }
                $bottom = $y
            }
        }
    }
    if ($right -lt 0) { return $null }
    [pscustomobject]@{ X = $left; Y = $top; Width = $right - $left + 1; Height = $bottom - $top + 1 }
}

function Get-TempLeftover([string] $Folder) {
    # Hidden temporaries of an interrupted write: '.<name>.<something>.tmp'.
    if (-not (Test-Path -LiteralPath $Folder)) { return }
    Get-ChildItem -LiteralPath $Folder -Force -File | Where-Object { $_.Name -like '.*.tmp' }
}

function Assert-OnlyError($ErrorRecords, [string[]] $ErrorId) {
    # Exactly one error, whose FullyQualifiedErrorId starts with one of $ErrorId.
    $all = @($ErrorRecords)
    $all.Count | Should -Be 1 -Because "one error was expected, got: $($all -join ' | ')"
    $actualId = $all[0].FullyQualifiedErrorId
    @($ErrorId | Where-Object { $actualId -like "$_*" }).Count |
        Should -Be 1 -Because "the FullyQualifiedErrorId '$actualId' should start with $($ErrorId -join ' or ')"
}

function Assert-ErrorRecord($ErrorRecord, [string] $ErrorId, [string] $Category, $TargetObject, [string] $Command) {
    # The parts of an error scripts rely on: 'Id,Type' as the FullyQualifiedErrorId, the category, the target.
    $ErrorRecord | Should -BeOfType ([System.Management.Automation.ErrorRecord])
    $ErrorRecord.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
    if ($Command) { $ErrorRecord.InvocationInfo.MyCommand.Name | Should -Be $Command }
    $ErrorRecord.CategoryInfo.Category | Should -Be $Category
    $ErrorRecord.TargetObject | Should -Be $TargetObject
}

function Get-WhatIfMessage([scriptblock] $ScriptBlock) {
    # The "What if: ..." lines a command writes to the host, caught with a transcript.
    $transcript = Join-Path $TestDrive ('whatif-{0}.txt' -f [guid]::NewGuid().ToString('N'))
    $null = Start-Transcript -LiteralPath $transcript
    try { $null = & $ScriptBlock } finally { $null = Stop-Transcript }
    Get-Content -LiteralPath $transcript | Where-Object { $_ -like 'What if:*' }
    Remove-Item -LiteralPath $transcript
}

function Get-DistinctByte([byte[]] $Bytes) {
    # The distinct values of a mask, sorted, e.g. '0,255'.
    ([System.Collections.Generic.HashSet[byte]]::new($Bytes) | Sort-Object) -join ','
}

function Get-PropertyType($InputObject, [string] $Name) {
    # The declared .NET type of a property of a result object ([int], [Nullable[guid]], ...), $null when it has none.
    $property = $InputObject.GetType().GetProperty($Name)
    if ($property) { $property.PropertyType }
}
