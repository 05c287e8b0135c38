using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Models.Store;
using RmbgPS.Engine.Files;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Removal;

namespace RmbgPS.Tests;

/// <summary>How sessions are tuned: threads, reused tensors, and the optimised-graph cache in the model store.</summary>
public sealed class InferenceTuningTests : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly EnvironmentScope environment = new();
    private readonly string store;

    public InferenceTuningTests()
    {
        store = folder.File("store");
        environment.Set(ModelLocator.StoreVariable, store);
    }

    public void Dispose()
    {
        environment.Dispose();
        folder.Dispose();
    }

    private string CacheFolder => Path.Combine(store, OptimizedGraphCache.FolderName);
    /// <summary>The optimised graphs in the cache, without the memory records kept beside them (ModelMemory).</summary>
    private string[] CacheEntries() => Directory.Exists(CacheFolder) ? Directory.GetFiles(CacheFolder).Where(f => !f.EndsWith(".memory", StringComparison.Ordinal)).ToArray() : [];

    private static ModelSession Open(string path, EngineSettings? settings = null) =>
        new(new ModelLocation(path, "test"), settings ?? new EngineSettings(), ExecutionDevice.Cpu);

    private static byte[] Mask(ModelSession session) =>
        BackgroundRemoval.ComputeMask(session, TestImages.RedSquare(120, 80, 30, 20, 50, 40), MaskOptions.Default, CancellationToken.None).Values;

    [Fact]
    public void Threads_default_to_the_physical_cores()
    {
        Assert.InRange(CpuTopology.PhysicalCores, 1, Environment.ProcessorCount);
        Assert.Equal(CpuTopology.PhysicalCores, new EngineSettings().EffectiveThreads);
        Assert.Equal(3, new EngineSettings { ThreadCount = 3 }.EffectiveThreads);
        if (OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo"))
        {
            // An independent count: distinct (physical id, core id) pairs in /proc/cpuinfo.
            var lines = File.ReadAllLines("/proc/cpuinfo");
            var pairs = new HashSet<string>();
            string package = "0";
            foreach (var line in lines)
            {
                if (line.StartsWith("physical id"))
                    package = line.Split(':')[1].Trim();
                else if (line.StartsWith("core id"))
                    pairs.Add(package + "/" + line.Split(':')[1].Trim());
            }
            if (pairs.Count > 0)
                Assert.Equal(Math.Min(pairs.Count, Environment.ProcessorCount), CpuTopology.PhysicalCores);
        }
    }

    [Theory]
    // x86 with SMT: core ids 0,1 twice, each core's two threads listed together
    [InlineData(new[] { "0:0:0,2", "1:0:1,3", "2:0:0,2", "3:0:1,3" }, 2)]
    // arm64 big.LITTLE: two clusters both numbering their cores from 0, one thread per core
    [InlineData(new[] { "0:0:0", "1:1:1", "2:0:2", "3:1:3", "4:0:4", "5:1:5" }, 6)]
    // an offline CPU does not count
    [InlineData(new[] { "0:0:0", "1:1:1", "2:offline:" }, 2)]
    // an old kernel without sibling lists: (package, core id) pairs
    [InlineData(new[] { "0:0:", "1:1:", "2:0:", "3:1:" }, 2)]
    public void Cores_are_counted_by_the_logical_CPUs_they_run_not_by_core_id_alone(string[] cpus, int expected)
    {
        using var folder = new TempFolder();
        foreach (var cpu in cpus)
        {
            var (index, coreId, siblings) = (cpu.Split(':')[0], cpu.Split(':')[1], cpu.Split(':')[2]);
            var topology = Directory.CreateDirectory(Path.Combine(folder.Path, "cpu" + index, "topology")).FullName;
            if (coreId == "offline")
            {
                // Its own core, but switched off: it must not count (some kernels keep the topology folder).
                File.WriteAllText(Path.Combine(folder.Path, "cpu" + index, "online"), "0\n");
                (coreId, siblings) = (index, index);
            }
            File.WriteAllText(Path.Combine(topology, "core_id"), coreId + "\n");
            File.WriteAllText(Path.Combine(topology, "physical_package_id"), "0\n");
            if (siblings.Length > 0)
                File.WriteAllText(Path.Combine(topology, "core_cpus_list"), siblings + "\n");
        }
        Directory.CreateDirectory(Path.Combine(folder.Path, "cpufreq"));

        Assert.Equal(expected, CpuTopology.LinuxCores(folder.Path));
    }

    [Fact]
    public void Tensors_are_reused_so_an_image_allocates_nothing_of_the_models_size()
    {
        // A 1024 model: its input tensor alone is 12 MB, the output 4 MB.
        var session = Open(SyntheticModels.Write(folder, "isnet", SyntheticModels.IsnetRed()));
        var image = TestImages.RedSquare(64, 48, 10, 10, 20, 20);
        BackgroundRemoval.ComputeMask(session, image, MaskOptions.Default, CancellationToken.None); // creates the buffers
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < 3; i++)
            BackgroundRemoval.ComputeMask(session, image, MaskOptions.Default, CancellationToken.None);
        var perImage = (GC.GetTotalAllocatedBytes(precise: true) - before) / 3;
        Assert.True(perImage < 1_000_000, $"{perImage} bytes allocated per 64x48 image");
    }

    [Fact]
    public void The_optimised_graph_is_saved_on_first_use_and_loaded_by_the_next_session()
    {
        var model = SyntheticModels.Write(folder, "rmbg2", SyntheticModels.Rmbg2Logits());
        var first = Open(model);
        Assert.StartsWith("optimised now, cached as", first.GraphSource);
        Assert.EndsWith("and loaded from there", first.GraphSource); // the optimising session, which holds more, was swapped for the saved graph
        var entry = Assert.Single(CacheEntries());
        Assert.Equal("ORTM"u8.ToArray(), File.ReadAllBytes(entry)[4..8]); // ONNX Runtime's own format, which loads into less memory

        File.SetLastWriteTimeUtc(entry, DateTime.UtcNow.AddDays(-20));
        var second = Open(model);
        Assert.StartsWith("cached optimised graph", second.GraphSource);
        Assert.True(File.GetLastWriteTimeUtc(entry) > DateTime.UtcNow.AddMinutes(-5), "loading an entry marks it as used");
        Assert.Contains(entry, second.GraphSource);
        // The same model in every way that matters: names, profile, output, and the masks themselves.
        Assert.Equal((first.InputName, first.OutputName, first.Profile.Name), (second.InputName, second.OutputName, second.Profile.Name));
        Assert.Equal(Mask(first), Mask(second));
        Assert.True(second.OutputIsLogits);
    }

    [Fact]
    public void A_damaged_entry_is_made_again_and_a_changed_model_replaces_its_entry()
    {
        var model = SyntheticModels.Write(folder, "isnet", SyntheticModels.IsnetRed(256));
        var expected = Mask(Open(model));
        var entry = Assert.Single(CacheEntries());

        File.WriteAllText(entry, "not a model");
        var repaired = Open(model);
        Assert.StartsWith("optimised now, cached as", repaired.GraphSource);
        Assert.Equal(expected, Mask(repaired));

        File.SetLastWriteTimeUtc(model, DateTime.UtcNow.AddMinutes(1)); // a re-installed or edited model
        Open(model);
        var replaced = Assert.Single(CacheEntries());
        Assert.NotEqual(entry, replaced);
        Assert.Empty(Directory.GetFiles(CacheFolder, ".*")); // no temporary file left behind
    }

    [Fact]
    public void Machines_sharing_a_store_keep_each_others_entries_and_entries_unused_for_a_month_are_swept()
    {
        var model = SyntheticModels.Write(folder, "isnet", SyntheticModels.IsnetRed(64));
        var (mine, theirs) = (new OptimizedGraphCache(CacheFolder, "machine A"), new OptimizedGraphCache(CacheFolder, "machine B"));
        string Make(string entry)
        {
            Directory.CreateDirectory(CacheFolder);
            File.WriteAllText(entry, "graph");
            return entry;
        }
        var old = Make(mine.EntryFor(model, ExecutionDevice.Cpu));
        var other = Make(theirs.EntryFor(model, ExecutionDevice.Cpu));
        var earlierVersion = Make(Path.ChangeExtension(old, ".onnx")); // entries were ONNX files before 2026-12-07
        Assert.NotEqual(old, other);
        File.SetLastWriteTimeUtc(model, DateTime.UtcNow.AddMinutes(1)); // the model is replaced; this machine optimises again
        var current = Make(mine.EntryFor(model, ExecutionDevice.Cpu));
        mine.RemoveOthers(model, current);
        Assert.False(File.Exists(old), "this machine's entry of the old file is replaced");
        Assert.False(File.Exists(earlierVersion), "and so is an earlier version's ONNX entry");
        Assert.True(File.Exists(other), "another machine's entry stays");

        // A model since deleted, and another machine not seen for a month: swept when an entry is next made.
        var vanished = Make(mine.EntryFor(SyntheticModels.Write(folder, "gone", SyntheticModels.IsnetRed(64)), ExecutionDevice.Cpu));
        foreach (var unused in new[] { vanished, other })
            File.SetLastWriteTimeUtc(unused, DateTime.UtcNow - OptimizedGraphCache.UnusedFor - TimeSpan.FromDays(1));
        var recent = Make(theirs.EntryFor(SyntheticModels.Write(folder, "recent", SyntheticModels.IsnetRed(64)), ExecutionDevice.Cpu));
        File.SetLastWriteTimeUtc(recent, DateTime.UtcNow - OptimizedGraphCache.UnusedFor + TimeSpan.FromDays(1));
        AtomicFile.TryDelete(mine.ReserveTemporary()!);
        Assert.Equal(new[] { current, recent }.Order(), CacheEntries().Order());

        mine.Forget(model); // uninstall: every machine's entries of the file
        Assert.Equal([recent], CacheEntries());
    }

    [Fact]
    public void With_the_cache_off_nothing_is_written()
    {
        var model = SyntheticModels.Write(folder, "isnet", SyntheticModels.IsnetRed(256));
        var session = Open(model, new EngineSettings { CacheOptimizedGraph = false });
        Assert.Equal("optimised at load", session.GraphSource);
        Assert.Empty(CacheEntries());
    }

    [Fact]
    public void The_cache_is_not_listed_as_a_model_and_uninstalling_a_model_deletes_its_entries()
    {
        var installed = Path.Combine(store, "Red", "fp32.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(installed)!);
        File.Copy(SyntheticModels.Write(folder, "isnet", SyntheticModels.IsnetRed(256)), installed);
        Open(installed);
        Assert.Single(CacheEntries());
        Assert.True(ModelMemory.Record(installed, new EngineSettings(), 1_000_000));
        Assert.Equal(2, Directory.GetFiles(CacheFolder).Length); // the graph and its memory record

        var models = new ModelStore(store);
        var listed = Assert.Single(models.List());
        Assert.Equal("Red", listed.Name);
        new RmbgEngine().Uninstall(models, listed);
        Assert.Empty(Directory.GetFiles(CacheFolder)); // its memory records too
    }

    [Fact]
    public void A_cache_folder_that_cannot_be_written_only_costs_the_cache()
    {
        Directory.CreateDirectory(store);
        File.WriteAllText(CacheFolder, "a file where the folder should be"); // fails even for root, unlike permissions
        var model = SyntheticModels.Write(folder, "isnet", SyntheticModels.IsnetRed(256));
        var session = Open(model);
        Assert.Contains("not writable", session.GraphSource);
        Assert.Equal(255, Mask(session).Max());
    }

    [Fact]
    public void Temporary_files_a_killed_process_left_for_a_day_are_swept_and_fresh_ones_kept()
    {
        Directory.CreateDirectory(CacheFolder);
        var (old, fresh) = (Path.Combine(CacheFolder, ".old.tmp"), Path.Combine(CacheFolder, ".fresh.tmp"));
        File.WriteAllText(old, "");
        File.WriteAllText(fresh, ""); // another process may be saving right now
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddDays(-2));
        Open(SyntheticModels.Write(folder, "isnet", SyntheticModels.IsnetRed(256)));
        Assert.False(File.Exists(old));
        Assert.True(File.Exists(fresh));
    }
}
