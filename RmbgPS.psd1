@{
    RootModule           = 'RmbgPS.dll'
    # Imported before RootModule: it puts the engine and its dependencies (engine/) in a load context of their own.
    NestedModules        = @('RmbgPS.Loader.dll')
    ModuleVersion        = '0.1.0'
    GUID                 = '5f8a3c2e-6b1d-4e7a-9c0f-2d4b8e1a7c35'
    Author               = 'RmbgPS contributors'
    CompanyName          = 'RmbgPS'
    Copyright            = '(c) RmbgPS contributors. MIT licence.'
    Description          = 'Removes image backgrounds from the command line with the RMBG family of segmentation models (RMBG-2.0/BiRefNet, RMBG-1.4/ISNet) through ONNX Runtime: one shared engine per process, soft alpha masks at full resolution, pipeline-friendly cmdlets.'
    CompatiblePSEditions = @('Core')
    PowerShellVersion    = '7.4'
    FormatsToProcess     = @('RmbgPS.Format.ps1xml')
    CmdletsToExport      = @(
        'Remove-ImageBackground'
        'Get-ImageMask'
        'Set-RmbgDevice'
        'Get-RmbgDevice'
        'Install-RmbgModel'
        'Get-RmbgModel'
        'Uninstall-RmbgModel'
        'Set-RmbgDefaultModel'
        'Install-RmbgGpuRuntime'
        'Uninstall-RmbgGpuRuntime'
        'Export-RmbgReport'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('background-removal', 'model-download', 'rmbg', 'birefnet', 'onnx', 'image', 'segmentation', 'matting', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            # No ProjectUri until the project has a published home: a gallery page would send users to a dead link.
            ReleaseNotes = 'Remove-ImageBackground, Get-ImageMask, Set-RmbgDevice, Get-RmbgDevice on ONNX Runtime 1.32.0 (CPU; NVIDIA GPUs with Install-RmbgGpuRuntime, which fetches the CUDA build of ONNX Runtime from NuGet). Model store: Install-RmbgModel (resumable, verified downloads; registration of local files), Get-RmbgModel, Uninstall-RmbgModel, Set-RmbgDefaultModel. Batches over PowerShell remoting sessions (-Session). Export-RmbgReport: an offline HTML review sheet of a batch, the doubtful images first.'
        }
    }
}
