using System.Management.Automation;

namespace RmbgPS.Commands;

/// <summary>The image cmdlets' inputs: -Path and -LiteralPath resolved as Get-FileHash does.</summary>
public abstract partial class ImageCommandBase
{
    /// <summary>An input file, and whether it came from a listing (a wildcard, or the pipeline: Get-ChildItem) rather than by name.</summary>
    private readonly record struct Input(string Path, bool FromListing);

    /// <summary>File system paths for the current record; unresolvable ones are reported and skipped.</summary>
    private IEnumerable<Input> ResolveInputs()
    {
        var piped = MyInvocation.ExpectingInput;
        if (ParameterSetName == LiteralPathSet)
        {
            foreach (var literal in LiteralPath)
            {
                string resolved;
                try
                {
                    resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(literal);
                }
                catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException)
                {
                    WriteError(ErrorRecords.Create(e, ErrorIds.FileNotFound, ErrorCategory.ObjectNotFound, literal));
                    continue;
                }
                yield return new Input(resolved, piped);
            }
            yield break;
        }

        foreach (var pattern in Path)
        {
            List<string> resolved;
            try
            {
                resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(pattern, out var provider).ToList();
                if (provider.Name != "FileSystem")
                {
                    WriteError(ErrorRecords.Create(new ArgumentException($"'{pattern}' is on the {provider.Name} provider; give a file system path."),
                        ErrorIds.NotFileSystemPath, ErrorCategory.InvalidArgument, pattern));
                    continue;
                }
            }
            catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException)
            {
                var hint = WildcardPattern.ContainsWildcardCharacters(pattern) ? " Use -LiteralPath if the name itself contains wildcard characters such as [ ]." : "";
                WriteError(ErrorRecords.Create(new FileNotFoundException($"Cannot find '{pattern}'. Check the path.{hint}", e),
                    ErrorIds.FileNotFound, ErrorCategory.ObjectNotFound, pattern));
                continue;
            }
            var wildcard = WildcardPattern.ContainsWildcardCharacters(pattern);
            if (resolved.Count == 0 && wildcard && LiteralFile(pattern) is { } literal)
            {
                // As Get-Item: a pattern that matches nothing is no error, but a file named exactly so is a likely mistake.
                WriteError(ErrorRecords.Create(new FileNotFoundException(
                    $"'{pattern}' matched no file as a wildcard pattern, but '{literal}' has exactly that name. Use -LiteralPath '{pattern}' to process it."),
                    ErrorIds.FileNotFound, ErrorCategory.ObjectNotFound, pattern));
                continue;
            }
            foreach (var file in resolved)
                yield return new Input(file, piped || wildcard);
        }
    }

    private string? LiteralFile(string pattern)
    {
        try
        {
            var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(pattern);
            return File.Exists(path) ? path : null;
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException)
        {
            return null;
        }
    }
}
