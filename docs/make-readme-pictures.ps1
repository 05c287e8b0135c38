#Requires -Version 7.4
<#
    Makes the pictures the README shows, with the module itself. The inputs are in docs/images:
    chelsea.jpg (scikit-image's "chelsea", CC0, Stefan van der Walt) and cat-on-green.jpg (the same cat
    composited onto a saturated green wall, to show the fringe foreground estimation removes).
        ./build.ps1; Import-Module ./out/RmbgPS; ./docs/make-readme-pictures.ps1 -Model <model>
#>
param(
    # Any installed model name or .onnx path; the README's pictures were made with IMG.LY's ISNet (medium).
    [Parameter(Mandatory)] [string] $Model,
    [string] $Folder = ([IO.Path]::Combine($PSScriptRoot, 'images'))
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
