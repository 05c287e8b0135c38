using System.Buffers;

namespace RmbgPS.Engine.Inference;

/// <summary>A model-resolution plane of foreground probabilities in [0,1], in a rented buffer.</summary>
public sealed class ProbabilityPlane : IDisposable
{
    internal ProbabilityPlane(int width, int height)
    {
        Width = width;
        Height = height;
        Values = ArrayPool<float>.Shared.Rent(width * height);
    }

    public int Width { get; }
    public int Height { get; }
    /// <summary>Row-major values; only the first Width*Height are meaningful.</summary>
    public float[] Values { get; private set; }

    public void Dispose()
    {
        if (Values.Length == 0)
            return;
        ArrayPool<float>.Shared.Return(Values);
        Values = [];
    }
}
