using System.Globalization;

namespace RmbgPS.Engine.Models;

/// <summary>
/// What a model adds to a process's memory while it runs on the CPU: its weights as ONNX Runtime holds them, and its
/// intermediate tensors at their peak, which grow with the input's pixels. Before a model has run on a machine this
/// is an estimate from its file and family; after its first run the engine records what it really took
/// (<c>ModelMemory</c>), and that figure is used from then on.
/// </summary>
/// <param name="Bytes">The whole footprint.</param>
/// <param name="Basis">How it is known, for messages: "estimated from ..." or "measured ...".</param>
public sealed record ModelFootprint(long Bytes, string Basis)
{
    /// <summary>
    /// The family's figure when a model's family cannot be told before it loads (no descriptor, a file name that says
    /// nothing): ISNet's, the middle of the three families (U²-Net's is larger per pixel but at a tenth of the pixels).
    /// </summary>
    public static ModelProfile UnknownFamily => ModelProfiles.Isnet;

    /// <summary>
    /// Weights as ONNX Runtime's CPU provider holds them: as stored, except half-precision ones, which it converts to
    /// single precision (it has few float16 kernels), so they take twice their file. The variant's name tells (fp16, q4f16).
    /// </summary>
    public static long WeightBytes(long fileBytes, string? variant) =>
        variant is not null && variant.Contains("16", StringComparison.Ordinal) ? 2 * fileBytes : fileBytes;

    /// <summary>The estimate for a model file of <paramref name="fileBytes"/> in a family (null: unknown) fed <paramref name="inputWidth"/> x <paramref name="inputHeight"/>.</summary>
    public static ModelFootprint Estimate(long fileBytes, string? variant, ModelProfile? profile, int inputWidth, int inputHeight)
    {
        var family = profile ?? UnknownFamily;
        var bytes = WeightBytes(fileBytes, variant) + family.ActivationBytesPerInputPixel * (long)inputWidth * inputHeight;
        var what = profile is null ? "an unknown family, taken as ISNet's" : $"the {profile.Name} family";
        return new ModelFootprint(bytes, string.Create(CultureInfo.InvariantCulture,
            $"estimated from its {Files.ByteSize.Megabytes(fileBytes)} file and {what} at {inputWidth}x{inputHeight}"));
    }

    /// <summary>Whole megabytes (of 1,000,000 bytes, as the module counts them everywhere), rounded up.</summary>
    public long Megabytes => (long)Math.Ceiling(Files.ByteSize.ToMegabytes(Bytes));

    public override string ToString() => $"{Files.ByteSize.Megabytes(Bytes)} ({Basis})";
}
