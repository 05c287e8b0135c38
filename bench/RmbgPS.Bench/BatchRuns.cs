using RmbgPS.Engine.Removal;

namespace RmbgPS.Bench;

/// <summary>Runs files through the engine's batch, the one the cmdlets use, and keeps what it reports.</summary>
internal sealed class BatchRuns : IBatchListener
{
    private readonly List<ImageOutcome> finished = [];
    private readonly List<string> failures = [];

    /// <summary>Runs a job over <paramref name="files"/> in one batch and returns the outcomes in input order.</summary>
    public static IReadOnlyList<ImageOutcome> Run(ImageJob job, IEnumerable<string> files, ImageBatchOptions? options = null)
    {
        var runs = new BatchRuns();
        using (var batch = new ImageBatch(job, options ?? new ImageBatchOptions(), runs, CancellationToken.None))
        {
            foreach (var file in files)
                batch.Run(batch.Plan(file, fromListing: false));
            batch.Complete();
        }
        if (runs.failures.Count > 0)
            throw new InvalidOperationException(string.Join(Environment.NewLine, runs.failures));
        return runs.finished;
    }

    /// <summary>The median of <paramref name="repeats"/> one-image batches of the same file, by elapsed time.</summary>
    public static ImageOutcome Median(ImageJob job, string file, int repeats, string model)
    {
        var outcomes = Enumerable.Range(0, repeats).Select(_ => Run(job, [file], new ImageBatchOptions { Model = model }).Single()).OrderBy(o => o.Elapsed).ToList();
        return outcomes[outcomes.Count / 2];
    }

    void IBatchListener.Finished(ImageOutcome outcome) => finished.Add(outcome);
    void IBatchListener.Failed(string input, Exception failure) => failures.Add($"{input}: {failure.Message}");
    void IBatchListener.Verbose(string message) { }
    void IBatchListener.Warning(string message) { }
    void IBatchListener.Progress(BatchProgress progress) { }
}
