#Requires -Version 7.4
<#
    Makes the pictures the README shows, with the module itself. The inputs are in docs/images:
    chelsea.jpg (scikit-image's "chelsea", CC0, Stefan van der Walt) and cat-on-green.jpg (the same cat
    composited onto a saturated green wall, to show the fringe foreground estimation removes). With -Photos (the
    tests' photo cache), also the review sheet's screenshot, review-sheet.png: four photos, a white wall (white-wall.png,
    where a model finds no subject) and a file that is not an image, through Export-RmbgReport and headless Chromium.
        ./build.ps1; Import-Module ./out/RmbgPS; ./docs/make-readme-pictures.ps1 -Model <model> [-Photos ~/.cache/RmbgPS-test/photos]
#>
param(
    # Any installed model name or .onnx path; the README's pictures were made with IMG.LY's ISNet (medium).
    [Parameter(Mandatory)] [string] $Model,
    [string] $Folder = ([IO.Path]::Combine($PSScriptRoot, 'images')),
    # A folder with chelsea.png, astronaut.png, coffee.png and rocket.jpg (scikit-image's; CC0 and public domain).
    [string] $Photos
)

$cat = [IO.Path]::Combine($Folder, 'chelsea.jpg')
$green = [IO.Path]::Combine($Folder, 'cat-on-green.jpg')
$common = @{ Model = $Model; Force = $true }

Remove-ImageBackground -LiteralPath $cat -OutputPath ([IO.Path]::Combine($Folder, 'chelsea.cutout.png')) @common
Remove-ImageBackground -LiteralPath $cat -OutputPath ([IO.Path]::Combine($Folder, 'chelsea.crop.webp')) -Crop -Padding 12 @common
Remove-ImageBackground -LiteralPath $cat -OutputPath ([IO.Path]::Combine($Folder, 'chelsea.blue.jpg')) -BackgroundColor '#2d6cdf' @common
Remove-ImageBackground -LiteralPath $green -OutputPath ([IO.Path]::Combine($Folder, 'cat-on-green.plain.jpg')) -BackgroundColor white -RefineForeground:$false @common
Remove-ImageBackground -LiteralPath $green -OutputPath ([IO.Path]::Combine($Folder, 'cat-on-green.fusion.jpg')) -BackgroundColor white -ForegroundMethod BlurFusion @common
Remove-ImageBackground -LiteralPath $green -OutputPath ([IO.Path]::Combine($Folder, 'cat-on-green.refined.jpg')) -BackgroundColor white @common

if ($Photos) {
    $work = [IO.Path]::Combine([IO.Path]::GetTempPath(), "rmbgps-review-$PID")
    $in = New-Item -ItemType Directory -Path ([IO.Path]::Combine($work, 'photos')) -Force
    foreach ($name in 'chelsea.png', 'astronaut.png', 'coffee.png', 'rocket.jpg') { Copy-Item -LiteralPath ([IO.Path]::Combine($Photos, $name)) $in }
    Copy-Item -LiteralPath ([IO.Path]::Combine($Folder, 'white-wall.png')) ([IO.Path]::Combine($in, 'white wall.png'))
    Set-Content -LiteralPath ([IO.Path]::Combine($in, 'broken.png')) -Value 'not an image'
    $results = Get-ChildItem -LiteralPath $in -File |
        Remove-ImageBackground -OutputPath ([IO.Path]::Combine($work, 'cut')) -Model $Model -ErrorVariable failed -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
    $page = @($results) + @($failed) | Export-RmbgReport ([IO.Path]::Combine($work, 'cut', 'review.html')) -Title 'Catalogue photos, week 49' -PassThru
    & chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1000,860 --virtual-time-budget=5000 `
        "--screenshot=$([IO.Path]::Combine($Folder, 'review-sheet.png'))" ([Uri]::new($page.FullName).AbsoluteUri) 2>$null
    Remove-Item -LiteralPath $work -Recurse -Force
}
