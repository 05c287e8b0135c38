namespace RmbgPS.Engine.Inference;

/// <summary>
/// An image resized and normalised into a session's reusable tensor buffers, ready for
/// <see cref="ModelSession.Infer"/>. Dispose it to give the buffers back to the session.
/// </summary>
public sealed class ModelInput : IDisposable
{
    private readonly ModelSession session;
    private TensorBuffers? buffers;

    internal ModelInput(ModelSession session, TensorBuffers buffers)
    {
        this.session = session;
        this.buffers = buffers;
    }

    internal TensorBuffers Buffers => buffers ?? throw new ObjectDisposedException(nameof(ModelInput));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref buffers, null) is { } returned)
            session.Return(returned);
    }
}
