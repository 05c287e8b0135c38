#Requires -Version 7.4

# Remove-ImageBackground's outputs: formats, backgrounds, and -Crop with -Padding (help, "-Crop": the subject, alpha
# at least half, and its soft edge, alpha at least 8 within a fifth of the subject's larger side (32 pixels at least);
# -Padding adds that many pixels on every side of that box, up to the picture's edges unless -PadBeyondFrame; the
# result's BoundingBox stays the half-alpha box, in the input's coordinates).

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

Describe "Cut-out options$ModelSkipNote" -Skip:$SkipModelTests {
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

    It 'shows <Command>''s results as a table that fits 80 columns, every column a property' -ForEach @(
        @{ Command = 'Remove-ImageBackground'; Sum = 'Seconds' }
        @{ Command = 'Get-ImageMask'; Sum = 'ForegroundRatio' }
    ) {
        $dir = New-TestFolder "table-$Command"
        $photo = Copy-Photo 'chelsea.png' $dir 'chelsea-on-the-sofa.png'
        $results = @(& $Command -LiteralPath $photo)

        $lines = @(($results | Format-Table | Out-String -Width 80) -split "`r?`n" | Where-Object { $_.Trim() })
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $headers = @($lines[0].Trim() -split '\s+')
        foreach ($header in $headers) {
            $results[0].PSObject.Properties.Name | Should -Contain $header -Because "the column '$header' is a property"
        }
        $lines[2] | Should -BeLike '*chelsea-on-the-sofa.*png*' -Because 'the name is shown whole'
        ($results | Measure-Object -Property $Sum -Sum).Sum | Should -BeGreaterThan 0
    }

    It '-ForegroundMethod changes only the colour of soft pixels, MultiLevel is the default, and it does nothing without -RefineForeground' {
        $out = New-TestFolder 'foreground-methods'
        $fusion = Remove-ImageBackground -LiteralPath $in -OutputPath (Join-Path $out 'fusion.png') -ForegroundMethod BlurFusion
        $multi = Remove-ImageBackground -LiteralPath $in -OutputPath (Join-Path $out 'multi.png') -ForegroundMethod MultiLevel
        $default = Remove-ImageBackground -LiteralPath $in -OutputPath (Join-Path $out 'default.png')
        $hash = { param($r) (Get-FileHash -LiteralPath $r.OutputPath).Hash }
        (& $hash $multi) | Should -Not -Be (& $hash $fusion)
        (& $hash $default) | Should -Be (& $hash $multi)
        (Read-ImageAlpha $fusion.OutputPath).Alpha | Should -Be (Read-ImageAlpha $multi.OutputPath).Alpha
        $rawFusion = Remove-ImageBackground -LiteralPath $in -OutputPath (Join-Path $out 'raw-fusion.png') -RefineForeground:$false -ForegroundMethod BlurFusion
        $rawMulti = Remove-ImageBackground -LiteralPath $in -OutputPath (Join-Path $out 'raw-multi.png') -RefineForeground:$false -ForegroundMethod MultiLevel
        (& $hash $rawFusion) | Should -Be (& $hash $rawMulti)
    }

    It 'refuses JPEG without an opaque background, before any work' {
        $thrown = { Remove-ImageBackground -LiteralPath $in -Format Jpeg -OutputPath (Join-Path $dir 'never') -ErrorAction Stop } |
            Should -Throw -ErrorId 'JpegNeedsBackground*' -PassThru
        # The message says what to do, and ends there (no "(Parameter ...)" of a .NET argument name).
        $thrown.Exception.Message | Should -BeLike '*add an opaque -BackgroundColor*or choose -Format Png or WebP.'
        Join-Path $dir 'never' | Should -Not -Exist
    }

    It 'takes the format from an -OutputPath file name' {
        $result = Remove-ImageBackground -LiteralPath $in -OutputPath (Join-Path $dir 'cut.webp') -Force
        $result.Format | Should -Be 'WebP'
        Join-Path $dir 'cut.webp' | Should -Exist
    }

    Context '-Crop and -Padding' {
        BeforeAll {
            # The coffee cup has background all round and soft edges, so the kept box and the half-alpha box differ.
            $cropDir = New-TestFolder 'crop'
            $cup = Copy-Photo 'coffee.png' $cropDir
            $mask = Get-ImageMask -LiteralPath $cup # the same mask the cut-out's alpha is
            $maskAlpha = $mask.GetAlphaBytes()
            $half = Get-AlphaBox $maskAlpha $mask.Width $mask.Height -Minimum 128
            $reach = [Math]::Max(32, [Math]::Floor([Math]::Max($half.Width, $half.Height) / 5))
            $left = [Math]::Max(0, $half.X - $reach); $top = [Math]::Max(0, $half.Y - $reach)
            $region = [pscustomobject]@{
                X = $left; Y = $top
                Width = [Math]::Min($mask.Width, $half.X + $half.Width + $reach) - $left
                Height = [Math]::Min($mask.Height, $half.Y + $half.Height + $reach) - $top
            }
            $kept = Get-AlphaBox $maskAlpha $mask.Width $mask.Height -Minimum 8 -Within $region

            $unpadded = Remove-ImageBackground -LiteralPath $cup -Crop -Padding 0 -OutputPath (Join-Path $cropDir 'padding-0')
            $padded = Remove-ImageBackground -LiteralPath $cup -Crop -Padding 20 -OutputPath (Join-Path $cropDir 'padding-20')
            $beyond = Remove-ImageBackground -LiteralPath $cup -Crop -Padding 20 -PadBeyondFrame -OutputPath (Join-Path $cropDir 'beyond-20')
            $paddedAlpha = Read-ImageAlpha $padded.OutputPath
            $beyondAlpha = Read-ImageAlpha $beyond.OutputPath

            function Compare-Placed($Written, [int] $X0, [int] $Y0) {
                # Pixels of the written alpha that differ from the mask placed with its (X0, Y0) at the written (0, 0),
                # and how many written pixels lie outside the picture (they must be transparent).
                $mismatches = 0; $outside = 0
                for ($y = 0; $y -lt $Written.Height; $y++) {
                    $sourceY = $y + $Y0
                    for ($x = 0; $x -lt $Written.Width; $x++) {
                        $sourceX = $x + $X0
                        $inside = $sourceX -ge 0 -and $sourceY -ge 0 -and $sourceX -lt $mask.Width -and $sourceY -lt $mask.Height
                        $expected = if ($inside) { $maskAlpha[$sourceY * $mask.Width + $sourceX] } else { $outside++; 0 }
                        if ($Written.Alpha[$y * $Written.Width + $x] -ne $expected) { $mismatches++ }
                    }
                }
                [pscustomobject]@{ Mismatches = $mismatches; Outside = $outside }
            }
        }

        It 'has a photo whose kept box is larger than its half-alpha box on every side (what makes the tests below tell them apart)' {
            $kept.X | Should -BeLessThan $half.X
            $kept.Y | Should -BeLessThan $half.Y
            $kept.X + $kept.Width | Should -BeGreaterThan ($half.X + $half.Width)
            $kept.Y + $kept.Height | Should -BeGreaterThan ($half.Y + $half.Height)
            $kept.X | Should -BeGreaterThan 20 -Because 'the cup is well inside the picture, so -Padding 20 fits on the left'
            $kept.Y | Should -BeLessThan 20 -Because 'the cup nearly touches the top, so -Padding 20 meets the frame there'
            "$($mask.BoundingBox)" | Should -Be "$($half.X),$($half.Y) $($half.Width)x$($half.Height)"
        }

        It 'crops to the subject and its soft edge, with padding up to the picture''s edges' {
            $unpadded.OutputWidth, $unpadded.OutputHeight | Should -Be $kept.Width, $kept.Height
            (Get-PngHeader $unpadded.OutputPath).Width | Should -Be $kept.Width
            $x0 = [Math]::Max(0, $kept.X - 20); $y0 = [Math]::Max(0, $kept.Y - 20)
            $x1 = [Math]::Min($mask.Width, $kept.X + $kept.Width + 20); $y1 = [Math]::Min($mask.Height, $kept.Y + $kept.Height + 20)
            $padded.OutputWidth, $padded.OutputHeight | Should -Be ($x1 - $x0), ($y1 - $y0)
            $padded.OutputWidth | Should -BeLessOrEqual $padded.Width
            $padded.OutputHeight | Should -BeLessOrEqual $padded.Height
            $paddedAlpha.Width, $paddedAlpha.Height | Should -Be $padded.OutputWidth, $padded.OutputHeight
            (Compare-Placed $paddedAlpha $x0 $y0).Mismatches | Should -Be 0 -Because 'the padding shows the picture''s own alpha around the subject'
            # The BoundingBox stays the half-alpha box of the input, whatever the crop.
            "$($padded.BoundingBox)", "$($unpadded.BoundingBox)" | Should -Be "$($mask.BoundingBox)", "$($mask.BoundingBox)"
            $padded.Width, $padded.Height | Should -Be 600, 400
        }

        It 'with -PadBeyondFrame adds the whole margin, transparent where it passes the picture''s edge' {
            $beyond.OutputWidth, $beyond.OutputHeight | Should -Be ($kept.Width + 40), ($kept.Height + 40)
            $placed = Compare-Placed $beyondAlpha ($kept.X - 20) ($kept.Y - 20)
            $placed.Outside | Should -BeGreaterThan 0 -Because 'the 20-pixel margin passes the top of the picture'
            $placed.Mismatches | Should -Be 0
        }

        It 'never makes a picture larger when faint alpha reaches its edges (chelsea, 451x300)' {
            $cat = Copy-Photo 'chelsea.png' $cropDir
            $catMask = Get-ImageMask -LiteralPath $cat -Model $IsnetPath # its mask has the faint haze this is about
            $faint = Get-AlphaBox $catMask.GetAlphaBytes() $catMask.Width $catMask.Height -Minimum 8
            $cut = Remove-ImageBackground -LiteralPath $cat -Crop -Padding 20 -Model $IsnetPath -OutputPath (Join-Path $cropDir 'cat')
            $cut.OutputWidth | Should -BeLessOrEqual 451
            $cut.OutputHeight | Should -BeLessOrEqual 300
            $faint.Width * $faint.Height | Should -Be (451 * 300) -Because 'faint alpha reaches every edge, which made the old crop 491x340'
        }
    }
}
