#Requires -Version 7.4

# Export-RmbgReport: the review sheet of a batch, rendered by a real browser (headless Chromium, Debian's chromium
# package, which .ci/run installs): every thumbnail loaded, the doubtful photo first, a page that is not blank.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $Chromium = @('chromium', 'chromium-browser', 'google-chrome') | ForEach-Object { Get-Command $_ -CommandType Application -ErrorAction Ignore } | Select-Object -First 1
    # Without Chromium the browser tests are skipped on a developer's machine; CI installs it, so there they must run.
    $SkipBrowser = $SkipModelTests -or (-not $Chromium -and -not $env:CI)
    $BrowserSkipNote = if ($SkipModelTests) { $ModelSkipNote } elseif ($SkipBrowser) { ' (skipped: Chromium is not installed; apt-get install chromium)' } else { '' }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $TestRun = Initialize-RmbgTestRun
}

AfterAll {
    Restore-RmbgTestRun $TestRun
}

Describe 'Export-RmbgReport' {
    It 'has <_>' -ForEach 'Path', 'LiteralPath', 'InputObject', 'Title', 'Force', 'PassThru', 'WhatIf' {
        (Get-Command Export-RmbgReport).Parameters.Keys | Should -Contain $_
    }

    It 'declares [OutputType] FileInfo and supports -WhatIf, writing nothing' {
        (Get-Command Export-RmbgReport).OutputType.Type | Should -Be ([IO.FileInfo])
        $page = Join-Path (New-TestFolder 'whatif') 'review.html'
        [pscustomobject]@{ InputPath = '/x.png'; OutputPath = '/x.nobg.png'; ForegroundRatio = 0.5 } | Export-RmbgReport $page -WhatIf
        Test-Path -LiteralPath $page | Should -BeFalse
        Test-Path -LiteralPath ($page -replace '\.html$', '_files') | Should -BeFalse
    }

    It 'leaves out what is not a result, with NotAReviewableResult' {
        $page = Join-Path (New-TestFolder 'other') 'review.html'
        'a string' | Export-RmbgReport $page -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'NotAReviewableResult,*'
        $failed[0].Exception.Message | Should -BeLike '*takes the results of Remove-ImageBackground and Get-ImageMask*'
        Get-Content -LiteralPath $page -Raw | Should -BeLike '*0 images · 0 to review · 0 failed*'
    }

    It 'stops with FileWriteError, writing no page, when the thumbnail folder cannot be made' {
        $dir = New-TestFolder 'unwritable'
        Set-Content -LiteralPath (Join-Path $dir 'review_files') -Value 'a file where the folder should be' # fails even for root
        $page = Join-Path $dir 'review.html'
        $thrown = { [pscustomobject]@{ InputPath = '/x.png'; OutputPath = '/x.nobg.png'; ForegroundRatio = 0.5 } | Export-RmbgReport $page } | Should -Throw -PassThru
        Assert-ErrorRecord $thrown -ErrorId 'FileWriteError' -Category 'WriteError' -TargetObject (Join-Path $dir 'review_files') -Command 'Export-RmbgReport'
        $thrown.Exception.Message | Should -BeLike "The thumbnail folder '*review_files' cannot be written:*"
        Test-Path -LiteralPath $page | Should -BeFalse
    }

    Context "masks from Get-ImageMask$ModelSkipNote" -Skip:$SkipModelTests {
        It 'shows a mask held only in the result, and one written to a file, without a cut-out' {
            Initialize-TestAsset
            $dir = New-TestFolder 'masks'
            $in = Copy-Photo 'chelsea.png' $dir
            $page = Join-Path $dir 'review.html'
            @(Get-ImageMask -LiteralPath $in) + @(Get-ImageMask -LiteralPath $in -OutputPath (Join-Path $dir 'masks')) | Export-RmbgReport $page
            $files = Get-ChildItem (Join-Path $dir 'review_files') -Name | Sort-Object
            $files | Should -Be '00001m.webp', '00001o.webp', '00002m.webp', '00002o.webp'
            $html = Get-Content -LiteralPath $page -Raw
            $html | Should -BeLike '*href="masks/chelsea.mask.png"*' # the written mask opens its file
            $html | Should -BeLike '*CPUExecutionProvider*'
        }
    }

    Context "a batch's sheet in a real browser$BrowserSkipNote" -Skip:$SkipBrowser {
        BeforeAll {
            Initialize-TestAsset
            $dir = New-TestFolder 'review'
            $photos = New-Item -ItemType Directory -Path (Join-Path $dir 'photos')
            foreach ($name in 'chelsea.png', 'coffee.png', 'rocket.jpg') { $null = Copy-Photo $name $photos }
            # A plain white picture, in which a model finds no subject: listed last, shown first.
            Copy-Item -LiteralPath (Join-Path $RepoRoot 'docs' 'images' 'white-wall.png') (Join-Path $photos 'white wall.png')
            Set-Content -LiteralPath (Join-Path $photos 'broken.png') -Value 'not an image'
            $cut = Join-Path $dir 'cut'
            $savedModel = $env:RMBG_MODEL
            $env:RMBG_MODEL = $IsnetPath # the ISNet model keeps nothing of a white wall: a doubtful photo
            try {
                # The issue's own pipeline, with the failed file's error piped in after it.
                $results = Get-ChildItem $photos -File | Remove-ImageBackground -OutputPath $cut -ErrorVariable failed -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
                $file = @($results) + @($failed) | Export-RmbgReport (Join-Path $cut 'review.html') -PassThru
            }
            finally {
                $env:RMBG_MODEL = $savedModel
            }
            $browser = @('chromium', 'chromium-browser', 'google-chrome') | ForEach-Object { Get-Command $_ -CommandType Application -ErrorAction Ignore } | Select-Object -First 1
            $url = [Uri]::new($file.FullName).AbsoluteUri
            $chromeProfile = New-TestFolder 'chromium-profile'
            $common = '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', "--user-data-dir=$chromeProfile", '--virtual-time-budget=10000'
            # A window taller than the page, so every lazy thumbnail is in view and loads before the count is taken.
            $dom = & $browser.Source @common '--window-size=1280,12000' '--dump-dom' $url 2>&1 | Out-String # its log too, to show when it fails
            $shot = Join-Path $dir 'review.png'
            $null = & $browser.Source @common '--window-size=1280,900' "--screenshot=$shot" $url 2>&1
        }

        It 'writes the page, with -PassThru its FileInfo, and the thumbnails beside it' {
            $file | Should -BeOfType ([IO.FileInfo])
            $file.Name | Should -Be 'review.html'
            (Get-ChildItem (Join-Path $cut 'review_files') -Filter *.webp).Count | Should -Be 12
            $failed.Count | Should -Be 1
        }

        It 'has every thumbnail loaded in Chromium, none broken' {
            $dom | Should -Match 'data-thumbnails="12/12"' -Because "Chromium gave, for $url`: $dom"
            $dom | Should -Not -Match 'class="[^"]*missing'
        }

        It 'puts the doubtful photo first, with its badge and why' {
            $cards = [regex]::Matches($dom, '<article class="([^"]*)"[\s\S]*?<h3>([^<]*)</h3>')
            $cards.Count | Should -Be 4
            $cards[0].Groups[1].Value | Should -Be 'card review'
            $cards[0].Groups[2].Value | Should -Be 'white wall.png'
            $cards[1..3] | ForEach-Object { $_.Groups[1].Value | Should -Be 'card' }
            $dom | Should -Match 'Almost nothing was kept'
        }

        It 'lists the failed file with its ErrorId' {
            $dom | Should -Match '<td>[^<]*broken\.png</td><td><code>NotAnImage</code>'
            $dom | Should -Match '4 images · 1 to review · 1 failed'
        }

        It 'renders a page that is not blank' {
            Test-Path -LiteralPath $shot | Should -BeTrue
            $skia = [System.Runtime.Loader.AssemblyLoadContext]::All.Where({ $_.Name -eq 'RmbgPS.Engine' }).Assemblies |
                Where-Object { $_.GetName().Name -eq 'SkiaSharp' } | Select-Object -First 1
            $bitmap = $skia.GetType('SkiaSharp.SKBitmap')::Decode($shot)
            try {
                $bitmap.Width | Should -Be 1280
                $colours = [Collections.Generic.HashSet[int]]::new()
                for ($y = 0; $y -lt $bitmap.Height; $y += 7) {
                    for ($x = 0; $x -lt $bitmap.Width; $x += 7) { $null = $colours.Add($bitmap.GetPixel($x, $y).GetHashCode()) }
                }
                $colours.Count | Should -BeGreaterThan 200 -Because 'photos, thumbnails and text, not an empty page'
            }
            finally {
                $bitmap.Dispose()
            }
        }

        It 'refuses to replace the page without -Force (OutputExists), and replaces it with -Force' {
            $page = Join-Path $cut 'review.html'
            $before = (Get-Item $page).LastWriteTimeUtc
            { $results | Export-RmbgReport $page } | Should -Throw -ErrorId 'OutputExists,RmbgPS.Commands.ExportRmbgReportCommand'
            (Get-Item $page).LastWriteTimeUtc | Should -Be $before
            $results | Export-RmbgReport -LiteralPath $page -Force -Title 'Again'
            Get-Content -LiteralPath $page -Raw | Should -BeLike '*<h1>Again</h1>*'
            (Get-ChildItem (Join-Path $cut 'review_files') -Filter *.webp).Count | Should -Be 12
        }

        It 'marks a thumbnail whose file has gone, on a page whose name needs escaping in its links' {
            $page = Join-Path $cut 'week #49 100%.html'
            $null = $results | Export-RmbgReport -LiteralPath $page
            $all = & $browser.Source @common '--window-size=1280,12000' '--dump-dom' ([Uri]::new($page).AbsoluteUri) 2>&1 | Out-String
            $all | Should -Match 'data-thumbnails="12/12"' -Because 'every link into "week #49 100%_files" is escaped'
            Remove-Item -LiteralPath (Join-Path $cut 'week #49 100%_files' '00002o.webp')
            $gone = & $browser.Source @common '--window-size=1280,12000' '--dump-dom' ([Uri]::new($page).AbsoluteUri) 2>&1 | Out-String
            $gone | Should -Match 'data-thumbnails="11/12"'
            ([regex]::Matches($gone, '<figure class="missing">')).Count | Should -Be 1
        }

        It 'reads results that came back deserialized, as from Invoke-Command or a job' {
            $page = Join-Path $cut 'remote.html'
            $deserialized = [Management.Automation.PSSerializer]::Deserialize([Management.Automation.PSSerializer]::Serialize(@($results)))
            $deserialized | ForEach-Object { $_ | Add-Member -NotePropertyName PSComputerName -NotePropertyValue 'node-1' -PassThru } | Export-RmbgReport $page
            $html = Get-Content -LiteralPath $page -Raw
            $html | Should -BeLike '*4 images · 1 to review · 0 failed*'
            $html | Should -BeLike '*<dt>node</dt><dd>node-1</dd>*'
        }
    }
}
