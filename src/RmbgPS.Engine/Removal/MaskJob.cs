using RmbgPS.Engine.Files;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Masks;

namespace RmbgPS.Engine.Removal;

/// <summary>Computes each image's mask, and with an output folder writes it as &lt;name&gt;.mask.png.</summary>
public sealed record MaskJob : ImageJob
{
    /// <summary>The folder the masks are written to (created when missing), or null to write none.</summary>
    public string? OutputFolder { get; init; }

    public override string Activity => "Computing image masks";
    public override string Action => "Compute mask";
    public override bool WritesToOneFolder => OutputFolder is not null;

    /// <summary>Only masks: the mask of a cut-out is a fair check of it.</summary>
    public override bool IsOwnOutput(string path) => OutputNames.IsMask(path);

    public override string? OutputFor(string input) => OutputFolder is null ? null : OutputNames.Mask(input, FolderFor(input, OutputFolder));

    public override void CheckChoices() => CheckOutputChoices(OutputFolder is not null);

    internal override FileException? Refusal(string input, string output) => OutputRules.Refusal(input, output, Overwrite);

    internal override ImageOutcome Run(ModelSession session, string input, string? output, CancellationToken cancellationToken) =>
        BackgroundRemoval.WriteMask(session, input, output, Overwrite, Mask, Detail, MaxPixels, cancellationToken);

    internal override long Cost(long pixels, ModelSession session) => ImageCosts.Mask(pixels, session, Detail);
}
