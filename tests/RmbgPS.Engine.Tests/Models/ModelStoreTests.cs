using RmbgPS.Engine.Models;
using RmbgPS.Engine.Models.Catalog;
using RmbgPS.Engine.Models.Store;

namespace RmbgPS.Tests;

public sealed class ModelStoreTests : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly ModelStore store;
    private readonly EnvironmentScope environment = new(ModelLocator.ModelVariable);

    public ModelStoreTests()
    {
        store = new ModelStore(folder.Path);
        Environment.SetEnvironmentVariable(ModelLocator.ModelVariable, null);
    }

    public void Dispose()
    {
        environment.Dispose();
        folder.Dispose();
    }

    private string Put(string name, string variant, int daysAgo = 0)
    {
        var path = store.PathFor(name, variant);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "x");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddDays(-daysAgo));
        return path;
    }

    [Fact]
    public void References_are_names_with_an_optional_variant_and_never_paths()
    {
        Assert.True(ModelReference.TryParse("RMBG-2.0:fp16", out var r));
        Assert.Equal(new ModelReference("RMBG-2.0", "fp16"), r);
        Assert.True(ModelReference.TryParse("BiRefNet-lite", out r));
        Assert.Null(r.Variant);
        Assert.True(ModelReference.TryParse("legacy.onnx", out r));
        Assert.Equal("legacy", r.Name);
        foreach (var notAName in new[] { "C:\\models\\x.onnx", "/models/x.onnx", "models/x", ":fp16", "x:", "..", "" })
            Assert.False(ModelReference.TryParse(notAName, out _), notAName);

        // A variant given apart (-Variant) counts when the text names none; the cmdlets' wildcards split the same way.
        Assert.True(ModelReference.TryParse("RMBG-2.0", "fp16", out r));
        Assert.Equal(new ModelReference("RMBG-2.0", "fp16"), r);
        Assert.True(ModelReference.TryParse("RMBG-2.0:int8", "fp16", out r));
        Assert.Equal("int8", r.Variant);
        Assert.False(ModelReference.TryParse("RMBG-2.0", "../fp16", out _));
        Assert.Equal(new ModelReference("RMBG*", "fp16"), ModelReference.Split("RMBG*:fp16"));
        Assert.Equal(new ModelReference("RMBG*", "fp16"), ModelReference.Split("RMBG*", "fp16"));
        Assert.Null(ModelReference.Split("x:"));
    }

    [Fact]
    public void A_name_picks_the_catalog_default_then_the_best_precision_and_matches_any_case()
    {
        var fp16 = Put("Model-A", "fp16");
        var int8 = Put("Model-A", "int8");
        Assert.Equal(fp16, store.Find(new ModelReference("model-a", null))!.Path);
        Assert.Equal(int8, store.Find(new ModelReference("model-a", null), preferredVariant: "INT8")!.Path);
        Assert.Equal(int8, store.Find(new ModelReference("MODEL-A", "int8"))!.Path);
        Assert.Null(store.Find(new ModelReference("model-a", "fp32")));
        var fp32 = Put("Model-A", "fp32");
        Assert.Equal(fp32, store.Find(new ModelReference("model-a", null))!.Path);
    }

    [Fact]
    public void Unfinished_downloads_are_not_listed()
    {
        Put("done", "fp32");
        Directory.CreateDirectory(Path.Combine(folder.Path, "pending"));
        File.WriteAllText(Path.Combine(folder.Path, "pending", "fp32.onnx.partial"), "half");
        File.WriteAllText(Path.Combine(folder.Path, "pending", "fp32.onnx.partial.json"), "{}");
        Assert.Equal(["done:fp32"], store.List().Select(m => m.ToString()));
    }

    [Fact]
    public void The_users_default_is_kept_in_the_store_and_comes_after_the_environment()
    {
        var older = Put("older", "fp32", daysAgo: 3);
        var newer = Put("newer", "fp32", daysAgo: 1);
        Assert.Equal(newer, ModelLocator.Locate(null, null, store).Path);
        Assert.Contains("most recently installed", ModelLocator.Locate(null, null, store).ChosenBy);

        store.DefaultModel = "older";
        Assert.Equal("older", new ModelStore(folder.Path).DefaultModel);
        Assert.True(File.Exists(Path.Combine(folder.Path, ModelStore.SettingsFileName)));
        Assert.Equal(older, ModelLocator.Locate(null, null, store).Path);
        Assert.Contains("Set-RmbgDefaultModel", ModelLocator.Locate(null, null, store).ChosenBy);

        Environment.SetEnvironmentVariable(ModelLocator.ModelVariable, "newer:fp32");
        Assert.Equal(newer, ModelLocator.Locate(null, null, store).Path);
        Assert.Equal(older, ModelLocator.Locate(null, "older", store).Path);
    }

    [Fact]
    public void A_default_that_was_removed_falls_back_and_says_so_when_nothing_is_left()
    {
        store.DefaultModel = "gone:fp32";
        var e = Assert.Throws<ModelNotFoundException>(() => ModelLocator.Locate(null, null, store));
        Assert.Contains("gone:fp32", e.Message);
        Assert.Contains("Install-RmbgModel", e.Message);
    }

    [Fact]
    public void Removing_a_model_deletes_its_files_and_its_empty_folder()
    {
        var keep = Put("twice", "fp16");
        var path = Put("twice", "fp32");
        new ModelDescriptor { Name = "twice", Variant = "fp32" }.WriteFor(path);
        File.WriteAllText(path + ".partial", "leftover");
        store.Remove(store.Find(new ModelReference("twice", "fp32"))!);
        Assert.Equal([keep], Directory.GetFiles(Path.GetDirectoryName(path)!));
        store.Remove(store.Find(new ModelReference("twice", "fp16"))!);
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
        Assert.True(Directory.Exists(folder.Path));
    }

    [Fact]
    public void Removing_the_last_variant_a_default_finds_clears_the_default_and_says_which()
    {
        Put("twice", "fp16");
        Put("twice", "fp32");
        store.DefaultModel = "twice";
        Assert.Null(store.Remove(store.Find(new ModelReference("twice", "fp32"))!)); // "twice" still finds fp16
        Assert.Equal("twice", store.DefaultModel);
        Assert.Equal("twice", store.Remove(store.Find(new ModelReference("twice", "fp16"))!));
        Assert.Null(store.DefaultModel);
    }

    [Fact]
    public void The_store_catalog_is_consulted_for_the_preferred_variant()
    {
        Put("RMBG-2.0", "fp16");
        var fp32 = Put("RMBG-2.0", "fp32");
        Assert.Equal("fp32", ModelCatalog.BuiltIn.Find("RMBG-2.0")!.DefaultVariant);
        Assert.Equal(fp32, ModelLocator.Locate("rmbg-2.0", null, store).Path);
    }
}
