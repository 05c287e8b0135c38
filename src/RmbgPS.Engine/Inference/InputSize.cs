using System.Globalization;
using RmbgPS.Engine.Models;

namespace RmbgPS.Engine.Inference;

/// <summary>
/// The size a session feeds its model, and why. A fixed height and width in the model (1024² for RMBG-2.0,
/// 2048² for BiRefNet_HR) are what it gets; a free one comes from Set-RmbgDevice -Resolution, else from the
/// model's own recommendation (metadata <see cref="MetadataKey"/>), else the profile's 1024.
/// </summary>
public readonly record struct InputSize(int Width, int Height, string Reason)
{
    public const string MetadataKey = "rmbg.resolution";
    public const int Smallest = 256;
    public const int Largest = 4096;
    /// <summary>The stride every resolution must be a multiple of: the downsampling of the encoders these models use.</summary>
    public const int Step = 32;

    /// <summary>Refuses a <paramref name="resolution"/> (0: not set) that cannot be used, saying what to give instead.</summary>
    public static void Check(int resolution)
    {
        if (Problem(resolution) is { } problem)
            throw new InvalidResolutionException(resolution, problem);
    }

    private static string? Problem(int resolution) =>
        resolution == 0 || (resolution is >= Smallest and <= Largest && resolution % Step == 0)
            ? null
            : $"-Resolution {resolution} cannot be used: give a multiple of {Step} from {Smallest} to {Largest} (1024 is the usual size; 2048 sees more detail and costs about four times as much), or 0 for the model's own.";

    /// <summary>The input size for a model whose input is [N,3,<paramref name="height"/>,<paramref name="width"/>], non-positive meaning free.</summary>
    public static InputSize For(int width, int height, int resolution, ModelFacts facts, ModelProfile profile)
    {
        if (width > 0 && height > 0)
            return new InputSize(width, height, resolution > 0 && (width != resolution || height != resolution)
                ? $"fixed by the model; -Resolution {resolution} applies only to models with a free input size"
                : "fixed by the model");
        var (size, reason) = resolution > 0 ? (resolution, $"-Resolution {resolution}")
            : facts.Metadata.TryGetValue(MetadataKey, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var recommended) && Problem(recommended) is null
                ? (recommended, $"the model's recommendation (metadata {MetadataKey})")
                : (profile.InputSize, $"the {profile.Name} profile's default");
        return new InputSize(width > 0 ? width : size, height > 0 ? height : size, $"free in the model: {reason}");
    }

    public override string ToString() => $"{Width}x{Height} ({Reason})";
}

/// <summary>A resolution <see cref="InputSize.Check"/> refused; the engine's settings did not change.</summary>
public sealed class InvalidResolutionException(int resolution, string message) : ArgumentException(message)
{
    public int Resolution { get; } = resolution;
}
