using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Files;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Removal;

namespace RmbgPS.Tests;

/// <summary>The engine's batch, as the cmdlets and the benchmark drive it: plans, claims, order, admission by cost.</summary>
public sealed class ImageBatchTests : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly RmbgEngine engine = new();
    private readonly string model;

    public ImageBatchTests()
    {
        model = SyntheticModels.Write(folder, "isnet", SyntheticModels.IsnetRed(256));
        engine.Configure(new EngineSettings { Device = ExecutionDevice.Cpu, CacheOptimizedGraph = false });
    }

    public void Dispose()
    {
        engine.Unload(model);
        folder.Dispose();
    }

    private sealed class Recorder : IBatchListener
    {
        public readonly List<string> Events = [];
        public readonly List<ImageOutcome> Outcomes = [];
        public readonly List<(string Input, Exception Failure)> Failures = [];
        public readonly List<BatchProgress> Progress = [];
        public void Finished(ImageOutcome outcome) { Outcomes.Add(outcome); Events.Add("done " + Path.GetFileName(outcome.InputPath)); }
        public void Failed(string input, Exception failure) { Failures.Add((input, failure)); Events.Add("failed " + Path.GetFileName(input)); }
        public void Verbose(string message) => Events.Add("verbose " + message);
        public void Warning(string message) => Events.Add("warning " + message);
        void IBatchListener.Progress(BatchProgress progress) => Progress.Add(progress);
    }

    /// <summary>A real job, run unchanged, with a hook around each image's run.</summary>
    private abstract record AroundJob(ImageJob Inner) : ImageJob
    {
        public override string Activity => Inner.Activity;
        public override string Action => Inner.Action;
        public override bool WritesToOneFolder => Inner.WritesToOneFolder;
        public override bool IsOwnOutput(string path) => Inner.IsOwnOutput(path);
        public override string? OutputFor(string input) => Inner.OutputFor(input);
        public override void CheckChoices() => Inner.CheckChoices();
        internal override FileException? Refusal(string input, string output) => Inner.Refusal(input, output);
        internal override long Cost(long pixels, ModelSession session) => Inner.Cost(pixels, session);
    }

    /// <summary>Counts the images of a real job that are in flight at once (the job itself runs unchanged).</summary>
    private sealed record CountingJob(ImageJob Inner) : AroundJob(Inner)
    {
        private int now;
        public int Most;
        internal override ImageOutcome Run(ModelSession session, string input, string? output, CancellationToken cancellationToken)
        {
            var count = Interlocked.Increment(ref now);
            lock (this)
                Most = Math.Max(Most, count);
            try
            {
                Thread.Sleep(100); // long enough for the others to start, if the batch lets them
                return Inner.Run(session, input, output, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref now);
            }
        }
    }

    /// <summary>A real job whose first named input takes longer, so later images finish before it is handed back.</summary>
    private sealed record SlowJob(ImageJob Inner, string Slow) : AroundJob(Inner)
    {
        internal override ImageOutcome Run(ModelSession session, string input, string? output, CancellationToken cancellationToken)
        {
            if (input == Slow)
                Thread.Sleep(1500);
            return Inner.Run(session, input, output, cancellationToken);
        }
    }

    /// <summary>A listener that ends the batch at the first failure, as -ErrorAction Stop does when the error is written.</summary>
    private sealed class StopAtFailure : IBatchListener
    {
        public readonly List<ImageOutcome> Outcomes = [];
        public void Finished(ImageOutcome outcome) => Outcomes.Add(outcome);
        public void Failed(string input, Exception failure) => throw new OperationCanceledException($"stopped at {input}");
        public void Verbose(string message) { }
        public void Warning(string message) { }
        public void Progress(BatchProgress progress) { }
    }

    [Fact]
    public void A_batch_ended_at_a_failed_file_leaves_no_file_it_did_not_report()
    {
        var first = Photo("a.png");
        var broken = folder.File("b.png");
        File.WriteAllText(broken, "not an image");
        var later = Photo("c.png", 120, 80);
        var listener = new StopAtFailure();
        var batch = new ImageBatch(new SlowJob(CutoutJob.Create(folder.File("cut"), null, CutoutOptions.Default), first), Options(throttle: 3), listener, CancellationToken.None);
        try
        {
            foreach (var input in new[] { first, broken, later })
                batch.Run(batch.Plan(input, true));
            Assert.Throws<OperationCanceledException>(batch.Complete);
            Assert.True(File.Exists(folder.File(Path.Combine("cut", "c.nobg.png"))), "the later image finished while the first was still running");
        }
        finally
        {
            batch.Dispose();
        }
        Assert.Equal([first], listener.Outcomes.Select(o => o.InputPath));
        Assert.True(File.Exists(folder.File(Path.Combine("cut", "a.nobg.png"))));
        Assert.False(File.Exists(folder.File(Path.Combine("cut", "c.nobg.png"))), "written after the failure, with no result: removed");
    }

    private string Photo(string name, int width = 300, int height = 200) =>
        TestImages.SavePng(TestImages.RedSquare(width, height, width / 4, height / 4, width / 2, height / 2), folder.File(name));

    private ImageBatchOptions Options(int? throttle = null, long? budget = null) =>
        new() { Engine = engine, Model = model, ThrottleLimit = throttle, MemoryBudget = budget };

    private static void RunAll(ImageBatch batch, IEnumerable<PlannedImage> plans)
    {
        foreach (var plan in plans.ToList())
            batch.Run(plan);
        batch.Complete();
    }

    [Fact]
    public void Results_come_in_input_order_with_the_model_and_the_stages_measured()
    {
        var inputs = Enumerable.Range(0, 6).Select(i => Photo($"p{i}.png", 200 + 150 * (5 - i), 200)).ToList(); // large first
        var recorder = new Recorder();
        using (var batch = new ImageBatch(CutoutJob.Create(folder.File("cut"), null, CutoutOptions.Default), Options(throttle: 3), recorder, CancellationToken.None))
        {
            batch.Total = inputs.Count;
            RunAll(batch, inputs.Select(i => batch.Plan(i, fromListing: true)));
        }
        Assert.Equal(inputs, recorder.Outcomes.Select(o => o.InputPath));
        foreach (var outcome in recorder.Outcomes.Cast<RemovalOutcome>())
        {
            Assert.True(File.Exists(outcome.OutputPath));
            Assert.Equal("CPUExecutionProvider", outcome.Model!.ExecutionProvider);
            Assert.True(outcome.Stages.Decode > TimeSpan.Zero && outcome.Stages.ModelRun > TimeSpan.Zero && outcome.Stages.Write > TimeSpan.Zero);
            Assert.True(outcome.Stages.Work <= outcome.Elapsed + TimeSpan.FromMilliseconds(1));
        }
        Assert.True(recorder.Progress[^1].Completed);
        Assert.Equal(6, recorder.Progress[^1].Done);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"p{i}.png"), recorder.Progress.Where(p => !p.Completed).Select(p => Path.GetFileName(p.Current)));
    }

    [Fact]
    public void A_clash_between_two_inputs_is_known_before_either_runs_and_names_both()
    {
        Directory.CreateDirectory(folder.File("a"));
        Directory.CreateDirectory(folder.File("b"));
        var first = Photo(Path.Combine("a", "same.png"));
        var second = Photo(Path.Combine("b", "same.png"));
        var recorder = new Recorder();
        using var batch = new ImageBatch(CutoutJob.Create(folder.File("cut"), null, CutoutOptions.Default), Options(), recorder, CancellationToken.None);
        var plans = new[] { batch.Plan(first, true), batch.Plan(second, true) };

        Assert.Null(plans[0].Refusal);
        var clash = Assert.IsType<FileException>(plans[1].Refusal);
        Assert.Equal(FileErrorKind.OutputClash, clash.Kind);
        Assert.Contains(first, clash.Message);
        Assert.Contains(second, clash.Message);
        Assert.StartsWith("Remove background: refused, ", plans[1].Describe("Remove background"));
        Assert.False(Directory.Exists(folder.File("cut"))); // nothing ran yet

        RunAll(batch, plans);
        Assert.Equal(["done same.png", "failed same.png"], recorder.Events.Where(e => !e.StartsWith("verbose")));
        Assert.Equal(second, recorder.Failures.Single().Input);
    }

    [Fact]
    public void A_batch_gives_back_the_edge_colour_solvers_it_kept_between_images_when_it_ends()
    {
        var kept = MultiLevelSolver.Rent(1000);
        MultiLevelSolver.Return(kept); // as an image of this batch leaves it
        using (var batch = new ImageBatch(CutoutJob.Create(folder.File("cut"), null, CutoutOptions.Default), Options(), new Recorder(), CancellationToken.None))
            RunAll(batch, [batch.Plan(Photo("photo.png"), false)]);

        // None idle is left, neither the one kept before nor the image's own: a new one is made, just as large as asked.
        Assert.Equal(1, MultiLevelSolver.Rent(1).Capacity);
    }

    [Fact]
    public void A_listing_skips_folders_and_own_outputs_in_order_and_a_folder_named_alone_fails()
    {
        var photo = Photo("photo.png");
        var cutout = Photo("old.nobg.png");
        var sub = Directory.CreateDirectory(folder.File("sub")).FullName;
        var recorder = new Recorder();
        using (var batch = new ImageBatch(CutoutJob.Create(folder.File("cut"), null, CutoutOptions.Default), Options(), recorder, CancellationToken.None))
            RunAll(batch, [batch.Plan(sub, true), batch.Plan(cutout, true), batch.Plan(photo, true), batch.Plan(sub, false)]);

        Assert.StartsWith($"verbose Skipped '{sub}': a folder", recorder.Events[0]);
        Assert.StartsWith($"verbose Skipped '{cutout}': named as this module names its outputs", recorder.Events[1]);
        Assert.Equal("done photo.png", recorder.Events.Single(e => e.StartsWith("done")));
        Assert.Equal(FileErrorKind.PathIsFolder, Assert.IsType<FileException>(recorder.Failures.Single().Failure).Kind);
        Assert.Equal("failed sub", recorder.Events[^1]);
    }

    [Fact]
    public void Images_are_admitted_by_their_memory_cost_not_only_by_count()
    {
        var inputs = Enumerable.Range(0, 5).Select(i => Photo($"m{i}.png")).ToList();
        var free = new CountingJob(new MaskJob());
        using (var batch = new ImageBatch(free, Options(throttle: 4, budget: long.MaxValue), new Recorder(), CancellationToken.None))
            RunAll(batch, inputs.Select(i => batch.Plan(i, false)));
        Assert.True(free.Most > 1, $"with room for all, {free.Most} ran at once");

        var tight = new CountingJob(new MaskJob());
        var recorder = new Recorder();
        using (var batch = new ImageBatch(tight, Options(throttle: 4, budget: 1), recorder, CancellationToken.None))
            RunAll(batch, inputs.Select(i => batch.Plan(i, false)));
        Assert.Equal(1, tight.Most); // each image costs more than the budget: one at a time, never none
        Assert.Equal(inputs, recorder.Outcomes.Select(o => o.InputPath));
    }

    [Fact]
    public void A_12_megapixel_cutout_costs_what_two_of_them_fit_in_the_cpu_budget()
    {
        using var lease = engine.Acquire(new Engine.Models.ModelLocation(SyntheticModels.Write(folder, "isnet1024", SyntheticModels.IsnetRed(1024)), "test"));
        var cost = ImageCosts.Cutout(4243L * 2828, lease.Session, CutoutOptions.Default);
        Assert.InRange(cost, 200L << 20, 330L << 20);
        Assert.True(2 * cost <= Engine.Batch.MemoryBudget.Cpu && 3 * cost > Engine.Batch.MemoryBudget.Cpu);
        Assert.True(3 * ImageCosts.Cutout(866L * 577, lease.Session, CutoutOptions.Default) <= Engine.Batch.MemoryBudget.Cpu); // small photos overlap as before
    }
}
