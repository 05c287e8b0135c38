using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace RmbgPS.Tests;

/// <summary>Accepting a licence is an explicit act: Enter declines, and a host that cannot ask declines before any download.</summary>
public sealed class LicencePromptTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "rmbgps-licence-tests", Guid.NewGuid().ToString("N"));
    private readonly EnvironmentScope environment = new();
    private readonly LoopbackHttpServer server = new(_ => ResponsePlan.Respond(503, "Service Unavailable"));

    public LicencePromptTests()
    {
        Directory.CreateDirectory(root);
        environment.Set("HF_ENDPOINT", server.BaseUri.ToString());
    }

    public void Dispose()
    {
        environment.Dispose();
        server.Dispose();
        try { Directory.Delete(root, true); } catch (IOException) { }
    }

    private static (IReadOnlyList<ErrorRecord> Errors, AnsweringHost Host) Install(int? answer)
    {
        var host = new AnsweringHost(answer);
        using var runspace = RunspaceFactory.CreateRunspace(host, InitialSessionState.CreateDefault2());
        runspace.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript("Import-Module $args[0]; Install-RmbgModel RMBG-1.4 -MaximumRetryCount 0").AddArgument(PowerShellHost.ModuleManifest);
        ps.Invoke();
        return (ps.Streams.Error.ToList(), host);
    }

    [Fact]
    public void Pressing_Enter_at_the_licence_prompt_declines()
    {
        var (errors, host) = Install(answer: null);
        Assert.True(host.Prompts.Count == 1, string.Join("; ", errors.Select(e => $"{e.FullyQualifiedErrorId}: {e.Exception.Message}")));
        var prompt = host.Prompts[0];
        Assert.Contains("non-commercial", prompt.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("&Decline", prompt.Choices[prompt.Default]);
        Assert.Equal("LicenseNotAccepted", Assert.Single(errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Empty(server.Requests); // nothing downloaded

        var (acceptedErrors, _) = Install(answer: 0);
        Assert.DoesNotContain(acceptedErrors, e => e.FullyQualifiedErrorId.StartsWith("LicenseNotAccepted", StringComparison.Ordinal));
        Assert.NotEmpty(server.Requests); // accepted: the download was tried (and met the 503)
    }

    [Fact]
    public void A_console_without_input_declines_with_LicenseNotAccepted_before_any_download()
    {
        // Not -NonInteractive: a console whose input is not a terminal (pwsh -c ... < /dev/null, a scheduled task).
        var r = PwshProcess.RunScript("Import-Module $args[0]; Install-RmbgModel RMBG-1.4 -MaximumRetryCount 0; $Error[0].FullyQualifiedErrorId; exit 3", [PowerShellHost.ModuleManifest], TimeSpan.FromMinutes(2),
            new Dictionary<string, string?> { ["HF_ENDPOINT"] = server.BaseUri.ToString(), ["RMBG_MODEL_HOME"] = Path.Combine(root, "store") },
            nonInteractive: false);
        Assert.Contains("LicenseNotAccepted", r.Output);
        Assert.DoesNotContain("Object reference", r.Output);
        Assert.Equal(3, r.ExitCode);
        Assert.Empty(server.Requests);
    }
}
