#Requires -Version 7.4

# Remove-ImageBackground's errors: existing outputs and -Force, files it cannot process, and the error records
# scripts rely on (FullyQualifiedErrorId, category, target) in -ErrorVariable, $Error and catch.

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

Describe "Remove-ImageBackground errors$ModelSkipNote" -Skip:$SkipModelTests {
    BeforeAll {
        Initialize-TestAsset
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

    Context 'error records' {
        BeforeAll {
            $dir = New-TestFolder 'records'
            $null = Copy-Photo 'chelsea.png' $dir
            $null = New-TextFileNamedPng (Join-Path $dir 'text.png')
            $null = New-TruncatedPng (Join-Path $dir 'half.png')
            [IO.File]::WriteAllText((Join-Path $dir 'chelsea.nobg.png'), 'an earlier output')
            [IO.File]::WriteAllText((Join-Path $dir 'notes.txt'), 'a file, not a folder')
            $null = New-Item -ItemType Directory -Path (Join-Path $dir 'folder.png')
            $bytesBefore = (Get-Item -LiteralPath (Join-Path $dir 'chelsea.nobg.png')).Length

            function Resolve-Case($Value) {
                # '<dir>/name' in the cases below is a file in $dir.
                if ($Value -is [string] -and $Value.StartsWith('<dir>/')) { Join-Path $dir $Value.Substring(6) } else { $Value }
            }
            function Resolve-Parameter([hashtable] $Parameters) {
                $resolved = @{}
                foreach ($key in $Parameters.Keys) { $resolved[$key] = Resolve-Case $Parameters[$key] }
                $resolved
            }
        }

        It 'reports <Case> as <Id> (<Category>), with the file as target' -ForEach @(
            @{ Case = 'a missing -Path'; Parameters = @{ Path = '<dir>/missing.png' }; Id = 'FileNotFound'; Category = 'ObjectNotFound'; Target = '<dir>/missing.png' }
            @{ Case = 'a missing -LiteralPath'; Parameters = @{ LiteralPath = '<dir>/missing.png' }; Id = 'FileNotFound'; Category = 'ObjectNotFound'; Target = '<dir>/missing.png' }
            @{ Case = 'a text file named .png'; Parameters = @{ LiteralPath = '<dir>/text.png' }; Id = 'NotAnImage'; Category = 'InvalidData'; Target = '<dir>/text.png' }
            @{ Case = 'a truncated PNG'; Parameters = @{ LiteralPath = '<dir>/half.png'; OutputPath = '<dir>/out' }; Id = 'TruncatedImage'; Category = 'InvalidData'; Target = '<dir>/half.png' }
            @{ Case = 'an image above -MaxMegapixels'; Parameters = @{ LiteralPath = '<dir>/chelsea.png'; OutputPath = '<dir>/out'; MaxMegapixels = 0.1 }; Id = 'ImageTooLarge'; Category = 'LimitsExceeded'; Target = '<dir>/chelsea.png' }
            @{ Case = 'an existing output without -Force'; Parameters = @{ LiteralPath = '<dir>/chelsea.png' }; Id = 'OutputExists'; Category = 'ResourceExists'; Target = '<dir>/chelsea.png' } # the input, so a list of failures names the photos
            @{ Case = 'an output that is the input'; Parameters = @{ LiteralPath = '<dir>/chelsea.png'; OutputPath = '<dir>/chelsea.png'; Force = $true }; Id = 'OutputIsInput'; Category = 'InvalidArgument'; Target = '<dir>/chelsea.png' }
            @{ Case = 'a folder'; Parameters = @{ LiteralPath = '<dir>/folder.png' }; Id = 'PathIsFolder'; Category = 'InvalidArgument'; Target = '<dir>/folder.png' }
            @{ Case = 'a path on another provider'; Parameters = @{ Path = 'Env:PATH' }; Id = 'NotFileSystemPath'; Category = 'InvalidArgument'; Target = 'Env:PATH' }
        ) {
            $parameters = Resolve-Parameter $Parameters
            $results = @(Remove-ImageBackground @parameters -ErrorVariable errors -ErrorAction SilentlyContinue)

            $results.Count | Should -Be 0
            @($errors).Count | Should -Be 1
            Assert-ErrorRecord $errors[0] -ErrorId $Id -Category $Category -TargetObject (Resolve-Case $Target) -Command 'Remove-ImageBackground'
            $errors[0].Exception.Message | Should -BeLike "*$(Split-Path (Resolve-Case $Target) -Leaf)*" -Because 'the message names the file'
            (Get-Item -LiteralPath (Join-Path $dir 'chelsea.nobg.png')).Length | Should -Be $bytesBefore
            Get-TempLeftover $dir | Should -BeNullOrEmpty
        }

        It 'stops before any work with <Id> (<Category>) for <Case>' -ForEach @(
            @{ Case = '-Padding without -Crop'; Parameters = @{ Padding = 3 }; Id = 'PaddingWithoutCrop'; Target = 3; Category = 'InvalidArgument' }
            @{ Case = 'JPEG without an opaque background'; Parameters = @{ Format = 'Jpeg' }; Id = 'JpegNeedsBackground'; Target = 'Jpeg'; Category = 'InvalidArgument' }
            @{ Case = 'a -Format that contradicts the -OutputPath extension'; Parameters = @{ OutputPath = '<dir>/out/cut.png'; Format = 'WebP' }; Id = 'FormatMismatch'; Target = '<dir>/out/cut.png'; Category = 'InvalidArgument' }
            @{ Case = 'an -OutputPath that is a file'; Parameters = @{ OutputPath = '<dir>/notes.txt' }; Id = 'OutputPathIsFile'; Target = '<dir>/notes.txt'; Category = 'InvalidArgument' }
            @{ Case = 'an unknown -BackgroundColor'; Parameters = @{ BackgroundColor = 'no-such-colour' }; Id = 'InvalidBackgroundColor'; Target = 'no-such-colour'; Category = 'InvalidArgument' }
            @{ Case = 'a missing -BackgroundImage'; Parameters = @{ BackgroundImage = '<dir>/no-such-background.png' }; Id = 'InvalidBackgroundImage'; Target = '<dir>/no-such-background.png'; Category = 'InvalidArgument' }
            @{ Case = 'a missing -Model'; Parameters = @{ Model = '<dir>/no-such-model.onnx' }; Id = 'ModelNotFound'; Target = '<dir>/no-such-model.onnx'; Category = 'ObjectNotFound' }
        ) {
            $parameters = Resolve-Parameter $Parameters
            $parameters.LiteralPath = Join-Path $dir 'chelsea.png'
            $parameters.Force = $true
            $filesBefore = (Get-ChildItem -LiteralPath $dir -Recurse -Force).FullName -join '|'

            # -ErrorAction Continue: only a terminating error can make this throw.
            $thrown = { Remove-ImageBackground @parameters -ErrorAction Continue } | Should -Throw -PassThru

            Assert-ErrorRecord $thrown -ErrorId $Id -Category $Category -TargetObject (Resolve-Case $Target) -Command 'Remove-ImageBackground'
            (Get-ChildItem -LiteralPath $dir -Recurse -Force).FullName -join '|' | Should -Be $filesBefore
        }

        It 'adds a non-terminating error to $Error, and -ErrorAction Stop makes it catchable by its id' {
            $missing = Join-Path $dir 'also-missing.png'
            $null = Remove-ImageBackground -LiteralPath $missing -ErrorAction SilentlyContinue
            Assert-ErrorRecord $Error[0] -ErrorId 'FileNotFound' -Category 'ObjectNotFound' -TargetObject $missing -Command 'Remove-ImageBackground'

            $caught = try { Remove-ImageBackground -LiteralPath $missing -ErrorAction Stop } catch { $_ }
            Assert-ErrorRecord $caught -ErrorId 'FileNotFound' -Category 'ObjectNotFound' -TargetObject $missing -Command 'Remove-ImageBackground'
        }
    }
}
