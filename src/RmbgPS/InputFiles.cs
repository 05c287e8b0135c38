using System.Management.Automation;

namespace RmbgPS;

/// <summary>An input file, and whether it came from a listing (a wildcard, or the pipeline: Get-ChildItem) rather than by name.</summary>
internal readonly record struct InputFile(string Path, bool FromListing);

/// <summary>-Path and -LiteralPath resolved to input files as Get-FileHash resolves them; what cannot be resolved is reported and skipped.</summary>
internal static class InputFiles
{
    /// <summary>File system paths for the current record (<paramref name="literalPaths"/> when given, else the <paramref name="paths"/> patterns).</summary>
    public static IEnumerable<InputFile> ResolveInputFiles(this PSCmdlet cmdlet, string[] paths, string[]? literalPaths)
    {
        var piped = cmdlet.MyInvocation.ExpectingInput;
        if (literalPaths is not null)
        {
            foreach (var literal in literalPaths)
            {
                string resolved;
                try
                {
                    resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(literal);
                }
                catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException)
                {
                    cmdlet.WriteError(ErrorRecords.Create(e, ErrorIds.FileNotFound, ErrorCategory.ObjectNotFound, literal));
                    continue;
                }
                yield return new InputFile(resolved, piped);
            }
            yield break;
        }

        foreach (var pattern in paths)
        {
            List<string> resolved;
            try
            {
                resolved = cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(pattern, out var provider).ToList();
                if (provider.Name != "FileSystem")
                {
                    cmdlet.WriteError(ErrorRecords.Create(new ArgumentException($"'{pattern}' is on the {provider.Name} provider; give a file system path."),
                        ErrorIds.NotFileSystemPath, ErrorCategory.InvalidArgument, pattern));
                    continue;
                }
            }
            catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException)
            {
                var hint = WildcardPattern.ContainsWildcardCharacters(pattern) ? " Use -LiteralPath if the name itself contains wildcard characters such as [ ]." : "";
                cmdlet.WriteError(ErrorRecords.Create(new FileNotFoundException($"Cannot find '{pattern}'. Check the path.{hint}", e),
                    ErrorIds.FileNotFound, ErrorCategory.ObjectNotFound, pattern));
                continue;
            }
            var wildcard = WildcardPattern.ContainsWildcardCharacters(pattern);
            if (resolved.Count == 0 && wildcard && LiteralFile(cmdlet, pattern) is { } literal)
            {
                // As Get-Item: a pattern that matches nothing is no error, but a file named exactly so is a likely mistake.
                cmdlet.WriteError(ErrorRecords.Create(new FileNotFoundException(
                    $"'{pattern}' matched no file as a wildcard pattern, but '{literal}' has exactly that name. Use -LiteralPath '{pattern}' to process it."),
                    ErrorIds.FileNotFound, ErrorCategory.ObjectNotFound, pattern));
                continue;
            }
            foreach (var file in resolved)
                yield return new InputFile(file, piped || wildcard);
        }
    }

    private static string? LiteralFile(PSCmdlet cmdlet, string pattern)
    {
        try
        {
            var path = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(pattern);
            return File.Exists(path) ? path : null;
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException)
        {
            return null;
        }
    }
}
