namespace RmbgPS.Engine.Inference;

/// <summary>A hold on a model session: while any lease is open the session stays loaded, even after a swap.</summary>
public sealed class SessionLease : IDisposable
{
    private ModelSession? session;

    internal SessionLease(ModelSession session, bool loadedNow)
    {
        this.session = session;
        LoadedNow = loadedNow;
    }

    public ModelSession Session => session ?? throw new ObjectDisposedException(nameof(SessionLease));

    /// <summary>True when acquiring this lease loaded the model (the first use in this process or after a swap).</summary>
    public bool LoadedNow { get; }

    /// <summary>True when the engine has since moved to another session (Set-RmbgDevice): acquire a new lease.</summary>
    public bool IsStale => session is { } s && s.IsRetired;

    public void Dispose() => Interlocked.Exchange(ref session, null)?.Release();
}
