#Requires -Version 7.4

# Get-ImageMask: parameters, the mask it computes (a real photo through the real model), -Threshold, -Normalize,
# mask shaping, and the result object. Files in and out (-OutputPath, -WhatIf, errors, binding): .Files.Tests.ps1.

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

Describe 'Get-ImageMask parameters' {
    It '<Command> has the parameter <Parameter>' -ForEach @(
        foreach ($name in 'Path', 'LiteralPath', 'OutputPath', 'Model', 'Threshold', 'Normalize', 'MaxMegapixels', 'Force', 'WhatIf', 'ThrottleLimit', 'Detail') {
            @{ Command = 'Get-ImageMask'; Parameter = $name }
        }
        @{ Command = 'Remove-ImageBackground'; Parameter = 'Detail' }
    ) {
        (Get-Command $Command).Parameters.Keys | Should -Contain $Parameter
    }

    It '<_> -LiteralPath has the aliases PSPath and LP' -ForEach 'Get-ImageMask' {
        $aliases = (Get-Command $_).Parameters['LiteralPath'].Aliases
        $aliases | Should -Contain 'PSPath'
        $aliases | Should -Contain 'LP'
    }
}

Describe "Get-ImageMask$ModelSkipNote" -Skip:$SkipModelTests {
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

        It '-Detail High on a picture smaller than the model''s input takes no second look, says why, and gives the standard mask' {
            # The second look itself, on a large picture, is tested in the engine (SecondLookTests).
            # The ISNet model's 1024x1024 input holds the whole picture (u2netp's 320x320 does not).
            $streams = Get-ImageMask -LiteralPath $in -Detail High -Model $IsnetPath -Verbose 4>&1
            $high = $streams | Where-Object { $_ -is [RmbgPS.ImageMask] }
            ($streams | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Out-String) |
                Should -Match 'no second look: the model already sees the whole 451x300 picture at full resolution'
            $high.GetAlphaBytes() | Should -Be (Get-ImageMask -LiteralPath $in -Model $IsnetPath).GetAlphaBytes()
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

    Context 'mask shaping' {
        BeforeAll {
            $dir = New-TestFolder 'shaping'
            $in = Copy-Photo 'chelsea.png' $dir
        }

        It 'inverts, grows and shrinks the mask' {
            $plain = Get-ImageMask -LiteralPath $in
            (Get-ImageMask -LiteralPath $in -Invert).ForegroundRatio | Should -BeGreaterThan (1 - $plain.ForegroundRatio - 0.01)
            (Get-ImageMask -LiteralPath $in -MaskOffset 5).ForegroundRatio | Should -BeGreaterThan $plain.ForegroundRatio
            (Get-ImageMask -LiteralPath $in -MaskOffset -5).ForegroundRatio | Should -BeLessThan $plain.ForegroundRatio
        }
    }

    Context 'the result object' {
        BeforeAll {
            $dir = New-TestFolder 'mask-result'
            $in = Copy-Photo 'coffee.png' $dir
            $mask = Get-ImageMask -LiteralPath $in -OutputPath (Join-Path $dir 'masks')
        }

        It 'is an RmbgPS.ImageMask, the type Get-ImageMask''s [OutputType] declares' {
            $mask.GetType().FullName | Should -Be 'RmbgPS.ImageMask'
            (Get-Command Get-ImageMask).OutputType.Type | Should -Be $mask.GetType()
        }

        It 'has <Name> of type <Type>' -ForEach @(
            @{ Name = 'Path'; Type = 'System.String' }, @{ Name = 'Width'; Type = 'System.Int32' }
            @{ Name = 'Height'; Type = 'System.Int32' }, @{ Name = 'ForegroundRatio'; Type = 'System.Double' }
            @{ Name = 'BoundingBox'; Type = 'RmbgPS.BoundingBox' }, @{ Name = 'Model'; Type = 'System.String' }
            @{ Name = 'MaskPath'; Type = 'System.String' }
        ) {
            (Get-PropertyType $mask $Name).FullName | Should -Be $Type
            $mask.$Name | Should -Not -BeNullOrEmpty
        }

        It 'has the methods GetAlpha(x, y), GetAlphaBytes() and Save(path)' {
            $methods = $mask | Get-Member -MemberType Method
            $methods.Name | Should -Contain 'GetAlpha'
            $methods.Name | Should -Contain 'GetAlphaBytes'
            $methods.Name | Should -Contain 'Save'
            $mask.GetAlpha(0, 0) | Should -BeOfType ([double])
            , $mask.GetAlphaBytes() | Should -BeOfType ([byte[]])
        }

        It 'writes to MaskPath exactly the values GetAlphaBytes() returns, and reports their mean and half-alpha box' {
            $mask.MaskPath | Should -Be (Join-Path $dir 'masks' 'coffee.mask.png')
            $written = Read-ImageAlpha $mask.MaskPath
            $written.Width, $written.Height | Should -Be 600, 400
            [Convert]::ToHexString($written.Alpha) -eq [Convert]::ToHexString($mask.GetAlphaBytes()) | Should -BeTrue
            $sum = 0L
            foreach ($value in $written.Alpha) { $sum += $value }
            [Math]::Abs($mask.ForegroundRatio - $sum / 255 / $written.Alpha.Length) | Should -BeLessThan 0.0002
            $half = Get-AlphaBox $written.Alpha 600 400 -Minimum 128
            "$($mask.BoundingBox)" | Should -Be "$($half.X),$($half.Y) $($half.Width)x$($half.Height)"
        }

        It 'shows as its name, size and foreground share' {
            "$mask" | Should -Match '^coffee\.png 600x400 foreground \d'
        }
    }
}
