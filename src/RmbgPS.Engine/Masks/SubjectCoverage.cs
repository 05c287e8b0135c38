namespace RmbgPS.Engine.Masks;

/// <summary>
/// Whether a mask looks like a clear subject: a model shown a street scene or a texture keeps almost nothing or
/// almost everything, and an admin script wants such files sent to a person rather than published.
/// </summary>
public static class SubjectCoverage
{
    /// <summary>Below this share of the picture kept, the mask is nearly empty.</summary>
    public const double NearlyEmpty = 0.02;
    /// <summary>Above this share, nearly everything was kept.</summary>
    public const double NearlyFull = 0.98;

    public static bool NeedsReview(double foregroundRatio) => foregroundRatio < NearlyEmpty || foregroundRatio > NearlyFull;

    /// <summary>
    /// Why a mask needs a person's look, as a sentence for a page that shows it. <paramref name="flagged"/> is the result's
    /// own verdict: a ratio rounded for display may sit on the limit.
    /// </summary>
    public static string? Reason(double foregroundRatio, bool flagged)
    {
        if (!flagged)
            return null;
        var kept = foregroundRatio.ToString("P1", System.Globalization.CultureInfo.InvariantCulture);
        return foregroundRatio < 0.5
            ? $"Almost nothing was kept ({kept} of the picture): the model found no clear subject."
            : $"Almost everything was kept ({kept} of the picture): the model found no clear background.";
    }

    /// <summary>The warning for a mask that needs a person's look, or null.</summary>
    public static string? Warning(string file, double foregroundRatio) => foregroundRatio switch
    {
        < NearlyEmpty => $"The mask of '{file}' keeps only {foregroundRatio:P1} of the picture: the model found no clear subject. Check it (the result's NeedsReview is true).",
        > NearlyFull => $"The mask of '{file}' keeps {foregroundRatio:P1} of the picture: the model found no clear background. Check it (the result's NeedsReview is true).",
        _ => null,
    };
}
