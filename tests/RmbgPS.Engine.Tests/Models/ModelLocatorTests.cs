using RmbgPS.Engine.Models;

namespace RmbgPS.Tests;

public sealed class ModelLocatorTests : IDisposable
{
    private readonly TempFolder store = new();
    private readonly EnvironmentScope environment = new(ModelLocator.StoreVariable, ModelLocator.ModelVariable);

    public ModelLocatorTests()
    {
        Environment.SetEnvironmentVariable(ModelLocator.StoreVariable, store.Path);
        Environment.SetEnvironmentVariable(ModelLocator.ModelVariable, null);
    }

    public void Dispose()
    {
        environment.Dispose();
        store.Dispose();
    }

    private string Touch(string relative, DateTime? time = null)
    {
        var path = Path.Combine(store.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "x");
        File.SetLastWriteTimeUtc(path, time ?? DateTime.UtcNow);
        return path;
    }

    [Fact]
    public void Explicit_beats_configured_beats_environment_beats_store()
    {
        var a = Touch("a.onnx");
        var b = Touch("b.onnx");
        var c = Touch("c.onnx");
        Environment.SetEnvironmentVariable(ModelLocator.ModelVariable, c);

        Assert.Equal(a, ModelLocator.Locate(a, b).Path);
        Assert.Equal(b, ModelLocator.Locate(null, b).Path);
        Assert.Equal(c, ModelLocator.Locate(null, null).Path);
        Assert.Equal("$env:RMBG_MODEL", ModelLocator.Locate(null, null).ChosenBy);
    }

    [Fact]
    public void Without_settings_the_newest_model_in_the_store_is_used()
    {
        Touch("old.onnx", DateTime.UtcNow.AddDays(-2));
        var newest = Touch("new.onnx", DateTime.UtcNow.AddDays(-1));
        Touch("notes.txt");
        Assert.Equal(newest, ModelLocator.Locate(null, null).Path);
    }

    [Fact]
    public void A_name_is_looked_up_in_the_store()
    {
        var flat = Touch("RMBG-1.4.onnx");
        var nested = Touch(Path.Combine("BiRefNet", "model_fp16.onnx"));
        Assert.Equal(flat, ModelLocator.Locate("RMBG-1.4", null).Path);
        Assert.Equal(nested, ModelLocator.Locate("BiRefNet", null).Path);
    }

    [Fact]
    public void With_no_model_anywhere_the_error_says_where_it_looked_and_what_to_do()
    {
        var e = Assert.Throws<ModelNotFoundException>(() => ModelLocator.Locate(null, null));
        Assert.Contains(store.Path, e.Message);
        Assert.Contains("RMBG_MODEL", e.Message);
        Assert.Contains("-Model", e.Message);
    }

    [Fact]
    public void A_missing_explicit_model_is_named_in_the_error()
    {
        var e = Assert.Throws<ModelNotFoundException>(() => ModelLocator.Locate("/nowhere/x.onnx", null));
        Assert.Contains("/nowhere/x.onnx", e.Message);
    }

    [Fact]
    public void The_default_store_is_a_per_user_cache_folder()
    {
        Environment.SetEnvironmentVariable(ModelLocator.StoreVariable, null);
        var folder = ModelLocator.StoreFolder;
        Assert.EndsWith(Path.Combine("RmbgPS", "models"), folder);
        Assert.StartsWith(OperatingSystem.IsWindows()
            ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
            : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), folder);
    }
}
