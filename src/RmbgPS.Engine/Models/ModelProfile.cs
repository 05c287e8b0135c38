namespace RmbgPS.Engine.Models;

/// <summary>How a model's raw output becomes a probability.</summary>
public enum OutputActivation
{
    /// <summary>The output already is a probability in [0,1].</summary>
    None,
    /// <summary>The output is a logit: apply the sigmoid.</summary>
    Sigmoid,
    /// <summary>
    /// Unknown until seen: treated as a probability unless the output leaves [0,1], after which the
    /// session applies the sigmoid from then on. RMBG-2.0 exports differ on whether the sigmoid is inside.
    /// </summary>
    Detect,
}

/// <summary>
/// Pre- and post-processing a model family expects: input size, how 0..255 RGB is normalised
/// (value * Scale[c] + Bias[c] for channel c), and what its output means.
/// </summary>
public sealed class ModelProfile
{
    public ModelProfile(string name, string description, int inputSize, float pixelScale, float[] mean, float[] std, OutputActivation activation)
    {
        Name = name;
        Description = description;
        InputSize = inputSize;
        Mean = mean;
        Std = std;
        Activation = activation;
        Scale = new float[3];
        Bias = new float[3];
        for (var c = 0; c < 3; c++)
        {
            Scale[c] = pixelScale / std[c];
            Bias[c] = -mean[c] / std[c];
        }
    }

    public string Name { get; }
    public string Description { get; }
    /// <summary>Square input size used when the model's own input shape is dynamic.</summary>
    public int InputSize { get; }
    public float[] Mean { get; }
    public float[] Std { get; }
    public OutputActivation Activation { get; }
    internal float[] Scale { get; }
    internal float[] Bias { get; }

    public override string ToString() => Name;
}
