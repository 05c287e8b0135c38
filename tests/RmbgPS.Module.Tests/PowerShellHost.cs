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

    public sealed record Result(Collection<PSObject> Output, IReadOnlyList<ErrorRecord> Errors, RuntimeException? Terminating);

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

    /// <summary>Runs a script; $args carries the arguments. Terminating errors are captured, not thrown.</summary>
    public Result Run(string script, params object[] args)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(script);
        foreach (var a in args)
            ps.AddArgument(a);
        try
        {
            var output = ps.Invoke();
            return new Result(output, ps.Streams.Error.ToList(), null);
        }
        catch (RuntimeException e)
        {
            return new Result([], ps.Streams.Error.ToList(), e);
        }
    }

    public void Dispose() => runspace.Dispose();
}
