#Requires -Version 7.4

# Get-ImageMask's files: -OutputPath, -Force, -WhatIf, files it cannot process and their error records, and what
# binds from the pipeline (Get-ChildItem, Import-Csv rows).

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

Describe "Get-ImageMask files$ModelSkipNote" -Skip:$SkipModelTests {
    BeforeAll {
        Initialize-TestAsset
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

        It 'says what it would do with -WhatIf, naming the image and the mask file' {
            $dir = New-TestFolder 'mask-whatif-says'
            $in = Copy-Photo 'chelsea.png' $dir
            $out = Join-Path $dir 'masks'

            $messages = @(Get-WhatIfMessage { Get-ImageMask -LiteralPath $in -OutputPath $out -WhatIf })

            $messages | Should -Be "What if: Performing the operation `"Compute mask, write '$(Join-Path $out 'chelsea.mask.png')'`" on target `"$in`"."
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

    Context 'error records' {
        BeforeAll {
            $dir = New-TestFolder 'mask-records'
            $image = Copy-Photo 'chelsea.png' $dir
            $text = New-TextFileNamedPng (Join-Path $dir 'text.png')
            $existing = Join-Path $dir 'chelsea.mask.png'
            [IO.File]::WriteAllText($existing, 'an earlier mask')
            $notes = Join-Path $dir 'notes.txt'
            [IO.File]::WriteAllText($notes, 'a file, not a folder')
        }

        It 'reports <Case> as <Id> (<Category>), with the file as target' -ForEach @(
            @{ Case = 'a missing file'; File = 'missing.png'; Id = 'FileNotFound'; Category = 'ObjectNotFound'; Target = 'missing.png' }
            @{ Case = 'a text file named .png'; File = 'text.png'; Id = 'NotAnImage'; Category = 'InvalidData'; Target = 'text.png' }
            @{ Case = 'an existing mask without -Force'; File = 'chelsea.png'; Id = 'OutputExists'; Category = 'ResourceExists'; Target = 'chelsea.png' }
        ) {
            $masks = @(Get-ImageMask -LiteralPath (Join-Path $dir $File) -OutputPath $dir -ErrorVariable errors -ErrorAction SilentlyContinue)

            $masks.Count | Should -Be 0
            @($errors).Count | Should -Be 1
            Assert-ErrorRecord $errors[0] -ErrorId $Id -Category $Category -TargetObject (Join-Path $dir $Target) -Command 'Get-ImageMask'
            [IO.File]::ReadAllText($existing) | Should -Be 'an earlier mask'
        }

        It 'stops with OutputPathIsFile (InvalidArgument) when -OutputPath is a file' {
            $thrown = { Get-ImageMask -LiteralPath $image -OutputPath $notes -ErrorAction Continue } | Should -Throw -PassThru
            Assert-ErrorRecord $thrown -ErrorId 'OutputPathIsFile' -Category 'InvalidArgument' -TargetObject $notes -Command 'Get-ImageMask'
        }

        It 'adds the error to $Error as well' {
            $missing = Join-Path $dir 'also-missing.png'
            $null = Get-ImageMask -LiteralPath $missing -ErrorAction SilentlyContinue
            Assert-ErrorRecord $Error[0] -ErrorId 'FileNotFound' -Category 'ObjectNotFound' -TargetObject $missing -Command 'Get-ImageMask'
        }
    }

    Context 'pipeline binding' {
        BeforeAll {
            $dir = New-TestFolder 'mask-binding'
            $spaced = New-TinyPng (Join-Path $dir 'my photo.png')
            $bracketed = New-TinyPng (Join-Path $dir 'cat [1].png')
        }

        It 'binds Get-ChildItem''s FileInfo by PSPath, so names with spaces and [brackets] are taken literally' {
            $masks = @(Get-ChildItem -LiteralPath $spaced, $bracketed | Get-ImageMask)
            $masks.Path | Should -Be @($spaced, $bracketed)
        }

        It 'binds the <Column> column of Import-Csv rows' -ForEach @(
            @{ Column = 'Path'; Value = 'my phot?.png'; Expected = 'my photo.png' }
            @{ Column = 'LiteralPath'; Value = 'cat [1].png'; Expected = 'cat [1].png' }
        ) {
            $csv = Join-Path $dir "by-$Column.csv"
            [pscustomobject]@{ $Column = (Join-Path $dir $Value) } | Export-Csv -LiteralPath $csv

            $masks = @(Import-Csv -LiteralPath $csv | Get-ImageMask)

            $masks.Count | Should -Be 1
            $masks[0].Path | Should -Be (Join-Path $dir $Expected)
        }
    }
}
