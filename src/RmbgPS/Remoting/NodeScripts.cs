namespace RmbgPS.Remoting;

/// <summary>
/// What runs on a node, sent with each call: the node needs nothing but RmbgPS itself, and the preflight makes sure
/// it is the caller's very version (its cmdlets, not its types: the module loads them where scripts cannot name them).
/// </summary>
internal static class NodeScripts
{
    /// <summary>Is RmbgPS importable by name at this version, and which model file would the given reference use?</summary>
    public const string Preflight = """
        param([string] $Version, [string] $Model)
        $found = @(Get-Module -Name RmbgPS -ListAvailable)
        $module = $found | Where-Object { $_.Version -eq [version] $Version } | Select-Object -First 1
        if (-not $module) {
            return [pscustomobject] @{ Problem = 'NoModule'; Detail = (@($found | ForEach-Object { $_.Version.ToString() }) -join ', ') }
        }
        Import-Module -ModuleInfo $module -ErrorAction Stop
        # An installed model goes by its Name:Variant reference, which Get-RmbgModel matches as it is.
        $path = if ([IO.Path]::IsPathRooted($Model)) { $Model } else { (Get-RmbgModel -Name $Model -Installed -ErrorAction Ignore | Select-Object -First 1).Path }
        if (-not $path -or -not (Test-Path -LiteralPath $path -PathType Leaf)) {
            return [pscustomobject] @{ Problem = 'NoModel'; Detail = "Get-RmbgModel -Installed does not list it, and no such file is there." }
        }
        [pscustomobject] @{
            Problem = $null; ModelPath = $path; Sha256 = (Get-FileHash -LiteralPath $path -Algorithm SHA256).Hash
            MachineName = [Environment]::MachineName; ProcessId = $PID
        }
        """;

    /// <summary>
    /// One image. Without bytes the node reads the input where the caller does, after checking that it sees the same
    /// file (size and time) and the output's folder; when it does not, it answers RmbgNeedsBytes and writes nothing.
    /// With bytes it works in a folder of its own and sends the output's bytes back. A mask's PNG always comes back,
    /// for the caller's ImageMask object. Answers, in order: the warnings and verbose lines, the result, the bytes.
    /// </summary>
    public const string Image = """
        param([string] $Command, [hashtable] $Parameters, [string] $InputPath, [long] $Length, [long] $Ticks,
              [byte[]] $Bytes, [string] $Output, [bool] $IsMask)
        $work = $null
        try {
            $outputFolder = if (-not $Output) { $null } elseif ($IsMask) { $Output } else { [IO.Path]::GetDirectoryName($Output) }
            if ($null -eq $Bytes) {
                $seen = Get-Item -LiteralPath $InputPath -Force -ErrorAction Ignore
                if (-not $seen -or $seen.Length -ne $Length -or $seen.LastWriteTimeUtc.Ticks -ne $Ticks -or
                    ($outputFolder -and -not (Test-Path -LiteralPath $outputFolder -PathType Container))) {
                    return [pscustomobject] @{ RmbgNeedsBytes = $true }
                }
                $source = $InputPath
                $target = $Output
            } else {
                $work = Join-Path ([IO.Path]::GetTempPath()) ('rmbgps-node-' + [guid]::NewGuid().ToString('N'))
                $null = New-Item -ItemType Directory -Path $work
                $source = Join-Path $work ([IO.Path]::GetFileName($InputPath))
                [IO.File]::WriteAllBytes($source, $Bytes)
                $target = if (-not $Output) { $null } elseif ($IsMask) { $work } else { Join-Path $work ([IO.Path]::GetFileName($Output)) }
            }
            if ($target) { $Parameters['OutputPath'] = $target }
            # Warnings and verbose lines come back as data: as streams, remoting would also print them on the caller's host.
            $ProgressPreference = 'SilentlyContinue'
            $said = @(& "RmbgPS\$Command" -LiteralPath $source @Parameters 3>&1 4>&1)
            [pscustomobject] @{
                RmbgWarnings = [string[]] @($said | Where-Object { $_ -is [System.Management.Automation.WarningRecord] } | ForEach-Object Message)
                RmbgVerbose = [string[]] @($said | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
            }
            $result = $said | Where-Object { $_ -isnot [System.Management.Automation.InformationalRecord] } | Select-Object -First 1
            if (-not $result) { return }
            $result
            $written = if ($IsMask) { $result.MaskPath } else { $result.OutputPath }
            $maskPng = $null
            if ($IsMask) {
                if (-not $written) {
                    if (-not $work) {
                        $work = Join-Path ([IO.Path]::GetTempPath()) ('rmbgps-node-' + [guid]::NewGuid().ToString('N'))
                        $null = New-Item -ItemType Directory -Path $work
                    }
                    $maskPng = [IO.File]::ReadAllBytes($result.Save((Join-Path $work 'mask.png')))
                } else {
                    $maskPng = [IO.File]::ReadAllBytes($written)
                }
            }
            $outputBytes = $null # assigned, not written to the pipeline, which would unroll the array byte by byte
            if ($null -ne $Bytes -and $written -and -not $IsMask) { $outputBytes = [IO.File]::ReadAllBytes($written) }
            [pscustomobject] @{ RmbgOutputBytes = $outputBytes; RmbgMaskPng = $maskPng }
        } finally {
            if ($work) { Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction Ignore }
        }
        """;
}
