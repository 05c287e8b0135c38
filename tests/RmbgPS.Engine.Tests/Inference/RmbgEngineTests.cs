using RmbgPS.Engine.Batch;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Removal;

namespace RmbgPS.Tests;

public sealed class RmbgEngineTests : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly ModelLocation model;

    public RmbgEngineTests() =>
        model = new ModelLocation(SyntheticModels.Write(folder, "isnet", SyntheticModels.IsnetRed(256)), "test");

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_model_loads_once_and_every_caller_shares_the_session()
    {
        var engine = new RmbgEngine();
        using var first = engine.Acquire(model);
        var ids = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        Parallel.For(0, 8, _ =>
        {
            using var lease = engine.Acquire(model);
            ids.Add(lease.Session.Id);
        });

        Assert.True(first.LoadedNow);
        Assert.All(ids, id => Assert.Equal(first.Session.Id, id));
        Assert.Equal(1, engine.LoadCount);
    }

    [Fact]
    public void Reconfiguring_lets_running_work_finish_on_the_old_session_and_loads_anew_for_the_next()
    {
        var engine = new RmbgEngine();
        var running = engine.Acquire(model);
        var image = TestImages.RedGradient(64, 64);

        engine.Configure(new EngineSettings { Device = ExecutionDevice.Cpu, ThreadCount = 1 });

        Assert.True(running.IsStale);
        using (var input = running.Session.Prepare(image, CancellationToken.None)) // still usable: nothing lost mid-batch
            Assert.Equal(256, running.Session.Infer(input, CancellationToken.None).Width);
        using var next = engine.Acquire(model);
        Assert.NotEqual(running.Session.Id, next.Session.Id);
        Assert.True(next.LoadedNow);
        Assert.Equal(2, engine.LoadCount);
        running.Dispose(); // last user gone: the old session is released
        Assert.Equal(ExecutionDevice.Cpu, engine.GetStatus().EffectiveDevice);
    }

    [Fact]
    public void Changing_only_the_workers_priority_keeps_the_loaded_session_and_anything_else_reloads()
    {
        var engine = new RmbgEngine();
        var settings = new EngineSettings { Device = ExecutionDevice.Cpu };
        engine.Configure(settings);
        Guid Session()
        {
            using var lease = engine.Acquire(model);
            return lease.Session.Id;
        }
        var loaded = Session();

        // What Set-RmbgDevice -WorkerPriority does: the batch's setting changes, the engine's do not. Normal, so
        // that other tests' batches starting meanwhile are not slowed.
        var before = BatchThread.DefaultPriority;
        try
        {
            BatchThread.DefaultPriority = WorkerPriority.Normal;
            engine.Configure(settings with { });
            Assert.Equal(loaded, Session());
            Assert.Equal(WorkerPriority.Normal, new ImageBatchOptions { Engine = engine }.WorkerPriority);
        }
        finally
        {
            BatchThread.DefaultPriority = before;
        }

        engine.Configure(settings with { ThreadCount = 1 });
        Assert.NotEqual(loaded, Session());
        loaded = Session();
        engine.Configure(engine.Settings with { }); // the same settings again (Set-RmbgDevice -Device Auto when Auto is set): no reload
        Assert.Equal(loaded, Session());
        Assert.Equal(2, engine.LoadCount);
    }

    [Fact]
    public void Swapping_while_many_threads_predict_never_fails_a_prediction()
    {
        var engine = new RmbgEngine();
        var image = TestImages.RedGradient(48, 48);
        // A deadline, not a timer: timer callbacks can starve behind busy pool threads. Dedicated
        // threads stand in for the runspaces that call the engine.
        var deadline = DateTime.UtcNow.AddSeconds(3);
        var counts = new int[3];
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var workers = Enumerable.Range(0, 3).Select(i => new Thread(() =>
        {
            try
            {
                while (DateTime.UtcNow < deadline)
                {
                    using var lease = engine.Acquire(model);
                    using var input = lease.Session.Prepare(image, CancellationToken.None);
                    lease.Session.Infer(input, CancellationToken.None);
                    counts[i]++;
                }
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })).ToArray();
        foreach (var w in workers)
            w.Start();
        var swaps = 0;
        while (DateTime.UtcNow < deadline)
        {
            engine.Configure(new EngineSettings { ThreadCount = 1 + swaps % 2 });
            swaps++;
            Thread.Sleep(50);
        }
        foreach (var w in workers)
            Assert.True(w.Join(TimeSpan.FromSeconds(30)), "a worker did not finish");
        Assert.Empty(failures);
        Assert.All(counts, c => Assert.True(c > 0));
        Assert.True(swaps > 5);
    }

    [Fact]
    public void A_device_this_build_lacks_is_refused_with_the_list_of_what_it_has()
    {
        var engine = new RmbgEngine();
        var before = engine.Settings;
        var e = Assert.Throws<DeviceNotAvailableException>(() => engine.Configure(new EngineSettings { Device = ExecutionDevice.Cuda }));
        Assert.Contains("CPUExecutionProvider", e.Message);
        Assert.Contains("Install-RmbgGpuRuntime", e.Message);
        Assert.Same(before, engine.Settings); // nothing changed
    }

    [Fact]
    public void Auto_picks_an_accelerator_that_loads_and_the_cpu_otherwise_saying_why()
    {
        var available = ExecutionProviders.Available;
        Assert.Contains("CPUExecutionProvider", available);
        var compiledIn = new[] { ExecutionDevice.Cuda, ExecutionDevice.DirectML, ExecutionDevice.CoreML }.Where(ExecutionProviders.IsCompiledIn).ToList();
        var expected = compiledIn.FirstOrDefault(d => DeviceProbe.Check(d).Works, ExecutionDevice.Cpu);
        var choice = ExecutionProviders.Resolve(ExecutionDevice.Auto);
        Assert.Equal(expected, choice.Device);
        Assert.Equal(compiledIn.TakeWhile(d => d != expected).Any(), choice.FallbackReason is not null);
        Assert.Equal(ExecutionProviders.ProviderName(expected), choice.ProviderName);
    }

    [Fact]
    public void A_failed_load_is_not_cached()
    {
        var engine = new RmbgEngine();
        var path = folder.File("later.onnx");
        File.WriteAllText(path, "not yet a model");
        var location = new ModelLocation(path, "test");
        Assert.Throws<InvalidDataException>(() => engine.Acquire(location));

        File.Copy(model.Path, path, overwrite: true);
        using var lease = engine.Acquire(location);
        Assert.Equal(path, lease.Session.ModelPath);
    }
}
