#Requires -Version 7.4

<#
    Remote nodes for the -Session tests: a real sshd (Debian's openssh-server) of the test's own on a free port of
    127.0.0.1, with a temporary host key and a temporary authorised key, whose subsystems run this very pwsh with
    -sshs: 'powershell' with the built module on its module path, 'powershell-bare' without it. Only the loopback is
    used; Stop-TestSshd stops the sshd by its process id, which ends every session's process with it.
#>

function Get-SshdPath {
    $found = Get-Command sshd -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    if ($found) { return $found.Source }
    if (Test-Path -LiteralPath '/usr/sbin/sshd' -PathType Leaf) { return '/usr/sbin/sshd' }
    $null
}

function Start-TestSshd {
    param([Parameter(Mandatory)] [string] $Folder, [Parameter(Mandatory)] [string] $ModuleFolder, [Parameter(Mandatory)] [string] $NodeStore)
    $sshd = Get-SshdPath
    if (-not $sshd) { throw "sshd is not installed: install Debian's openssh-server (apt-get install openssh-server); .ci/run does." }
    $null = New-Item -ItemType Directory -Force -Path $Folder, $NodeStore, (Join-Path $Folder 'no-modules')
    $null = New-Item -ItemType Directory -Force -Path '/run/sshd' -ErrorAction Ignore # privilege separation wants it
    foreach ($key in 'host_key', 'client_key') {
        & ssh-keygen -q -t ed25519 -N '' -C rmbgps-test -f (Join-Path $Folder $key)
        if ($LASTEXITCODE) { throw "ssh-keygen failed ($LASTEXITCODE)." }
    }
    Copy-Item -LiteralPath (Join-Path $Folder 'client_key.pub') -Destination (Join-Path $Folder 'authorized_keys')

    # This pwsh, as a framework-dependent tool (dotnet pwsh.dll) or as its own executable.
    $process = [Environment]::ProcessPath
    $pwsh = if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { "'$process' '$(Join-Path $PSHOME 'pwsh.dll')'" } else { "'$process'" }
    $node = @{ 'node.sh' = $ModuleFolder; 'bare.sh' = (Join-Path $Folder 'no-modules') }
    foreach ($entry in $node.GetEnumerator()) {
        $script = Join-Path $Folder $entry.Key
        Set-Content -LiteralPath $script -Value "#!/bin/sh`nexport PSModulePath='$($entry.Value)' RMBG_MODEL_HOME='$NodeStore' DOTNET_CLI_TELEMETRY_OPTOUT=1`nexec $pwsh -sshs -NoLogo`n"
        & chmod 700 $script
    }

    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    $config = Join-Path $Folder 'sshd_config'
    Set-Content -LiteralPath $config -Value @"
Port $port
ListenAddress 127.0.0.1
HostKey $(Join-Path $Folder 'host_key')
AuthorizedKeysFile $(Join-Path $Folder 'authorized_keys')
PidFile $(Join-Path $Folder 'sshd.pid')
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
UsePAM no
MaxSessions 20
MaxStartups 20
Subsystem powershell $(Join-Path $Folder 'node.sh')
Subsystem powershell-bare $(Join-Path $Folder 'bare.sh')
"@
    $log = Join-Path $Folder 'sshd.log'
    $daemon = Start-Process -FilePath $sshd -ArgumentList '-D', '-e', '-f', $config -RedirectStandardError $log -PassThru
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while ($true) {
        $client = [Net.Sockets.TcpClient]::new()
        try { $client.Connect('127.0.0.1', $port); break } catch { } finally { $client.Dispose() }
        if ($daemon.HasExited -or [DateTime]::UtcNow -gt $deadline) {
            throw "sshd did not start on 127.0.0.1:$port (exit $($daemon.ExitCode)): $(Get-Content -Raw -LiteralPath $log -ErrorAction Ignore)"
        }
        Start-Sleep -Milliseconds 100
    }
    [pscustomobject]@{ Process = $daemon; Port = $port; Key = (Join-Path $Folder 'client_key'); Log = $log }
}

function New-TestNodeSession {
    param([Parameter(Mandatory)] $Sshd, [switch] $WithoutModule)
    $subsystem = if ($WithoutModule) { 'powershell-bare' } else { 'powershell' }
    New-PSSession -HostName 127.0.0.1 -Port $Sshd.Port -UserName ([Environment]::UserName) -KeyFilePath $Sshd.Key -Subsystem $subsystem `
        -Options @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' } -ErrorAction Stop
}

function Stop-TestSshd($Sshd) {
    if ($null -eq $Sshd) { return }
    Get-PSSession | Where-Object { $_.ComputerName -eq '127.0.0.1' } | Remove-PSSession -ErrorAction Ignore
    if (-not $Sshd.Process.HasExited) {
        Stop-Process -Id $Sshd.Process.Id -Force -ErrorAction Ignore
        $null = $Sshd.Process.WaitForExit(10000)
    }
}
