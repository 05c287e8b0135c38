namespace RmbgPS.Engine.Inference;

/// <summary>
/// A model-resolution plane of foreground probabilities in [0,1]. It is a view of the
/// <see cref="ModelInput"/>'s buffers: valid until that input is disposed or run again.
/// </summary>
public sealed class ProbabilityPlane
{
    internal ProbabilityPlane(int width, int height, float[] values)
    {
        Width = width;
        Height = height;
        Values = values;
    }

    /// <summary>How long the run waited for the model (other images' runs before it) before it started.</summary>
    public TimeSpan ModelWait { get; internal set; }

    /// <summary>How long the model's run itself took.</summary>
    public TimeSpan ModelRun { get; internal set; }

    public int Width { get; }
    public int Height { get; }
    /// <summary>Row-major values; only the first Width*Height are meaningful.</summary>
    public float[] Values { get; }
}
