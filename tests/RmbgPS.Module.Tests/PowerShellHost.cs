using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace RmbgPS.Tests;

/// <summary>The real PowerShell engine in-process, with the built module imported from out/RmbgPS.</summary>
public sealed class PowerShellHost : IDisposable
{
    public static string ModuleManifest => Path.Combine(TestAssets.RepoRoot, "out", "RmbgPS", "RmbgPS.psd1");

    private readonly Runspace runspace;

    public PowerShellHost()
    {
        runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        var result = Run("Import-Module -Name $args[0] -PassThru", ModuleManifest);
        if (result.Errors.Count > 0 || result.Terminating is not null)
            throw new InvalidOperationException($"Import-Module failed: {result.Terminating?.Message} {string.Join("; ", result.Errors)}");
    }

    public sealed record Result(Collection<PSObject> Output, IReadOnlyList<ErrorRecord> Errors, RuntimeException? Terminating)
    {
        public IReadOnlyList<string> Verbose { get; init; } = [];
        public IReadOnlyList<string> Warnings { get; init; } = [];
        public IReadOnlyList<ProgressRecord> Progress { get; init; } = [];
        public IReadOnlyList<string> Information { get; init; } = [];

        /// <summary>Everything a user could see: output, every stream, error messages and exception details.</summary>
        public string AllText => string.Join("\n", Output.Select(o => o?.ToString())
            .Concat(Errors.Select(e => $"{e} {e.Exception} {e.ErrorDetails?.Message} {e.TargetObject}"))
            .Concat([Terminating?.ToString()])
            .Concat(Verbose).Concat(Warnings).Concat(Information)
            .Concat(Progress.Select(p => $"{p.Activity} {p.StatusDescription} {p.CurrentOperation}")));
    }

    /// <summary>A pipeline on this host's runspace, for tests that drive it asynchronously.</summary>
    public PowerShell Prepare(string script, params object[] args)
    {
        var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(script);
        foreach (var a in args)
            ps.AddArgument(a);
        return ps;
    }

    /// <summary>
    /// Invokes a prepared pipeline on a thread of its own, so the test can stop it as Ctrl+C would
    /// (BeginInvoke on this runspace tends to finish before Stop can act).
    /// </summary>
    public sealed class BackgroundInvocation
    {
        private readonly Thread thread;

        public BackgroundInvocation(PowerShell ps)
        {
            thread = new Thread(() =>
            {
                try { ps.Invoke(null, Output); }
                catch (Exception e) { Failure = e; }
            });
            thread.Start();
        }

        public Exception? Failure { get; private set; }
        /// <summary>What the command has written so far.</summary>
        public PSDataCollection<PSObject> Output { get; } = new();
        public bool IsRunning => thread.IsAlive;
        public bool Join(TimeSpan timeout) => thread.Join(timeout);
    }

    /// <summary>Runs a script; $args carries the arguments. Terminating errors are captured, not thrown.</summary>
    public Result Run(string script, params object[] args)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(script);
        foreach (var a in args)
            ps.AddArgument(a);
        Collection<PSObject> output = [];
        RuntimeException? terminating = null;
        try
        {
            output = ps.Invoke();
        }
        catch (RuntimeException e)
        {
            terminating = e;
        }
        return new Result(output, ps.Streams.Error.ToList(), terminating)
        {
            Verbose = ps.Streams.Verbose.Select(v => v.Message).ToList(),
            Warnings = ps.Streams.Warning.Select(w => w.Message).ToList(),
            Progress = ps.Streams.Progress.ToList(),
            Information = ps.Streams.Information.Select(i => i.MessageData?.ToString() ?? "").ToList(),
        };
    }

    public void Dispose() => runspace.Dispose();
}
