using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models;
using RmbgPS.Tests.Onnx;

namespace RmbgPS.Tests;

/// <summary>Sessions on synthetic models written to a temporary folder; Dispose retires every session and deletes the folder.</summary>
internal sealed class SyntheticSessions : IDisposable
{
    private readonly List<ModelSession> opened = [];

    public TempFolder Folder { get; } = new();

    /// <summary>Writes the model (under a name of its own unless given) and opens a CPU session on it.</summary>
    public ModelSession Open(SyntheticModelSpec spec, EngineSettings? settings = null, bool? ioBinding = null, bool? stacking = null, string? name = null)
    {
        var path = SyntheticModels.Write(Folder, name ?? Guid.NewGuid().ToString("N"), spec);
        var session = new ModelSession(new ModelLocation(path, "test"), settings ?? new EngineSettings(), ExecutionDevice.Cpu, ioBinding, stacking);
        opened.Add(session);
        return session;
    }

    public void Dispose()
    {
        foreach (var session in opened)
            session.Retire();
        Folder.Dispose();
    }
}
