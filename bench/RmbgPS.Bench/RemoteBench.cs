using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using RmbgPS.Tests;

namespace RmbgPS.Bench;

/// <summary>
/// The "remote" mode: what -Session adds per image over SSH on the loopback (tests/SshNode.ps1 starts the sshd), with
/// the node's path shared and with the bytes sent over the session, at 0.5 and 12 MP. One node, one image at a time,
/// against a local batch held to one image at a time, so the difference is the remoting alone. Needs openssh-server.
/// </summary>
internal static class RemoteBench
{
    public static int Run(BenchOptions options)
    {
        var count = Math.Max(2, options.Count);
        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        var repo = TestAssets.RepoRoot;
        var node = Path.Combine(options.Work, "remote-node");
        if (Directory.Exists(node))
            Directory.Delete(node, true);
        Invoke(runspace, """
            param($Repo, $Folder, $Model)
            . (Join-Path $Repo 'tests' 'SshNode.ps1')
            Import-Module (Join-Path $Repo 'out' 'RmbgPS' 'RmbgPS.psd1')
            Set-RmbgDevice -Model $Model
            $global:BenchSshd = Start-TestSshd -Folder $Folder -ModuleFolder (Join-Path $Repo 'out') -NodeStore (Join-Path $Folder 'store')
            $global:BenchNode = New-TestNodeSession $global:BenchSshd
            """, repo, node, options.Model);
        try
        {
            Console.WriteLine($"Per image, {count} images one at a time, one node over SSH on 127.0.0.1 (the node runs the same CPU).");
            Console.WriteLine("| input | local | -Session, shared path | overhead | -Session -TransferFiles | overhead |");
            Console.WriteLine("|---|---|---|---|---|---|");
            foreach (var label in new[] { "0.5mp", "12mp" })
            {
                var input = Inputs.ByLabel(options.Work, label);
                var folder = Path.Combine(options.Work, $"remote-{label}");
                BenchImages.Batch(input, folder, count);
                Time(runspace, folder, options.Work, "-Session $global:BenchNode"); // the node's first image loads its model
                var local = Time(runspace, folder, options.Work, "-ThrottleLimit 1");
                var shared = Time(runspace, folder, options.Work, "-Session $global:BenchNode");
                var sent = Time(runspace, folder, options.Work, "-Session $global:BenchNode -TransferFiles");
                Console.WriteLine($"| {label} | {local:0} ms | {shared:0} ms | {shared - local:+0;-0} ms | {sent:0} ms | {sent - local:+0;-0} ms |");
            }
        }
        finally
        {
            Invoke(runspace, "Stop-TestSshd $global:BenchSshd");
        }
        return 0;
    }

    /// <summary>Milliseconds per image of one batch over the folder, written afresh.</summary>
    private static double Time(Runspace runspace, string folder, string work, string how)
    {
        var output = Path.Combine(work, "remote-out");
        if (Directory.Exists(output))
            Directory.Delete(output, true);
        var files = Directory.GetFiles(folder).Length;
        var clock = Stopwatch.StartNew();
        Invoke(runspace, $"Get-ChildItem -LiteralPath $args[0] -File | Remove-ImageBackground -OutputPath $args[1] {how} | Out-Null", folder, output);
        return clock.Elapsed.TotalMilliseconds / files;
    }

    private static void Invoke(Runspace runspace, string script, params object[] arguments)
    {
        using var shell = PowerShell.Create();
        shell.Runspace = runspace;
        shell.AddScript(script);
        foreach (var argument in arguments)
            shell.AddArgument(argument);
        shell.Invoke();
        if (shell.HadErrors)
            throw new InvalidOperationException($"{script}: {string.Join("; ", shell.Streams.Error)}");
    }
}
