#Requires -Version 7.4

# Remove-ImageBackground: parameters, the default output, the result object, -OutputPath, -WhatIf, -Model.
# Also: .Errors.Tests.ps1 (-Force, bad files, error records), .Pipeline.Tests.ps1 (input binding, batches),
# .Output.Tests.ps1 (formats, backgrounds, -Crop and -Padding).

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

Describe 'Remove-ImageBackground parameters' {
    It '<Command> has the parameter <Parameter>' -ForEach @(
        foreach ($name in 'Path', 'LiteralPath', 'OutputPath', 'Model', 'Threshold', 'Normalize', 'MaxMegapixels', 'Force', 'WhatIf', 'Confirm', 'ThrottleLimit') {
            @{ Command = 'Remove-ImageBackground'; Parameter = $name }
        }
    ) {
        (Get-Command $Command).Parameters.Keys | Should -Contain $Parameter
    }

    It '<_> -LiteralPath has the aliases PSPath and LP' -ForEach 'Remove-ImageBackground' {
        $aliases = (Get-Command $_).Parameters['LiteralPath'].Aliases
        $aliases | Should -Contain 'PSPath'
        $aliases | Should -Contain 'LP'
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

Describe "Remove-ImageBackground$ModelSkipNote" -Skip:$SkipModelTests {
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
            $result.ProcessingTime | Should -BeGreaterThan ([timespan]::Zero)
            $result.QueueTime | Should -BeGreaterOrEqual ([timespan]::Zero)
            $result.NeedsReview | Should -BeFalse
            $result.Size | Should -Be "$($result.Width)x$($result.Height)"
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

    Context 'the result object' {
        BeforeAll {
            $dir = New-TestFolder 'result'
            $in = Copy-Photo 'coffee.png' $dir
            $result = Remove-ImageBackground -LiteralPath $in
            $written = Read-ImageAlpha $result.OutputPath
        }

        It 'is an RmbgPS.RemovalResult, the type Remove-ImageBackground''s [OutputType] declares' {
            $result.GetType().FullName | Should -Be 'RmbgPS.RemovalResult'
            (Get-Command Remove-ImageBackground).OutputType.Type | Should -Be $result.GetType()
        }

        It 'has <Name> of type <Type>' -ForEach @(
            @{ Name = 'InputPath'; Type = 'System.String' }, @{ Name = 'OutputPath'; Type = 'System.String' }
            @{ Name = 'FullName'; Type = 'System.String' }, @{ Name = 'Name'; Type = 'System.String' }
            @{ Name = 'PSPath'; Type = 'System.String' }, @{ Name = 'Width'; Type = 'System.Int32' }
            @{ Name = 'Height'; Type = 'System.Int32' }, @{ Name = 'OutputWidth'; Type = 'System.Int32' }
            @{ Name = 'OutputHeight'; Type = 'System.Int32' }, @{ Name = 'ForegroundRatio'; Type = 'System.Double' }
            @{ Name = 'BoundingBox'; Type = 'RmbgPS.BoundingBox' }, @{ Name = 'Format'; Type = 'System.String' }
            @{ Name = 'Model'; Type = 'System.String' }, @{ Name = 'Profile'; Type = 'System.String' }
            @{ Name = 'Device'; Type = 'System.String' }, @{ Name = 'ProcessingTime'; Type = 'System.TimeSpan' }
            @{ Name = 'QueueTime'; Type = 'System.TimeSpan' }, @{ Name = 'Size'; Type = 'System.String' }
            @{ Name = 'NeedsReview'; Type = 'System.Boolean' }
        ) {
            (Get-PropertyType $result $Name).FullName | Should -Be $Type
            $result.$Name | Should -Not -BeNullOrEmpty
        }

        It 'names the cut-out: Name, FullName, a FileSystem PSPath, and ToString()' {
            $output = Join-Path $dir 'coffee.nobg.png'
            $result.Name | Should -Be 'coffee.nobg.png'
            $result.FullName | Should -Be $output
            $result.PSPath | Should -Be "Microsoft.PowerShell.Core\FileSystem::$output"
            "$result" | Should -Be $output
        }

        It 'says Png and the input size as output format and size without -Crop' {
            $result.Format | Should -Be 'Png'
            $result.Profile | Should -Be 'U2Net' -Because 'the test model is rembg''s u2netp'
            $result.OutputWidth, $result.OutputHeight | Should -Be 600, 400
            $written.Width, $written.Height | Should -Be 600, 400
        }

        It 'has the ForegroundRatio of the written alpha (its mean)' {
            $sum = 0L
            foreach ($value in $written.Alpha) { $sum += $value }
            $result.ForegroundRatio | Should -BeGreaterThan 0.05
            [Math]::Abs($result.ForegroundRatio - $sum / 255 / $written.Alpha.Length) | Should -BeLessThan 0.0002
        }

        It 'has the BoundingBox of the written pixels with alpha at least half, as four ints' {
            $half = Get-AlphaBox $written.Alpha $written.Width $written.Height -Minimum 128
            $box = $result.BoundingBox
            foreach ($name in 'X', 'Y', 'Width', 'Height') {
                (Get-PropertyType $box $name).FullName | Should -Be 'System.Int32'
                $box.$name | Should -Be $half.$name -Because "BoundingBox.$name"
            }
            "$box" | Should -Be "$($half.X),$($half.Y) $($half.Width)x$($half.Height)"
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

        It 'says what it would do: one line per image, naming the input and the output' {
            $dir = New-TestFolder 'whatif-says'
            $inputs = @(Copy-Photo 'chelsea.png' $dir; Copy-Photo 'rocket.jpg' $dir)
            $out = Join-Path $dir 'out'

            $messages = @(Get-WhatIfMessage { Remove-ImageBackground -LiteralPath $inputs -OutputPath $out -WhatIf })

            $messages | Should -Be @(
                "What if: Performing the operation `"Remove background, write '$(Join-Path $out 'chelsea.nobg.png')'`" on target `"$($inputs[0])`"."
                "What if: Performing the operation `"Remove background, write '$(Join-Path $out 'rocket.nobg.png')'`" on target `"$($inputs[1])`"."
            )
            (Get-ChildItem -LiteralPath $dir -Force).Name -join ',' | Should -Be 'chelsea.png,rocket.jpg'
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
}
