using System.Management.Automation;
using RmbgPS.Engine.Files;
using RmbgPS.Engine.Removal;

namespace RmbgPS.Commands;

/// <summary>The image cmdlets' outputs: the folders they write into, and the files claimed in one run.</summary>
public abstract partial class ImageCommandBase
{
    /// <summary>A folder from -OutputPath, created if missing; null when not given.</summary>
    protected string? ResolveOutputFolder(string? outputPath)
    {
        if (string.IsNullOrEmpty(outputPath))
            return null;
        var folder = SessionState.Path.GetUnresolvedProviderPathFromPSPath(outputPath);
        if (File.Exists(folder))
            ThrowTerminatingError(ErrorRecords.Create(new IOException($"-OutputPath '{outputPath}' is a file; it must be a folder (created when missing)."),
                "OutputPathIsFile", ErrorCategory.InvalidArgument, outputPath));
        return folder;
    }

    /// <summary>
    /// Claims an output file for one input of this run, on the pipeline thread before any image in flight has
    /// written its own: two inputs with one base name would otherwise race for the same file.
    /// </summary>
    protected void ClaimOutput(string output, string input, string? whyTaken = null)
    {
        if (!claimedOutputs.Add(output))
            throw new ImageException(ImageErrorKind.OutputExists, output, whyTaken ??
                $"'{output}' was already written for another input of this run with the same base name as '{input}'. Write them into different -OutputPath folders.");
    }

    /// <summary>
    /// What -WhatIf and -Confirm say a file would get: written, overwritten (-Force), or refused because the output
    /// is already there, as the real run would do.
    /// </summary>
    protected static string OutputAction(string action, string output, bool force) => OutputRules.FateOf(output, force) switch
    {
        OutputFate.Overwrite => $"{action}, overwrite '{output}'",
        OutputFate.Refuse => $"{action}: refused, '{output}' already exists (OutputExists; -Force overwrites it)",
        _ => $"{action}, write '{output}'",
    };

    /// <summary>
    /// Makes sure files can be created in an output folder, once per folder and batch, after the model was found
    /// (a failed command creates nothing) and before any image runs for it; sweeps temporary files that killed
    /// runs left there. An unwritable -OutputPath stops the command; a folder beside some inputs fails those files.
    /// </summary>
    protected void PrepareOutputFolder(string folder, bool isOutputPath)
    {
        if (!checkedFolders.TryGetValue(folder, out var failure))
        {
            try
            {
                AtomicFile.EnsureWritable(folder);
                foreach (var stale in AtomicFile.SweepStale(folder))
                    WriteVerbose($"Removed '{stale}' from '{folder}': a temporary file left by a run that was killed before it finished.");
            }
            catch (ImageException e)
            {
                failure = e;
            }
            checkedFolders[folder] = failure;
        }
        if (failure is null)
            return;
        if (isOutputPath)
            ThrowTerminatingError(ErrorRecords.ForImage(failure));
        throw failure;
    }
}
