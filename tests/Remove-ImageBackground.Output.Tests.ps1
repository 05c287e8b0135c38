#Requires -Version 7.4

# Remove-ImageBackground's outputs: formats, backgrounds, and -Crop with -Padding (README, "Crop": -Crop keeps
# everything visibly kept, alpha at least 8 of 255; -Padding adds that many pixels on every side of that box;
# the result's BoundingBox stays the half-alpha box, in the input's coordinates).

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
            # The coffee cup has background all round and soft edges, so the visible box and the half-alpha box differ.
            $cropDir = New-TestFolder 'crop'
            $cup = Copy-Photo 'coffee.png' $cropDir
            $mask = Get-ImageMask -LiteralPath $cup # the same mask the cut-out's alpha is
            $maskAlpha = $mask.GetAlphaBytes()
            $visible = Get-AlphaBox $maskAlpha $mask.Width $mask.Height -Minimum 8
            $half = Get-AlphaBox $maskAlpha $mask.Width $mask.Height -Minimum 128

            $unpadded = Remove-ImageBackground -LiteralPath $cup -Crop -Padding 0 -OutputPath (Join-Path $cropDir 'padding-0')
            $padded = Remove-ImageBackground -LiteralPath $cup -Crop -Padding 20 -OutputPath (Join-Path $cropDir 'padding-20')
            $paddedAlpha = Read-ImageAlpha $padded.OutputPath
        }

        It 'has a photo whose visible box is larger than its half-alpha box on every side (what makes the tests below tell them apart)' {
            $visible.X | Should -BeLessThan $half.X
            $visible.Y | Should -BeLessThan $half.Y
            $visible.X + $visible.Width | Should -BeGreaterThan ($half.X + $half.Width)
            $visible.Y + $visible.Height | Should -BeGreaterThan ($half.Y + $half.Height)
            $visible.X | Should -BeGreaterThan 0 -Because 'the cup is inside the picture, so -Padding 0 really crops'
            "$($mask.BoundingBox)" | Should -Be "$($half.X),$($half.Y) $($half.Width)x$($half.Height)"
        }

        It 'crops to the subject with padding' {
            # -Padding 0: the visible box itself; -Padding 20: 20 more on each of the four sides.
            $unpadded.OutputWidth, $unpadded.OutputHeight | Should -Be $visible.Width, $visible.Height
            $padded.OutputWidth, $padded.OutputHeight | Should -Be ($visible.Width + 40), ($visible.Height + 40)
            $paddedAlpha.Width, $paddedAlpha.Height | Should -Be $padded.OutputWidth, $padded.OutputHeight
            (Get-PngHeader $unpadded.OutputPath).Width | Should -Be $visible.Width
            # The BoundingBox stays the half-alpha box of the input, whatever the crop.
            "$($padded.BoundingBox)", "$($unpadded.BoundingBox)" | Should -Be "$($mask.BoundingBox)", "$($mask.BoundingBox)"
            $padded.Width, $padded.Height | Should -Be 600, 400
        }

        It 'leaves exactly 20 pixels without visible alpha on every side of the kept subject' {
            $w = $paddedAlpha.Width
            $h = $paddedAlpha.Height
            $a = $paddedAlpha.Alpha
            function Get-MaxAlpha([int] $X0, [int] $Y0, [int] $X1, [int] $Y1) {
                $max = 0
                for ($y = $Y0; $y -le $Y1; $y++) { for ($x = $X0; $x -le $X1; $x++) { if ($a[$y * $w + $x] -gt $max) { $max = $a[$y * $w + $x] } } }
                $max
            }
            Get-MaxAlpha 0 0 ($w - 1) 19 | Should -BeLessThan 8 -Because 'the top 20 rows are padding'
            Get-MaxAlpha 0 ($h - 20) ($w - 1) ($h - 1) | Should -BeLessThan 8 -Because 'the bottom 20 rows are padding'
            Get-MaxAlpha 0 0 19 ($h - 1) | Should -BeLessThan 8 -Because 'the left 20 columns are padding'
            Get-MaxAlpha ($w - 20) 0 ($w - 1) ($h - 1) | Should -BeLessThan 8 -Because 'the right 20 columns are padding'
            Get-MaxAlpha 0 20 ($w - 1) 20 | Should -BeGreaterOrEqual 8 -Because 'row 20 from the top is the first of the subject'
            Get-MaxAlpha 0 ($h - 21) ($w - 1) ($h - 21) | Should -BeGreaterOrEqual 8 -Because 'row 20 from the bottom is the last of the subject'
            Get-MaxAlpha 20 0 20 ($h - 1) | Should -BeGreaterOrEqual 8 -Because 'column 20 from the left is the first of the subject'
            Get-MaxAlpha ($w - 21) 0 ($w - 21) ($h - 1) | Should -BeGreaterOrEqual 8 -Because 'column 20 from the right is the last of the subject'
        }

        It 'places the cut-out''s alpha unchanged in the padded frame, transparent where the margin passes the picture''s edge' {
            $mismatches = 0
            $outside = 0
            for ($y = 0; $y -lt $paddedAlpha.Height; $y++) {
                $sourceY = $y - 20 + $visible.Y
                for ($x = 0; $x -lt $paddedAlpha.Width; $x++) {
                    $sourceX = $x - 20 + $visible.X
                    $inside = $sourceX -ge 0 -and $sourceY -ge 0 -and $sourceX -lt $mask.Width -and $sourceY -lt $mask.Height
                    $expected = if ($inside) { $maskAlpha[$sourceY * $mask.Width + $sourceX] } else { $outside++; 0 }
                    if ($paddedAlpha.Alpha[$y * $paddedAlpha.Width + $x] -ne $expected) { $mismatches++ }
                }
            }
            $outside | Should -BeGreaterThan 0 -Because 'the 20-pixel margin passes the top and bottom of the 400-pixel-high picture'
            $mismatches | Should -Be 0
        }
    }
}
