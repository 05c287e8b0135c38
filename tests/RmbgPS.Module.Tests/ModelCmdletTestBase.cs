using System.Management.Automation;
using System.Security;
using System.Security.Cryptography;
using RmbgPS.Tests.Onnx;

namespace RmbgPS.Tests;

/// <summary>
/// Install-, Get-, Uninstall-RmbgModel and Set-RmbgDefaultModel in the real PowerShell engine, with a store
/// of the test's own ($env:RMBG_MODEL_HOME) and a loopback server standing in for Hugging Face and GitHub.
/// </summary>
public abstract class ModelCmdletTestBase : IDisposable
{
    protected const string Token = "hf_ModuleTestSecret42";
    private static readonly string[] Variables = ["RMBG_MODEL_HOME", "RMBG_MODEL", "HF_ENDPOINT", "HF_TOKEN"];

    private readonly EnvironmentScope environment = new(Variables);
    protected readonly string root = Path.Combine(Path.GetTempPath(), "rmbgps-model-tests", Guid.NewGuid().ToString("N"));
    protected readonly string store;
    protected readonly byte[] model = SyntheticModel.Build(SyntheticModelSpec.IsnetRed(64));
    protected readonly LoopbackHttpServer server;
    protected readonly PowerShellHost pwsh = new();
    protected volatile bool cutDownloads;

    protected ModelCmdletTestBase()
    {
        store = Path.Combine(root, "store");
        Directory.CreateDirectory(store);
        server = new LoopbackHttpServer(r => r.Path switch
        {
            "/org/red/resolve/main/onnx/model.onnx" or "/files/red.onnx" => ResponsePlan.File(model, r, cutAfter: cutDownloads && r.Header("Range") is null ? model.Length / 2 : null),
            "/slow/red.onnx" => ResponsePlan.File(model, r, cutAfter: 10, stall: TimeSpan.FromSeconds(20)),
            _ when r.Path.StartsWith("/briaai/", StringComparison.Ordinal) => ResponsePlan.Respond(401, "Unauthorized", ("X-Error-Message", "Access to model briaai/RMBG-2.0 is restricted.")),
            _ => ResponsePlan.Respond(404, "Not Found"),
        });
        Environment.SetEnvironmentVariable("RMBG_MODEL_HOME", store);
        Environment.SetEnvironmentVariable("RMBG_MODEL", null);
        Environment.SetEnvironmentVariable("HF_ENDPOINT", server.BaseUri.ToString());
        Environment.SetEnvironmentVariable("HF_TOKEN", null);
        var sha = Convert.ToHexString(SHA256.HashData(model)).ToLowerInvariant();
        File.WriteAllText(Path.Combine(store, "catalog.json"), $$"""
            { "models": [
              { "name": "red", "profile": "ISNet", "huggingFaceRepo": "org/red", "license": { "name": "MIT" }, "defaultVariant": "fp32",
                "variants": [
                  { "name": "fp32", "path": "onnx/model.onnx", "size": {{model.Length}}, "sha256": "{{sha}}" },
                  { "name": "wrong", "path": "onnx/model.onnx", "size": {{model.Length}}, "sha256": "{{new string('0', 64)}}" } ] },
              { "name": "nc", "profile": "ISNet", "license": { "name": "Test NC 1.0", "url": "https://example.com/nc", "commercialUse": false },
                "variants": [ { "name": "fp32", "url": "{{server.Url("files/red.onnx")}}", "size": {{model.Length}}, "sha256": "{{sha}}" } ] }
            ] }
            """);
        pwsh.Run("Set-RmbgDevice -Model ''");
    }

    public void Dispose()
    {
        pwsh.Run("Set-RmbgDevice -Model ''");
        pwsh.Dispose();
        server.Dispose();
        environment.Dispose();
        try { Directory.Delete(root, true); } catch (IOException) { }
    }

    protected static string Id(ErrorRecord e) => e.FullyQualifiedErrorId.Split(',')[0];

    protected static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (var c in text)
            secure.AppendChar(c);
        secure.MakeReadOnly();
        return secure;
    }

    protected string[] InstalledFiles() => Directory.GetFiles(store, "*.onnx", SearchOption.AllDirectories);
}
