namespace RmbgPS.Engine.Models.Store;

/// <summary>
/// The token an install sends, and where it came from (for -Verbose). A token the user gives is sent to
/// whatever source was chosen; $env:HF_TOKEN only to Hugging Face itself, so a mirror never receives it.
/// </summary>
public sealed record DownloadToken(string? Value, string Origin)
{
    public const string Variable = "HF_TOKEN";

    public static DownloadToken For(InstallPlan plan, string? given)
    {
        if (given is not null)
            return new DownloadToken(given, "with the -Token");
        if (plan.FromHuggingFace && Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } fromEnvironment)
            return new DownloadToken(fromEnvironment, $"with the token in $env:{Variable}");
        return new DownloadToken(null, "without a token");
    }
}
