#Requires -Version 7.4

<#
.SYNOPSIS
    What -Session adds per image over SSH on the loopback, with the node's path shared and with the bytes sent.

.DESCRIPTION
    Starts an sshd of its own on 127.0.0.1 (tests/SshNode.ps1; needs Debian's openssh-server), opens one session, and
    times batches of -Count copies of a 0.5-MP and a 12-MP JPEG (made by the benchmark, or any two photos given):
    locally held to one image at a time, over the session with shared paths, and over the session with -TransferFiles.
    One node runs one image at a time, so the difference per image is the remoting alone. The node shares the
    machine's cores with the caller. Run after 'dotnet build RmbgPS.sln -c Release':

        dotnet pwsh bench/remote-overhead.ps1 -Count 6
#>
param(
    [int] $Count = 6,
    [string] $Model = (Join-Path $HOME '.cache' 'RmbgPS-test' 'models' 'isnet-imgly-medium.onnx'),
    [string] $Work = (Join-Path ([IO.Path]::GetTempPath()) 'rmbgps-remote-bench'),
    [string[]] $Photo
)
$ErrorActionPreference = 'Stop'
$repo = Split-Path $PSScriptRoot -Parent
. (Join-Path $repo 'tests' 'SshNode.ps1')
Remove-Item -LiteralPath $Work -Recurse -Force -ErrorAction Ignore
$null = New-Item -ItemType Directory -Path $Work
$env:RMBG_MODEL_HOME = Join-Path $Work 'store'
Import-Module (Join-Path $repo 'out' 'RmbgPS' 'RmbgPS.psd1')
Set-RmbgDevice -Model $Model

if (-not $Photo) {
    # The benchmark's own inputs: a 866x577 and a 4243x2828 JPEG of a synthetic scene.
    $inputs = Join-Path $Work 'inputs'
    & dotnet (Join-Path $repo 'bench' 'RmbgPS.Bench' 'bin' 'Release' 'net10.0' 'RmbgPS.Bench.dll') inputs --work $Work | Out-Null
    $Photo = @(Get-ChildItem -LiteralPath $inputs -File | Sort-Object Length | ForEach-Object FullName)
}

$sshd = Start-TestSshd -Folder (Join-Path $Work 'sshd') -ModuleFolder (Join-Path $repo 'out') -NodeStore (Join-Path $Work 'node-store')
try {
    $node = New-TestNodeSession $sshd
    function Measure-PerImage([string] $Folder, [hashtable] $How) {
        $out = Join-Path $Work 'out'
        Remove-Item -LiteralPath $out -Recurse -Force -ErrorAction Ignore
        $files = @(Get-ChildItem -LiteralPath $Folder -File)
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $files | Remove-ImageBackground -OutputPath $out @How | Out-Null
        $clock.Elapsed.TotalMilliseconds / $files.Count
    }
    "$(Get-Date -Format yyyy-MM-dd): $Count images a batch, one at a time, one node over SSH on 127.0.0.1, $([Environment]::ProcessorCount) cores shared by caller and node."
    '| input | local | -Session, shared path | overhead | -Session -TransferFiles | overhead |'
    '|---|---|---|---|---|---|'
    foreach ($path in $Photo) {
        $folder = Join-Path $Work ([IO.Path]::GetFileNameWithoutExtension($path))
        $null = New-Item -ItemType Directory -Path $folder
        for ($i = 0; $i -lt $Count; $i++) { Copy-Item -LiteralPath $path -Destination (Join-Path $folder ('{0:D3}{1}' -f $i, [IO.Path]::GetExtension($path))) }
        $null = Measure-PerImage $folder @{ Session = $node } # the node loads its model
        $local = Measure-PerImage $folder @{ ThrottleLimit = 1 }
        $shared = Measure-PerImage $folder @{ Session = $node }
        $sent = Measure-PerImage $folder @{ Session = $node; TransferFiles = $true }
        $size = (Get-Item -LiteralPath $path).Length / 1MB
        '| {0} ({1:0.0} MB) | {2:0} ms | {3:0} ms | {4:+0;-0} ms | {5:0} ms | {6:+0;-0} ms |' -f [IO.Path]::GetFileName($path), $size, $local, $shared, ($shared - $local), $sent, ($sent - $local)
    }
}
finally {
    Stop-TestSshd $sshd
}
