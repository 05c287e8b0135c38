using RmbgPS.Tests.Onnx;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Models.Catalog;
using RmbgPS.Engine.Removal;

namespace RmbgPS.Tests;

/// <summary>A model's memory: estimated before it loads, measured on its first run, and refused when the machine cannot hold it.</summary>
public sealed class ModelMemoryTests : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly EnvironmentScope environment = new();
    private readonly string store;

    public ModelMemoryTests()
    {
        store = folder.File("store");
        environment.Set(ModelLocator.StoreVariable, store);
    }

    public void Dispose()
    {
        ModelMemory.AvailableForTests.Value = null;
        environment.Dispose();
        folder.Dispose();
    }

    private static ModelSession Open(string path, EngineSettings? settings = null) =>
        new(new ModelLocation(path, "test"), settings ?? new EngineSettings(), ExecutionDevice.Cpu);

    private string GraphFolder => Path.Combine(store, OptimizedGraphCache.FolderName);

    [Fact]
    public void The_estimate_is_the_weights_as_the_CPU_holds_them_plus_the_familys_tensors_for_the_input()
    {
        const long file = 920_000_000;
        var full = ModelFootprint.Estimate(file, "fp32", ModelProfiles.BiRefNet, 1024, 1024);
        Assert.Equal(file + ModelProfiles.BiRefNet.ActivationBytesPerInputPixel * 1024L * 1024, full.Bytes);
        // Half-precision weights become single precision on the CPU provider: twice the file.
        Assert.Equal(full.Bytes + file, ModelFootprint.Estimate(file, "fp16", ModelProfiles.BiRefNet, 1024, 1024).Bytes);
        Assert.Equal(2 * file, ModelFootprint.WeightBytes(file, "q4f16"));
        Assert.Equal(file, ModelFootprint.WeightBytes(file, "int8"));
        // The tensors grow with the input's pixels: -Resolution 2048 is four times 1024's.
        var large = ModelFootprint.Estimate(file, "fp32", ModelProfiles.BiRefNet, 2048, 2048);
        Assert.Equal(4 * (full.Bytes - file), large.Bytes - file);
        Assert.Contains("BiRefNet family at 2048x2048", large.Basis);
        Assert.Contains("920 MB file", large.Basis);
        // An unknown family is counted as ISNet's.
        Assert.Equal(ModelFootprint.Estimate(file, null, ModelProfiles.Isnet, 1024, 1024).Bytes, ModelFootprint.Estimate(file, null, null, 1024, 1024).Bytes);
        Assert.Contains("unknown family", ModelFootprint.Estimate(file, null, null, 1024, 1024).Basis);
    }

    [Fact]
    public void The_families_are_ordered_as_measured()
    {
        // Per pixel, BiRefNet's Swin-L and its decoder hold far more than ISNet; U²-Net more than ISNet, at a tenth of the pixels.
        Assert.True(ModelProfiles.Rmbg2.ActivationBytesPerInputPixel > ModelProfiles.Isnet.ActivationBytesPerInputPixel);
        Assert.Equal(ModelProfiles.Rmbg2.ActivationBytesPerInputPixel, ModelProfiles.BiRefNet.ActivationBytesPerInputPixel);
        Assert.All(ModelProfiles.All, profile => Assert.True(profile.ActivationBytesPerInputPixel > 0, profile.Name));
    }

    private string Write(string name, SyntheticModelSpec spec, bool free = false)
    {
        spec.DynamicSpatial = free;
        return SyntheticModel.Write(folder.File(name + ".onnx"), spec);
    }

    private static long Activations(ModelProfile profile, int width, int height) => (long)profile.ActivationBytesPerInputPixel * width * height;

    [Fact]
    public void Before_loading_the_family_and_the_input_size_are_read_from_the_file_as_the_session_would_find_them()
    {
        // A BiRefNet export with a free input, its name saying nothing: the family from its input tensor's name.
        var free = Write("export", SyntheticModels.BiRefNetLogits(64), free: true);
        var length = new FileInfo(free).Length;
        Assert.Equal(length + Activations(ModelProfiles.BiRefNet, 1024, 1024), ModelMemory.FootprintOf(free, new EngineSettings()).Bytes);
        Assert.Equal(length + Activations(ModelProfiles.BiRefNet, 512, 512), ModelMemory.FootprintOf(free, new EngineSettings { Resolution = 512 }).Bytes);
        Assert.Contains("BiRefNet family at 512x512", ModelMemory.FootprintOf(free, new EngineSettings { Resolution = 512 }).Basis);
        Assert.Contains("U2Net family at 320x320", ModelMemory.FootprintOf(free, new EngineSettings { Profile = "U2Net" }).Basis);
        new ModelDescriptor { Profile = "ISNet", Variant = "fp16" }.WriteFor(free);
        Assert.Equal(2 * length + Activations(ModelProfiles.Isnet, 1024, 1024), ModelMemory.FootprintOf(free, new EngineSettings()).Bytes);

        // The model's own recommendation, as the session takes it.
        var recommending = SyntheticModels.BiRefNetLogits(64);
        recommending.Metadata[InputSize.MetadataKey] = "768";
        Assert.Contains("at 768x768", ModelMemory.FootprintOf(Write("recommending", recommending, free: true), new EngineSettings()).Basis);

        // A fixed input is what the model gets, whatever -Resolution says (it applies only to free inputs).
        var fixedSize = Write("fixed", SyntheticModels.Rmbg2Logits(64));
        Assert.Equal(new FileInfo(fixedSize).Length + Activations(ModelProfiles.Rmbg2, 64, 64), ModelMemory.FootprintOf(fixedSize, new EngineSettings { Resolution = 2048 }).Bytes);
    }

    [Fact]
    public void A_model_the_machine_cannot_hold_is_refused_before_its_session_is_made_with_the_figures_and_what_to_do()
    {
        var model = Write("rmbg2", SyntheticModels.Rmbg2Logits(64), free: true);
        ModelMemory.AvailableForTests.Value = 2_000_000_000; // RMBG-2.0's family needs about 3.5 GB at 1024x1024

        var refused = Assert.Throws<ModelDoesNotFitException>(() => Open(model));
        Assert.Equal(model, refused.ModelPath);
        Assert.Equal(2_000_000_000, refused.AvailableBytes);
        Assert.Contains($"'{model}'", refused.Message);
        Assert.Contains($"about {Engine.Files.ByteSize.Megabytes(refused.Footprint.Bytes)}", refused.Message);
        Assert.Contains("estimated from its", refused.Message);
        Assert.Contains("only 2,000 MB", refused.Message);
        foreach (var advice in new[] { "smaller model or variant", "ExpectedMemoryMB", "Install-RmbgGpuRuntime", "-Device Cuda", "-Resolution", "Set-RmbgDevice -MemoryCheck:$false" })
            Assert.Contains(advice, refused.Message);
        Assert.False(Directory.Exists(GraphFolder), "nothing was loaded, so nothing was optimised or cached");

        // A smaller input (the model's is free), or the check turned off: it loads.
        Assert.Null(Record.Exception(() => Open(model, new EngineSettings { Resolution = 512 })));
        Assert.Null(Record.Exception(() => Open(model, new EngineSettings { CheckMemory = false })));
    }

    [Fact]
    public void A_models_first_run_records_what_it_took_and_later_checks_use_that_figure()
    {
        var model = TestAssets.IsnetModelPath;
        var copy = Path.Combine(folder.Path, "isnet.onnx"); // its own file, so the record is this test's
        File.Copy(model, copy);
        var before = ModelMemory.FootprintOf(copy, new EngineSettings());
        Assert.StartsWith("estimated", before.Basis);

        var session = Open(copy);
        Assert.Equal(before, session.Footprint);
        Assert.True(session.StillToTake > 0, "before its first run the model has its tensors still to take");
        BackgroundRemoval.ComputeMask(session, TestImages.RedSquare(64, 48, 10, 10, 20, 20), MaskOptions.Default, CancellationToken.None);
        Assert.Equal(0, session.StillToTake);

        var measured = session.Footprint!;
        Assert.StartsWith("measured on its first run", measured.Basis);
        // The ISNet test model's 88 MB of weights and about a gigabyte of tensors at 1024x1024.
        Assert.InRange(measured.Bytes, 300_000_000, 3_000_000_000);
        var later = ModelMemory.FootprintOf(copy, new EngineSettings());
        Assert.Equal(measured.Bytes, later.Bytes);
        Assert.StartsWith("measured on its first run here", later.Basis);
        // Kept per resolution, and not at all with the graph cache off.
        Assert.StartsWith("estimated", ModelMemory.FootprintOf(copy, new EngineSettings { Resolution = 512 }).Basis);
        Assert.StartsWith("estimated", ModelMemory.FootprintOf(copy, new EngineSettings { CacheOptimizedGraph = false }).Basis);
    }

    [Fact]
    public void A_figure_below_the_weights_is_not_a_footprint_and_is_not_kept()
    {
        var model = SyntheticModels.Write(folder, "isnet", SyntheticModels.IsnetRed(64));
        Assert.False(ModelMemory.Record(model, new EngineSettings(), new FileInfo(model).Length - 1));
        Assert.StartsWith("estimated", ModelMemory.FootprintOf(model, new EngineSettings()).Basis);
        Assert.True(ModelMemory.Record(model, new EngineSettings(), 123_000_000));
        Assert.Equal(123_000_000, ModelMemory.FootprintOf(model, new EngineSettings()).Bytes);
    }

    [Fact]
    public void Turning_the_check_on_or_off_keeps_the_loaded_model()
    {
        var model = Write("isnet", SyntheticModels.IsnetRed(64));
        var engine = new RmbgEngine();
        engine.Configure(new EngineSettings { Device = ExecutionDevice.Cpu });
        Guid first;
        using (var lease = engine.Acquire(new ModelLocation(model, "test")))
            first = lease.Session.Id;
        engine.Configure(engine.Settings with { CheckMemory = false });
        using (var lease = engine.Acquire(new ModelLocation(model, "test")))
            Assert.Equal(first, lease.Session.Id);
        Assert.Equal(1, engine.LoadCount);
        engine.Configure(engine.Settings with { CheckMemory = false, ThreadCount = 1 }); // a setting sessions depend on
        using (var lease = engine.Acquire(new ModelLocation(model, "test")))
            Assert.NotEqual(first, lease.Session.Id);
        engine.Unload(model);
    }

    private sealed class Messages : IBatchListener
    {
        public readonly List<string> Verbose = [];
        public int Done;
        public void Finished(ImageOutcome outcome) => Done++;
        public void Failed(string input, Exception failure) => throw failure;
        void IBatchListener.Verbose(string message) => Verbose.Add(message);
        public void Warning(string message) { }
        public void Progress(BatchProgress progress) { }
    }

    [Fact]
    public void A_batch_beside_a_model_that_leaves_little_memory_holds_its_images_in_flight_to_what_is_left()
    {
        var model = SyntheticModels.Write(folder, "isnet", SyntheticModels.IsnetRed(256));
        var engine = new RmbgEngine();
        engine.Configure(new EngineSettings { Device = ExecutionDevice.Cpu });
        var footprint = ModelMemory.FootprintOf(model, engine.Settings);
        var photo = TestImages.SavePng(TestImages.RedSquare(120, 80, 30, 20, 50, 40), folder.File("a.png"));
        Messages Run(long available)
        {
            ModelMemory.AvailableForTests.Value = available;
            var messages = new Messages();
            using (var batch = new ImageBatch(new MaskJob(), new ImageBatchOptions { Engine = engine, Model = model }, messages, CancellationToken.None))
            {
                batch.Run(batch.Plan(photo, true));
                batch.Complete();
            }
            engine.Unload(model);
            return messages;
        }

        // Room for the model and one image, but not for the usual budget: held, and said.
        var tight = Run(footprint.Bytes + ModelMemory.OneImageBytes + 50_000_000);
        Assert.Equal(1, tight.Done);
        Assert.Contains(tight.Verbose, v => v.StartsWith("Images in flight are held to", StringComparison.Ordinal) && v.Contains("available beside the model"));
        // Plenty: the usual budget, nothing said.
        var ample = Run(footprint.Bytes + 20_000_000_000);
        Assert.DoesNotContain(ample.Verbose, v => v.StartsWith("Images in flight are held to", StringComparison.Ordinal));
    }

    [Fact]
    public void The_catalog_shows_each_variants_expected_memory_from_its_download_size()
    {
        var entry = ModelCatalog.BuiltIn.Find("RMBG-2.0")!;
        var settings = new EngineSettings();
        var fp32 = ModelMemory.Expected(null, null, entry, entry.FindVariant("fp32"), settings)!;
        var fp16 = ModelMemory.Expected(null, null, entry, entry.FindVariant("fp16"), settings)!;
        var int8 = ModelMemory.Expected(null, null, entry, entry.FindVariant("int8"), settings)!;
        Assert.Equal(ModelFootprint.Estimate(1024331469, "fp32", ModelProfiles.Rmbg2, 1024, 1024), fp32);
        Assert.Equal(2 * 513576499 - 1024331469, fp16.Bytes - fp32.Bytes); // half-precision weights, held as single
        Assert.Equal(366087549 - 1024331469, int8.Bytes - fp32.Bytes);
        Assert.InRange(fp32.Megabytes, 4000, 6000);

        var withoutSize = ModelCatalog.BuiltIn.Find("silueta")!;
        Assert.Null(ModelMemory.Expected(null, null, withoutSize, withoutSize.FindVariant(null), settings));
    }
}
