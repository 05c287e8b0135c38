using RmbgPS.Tests.Onnx;
using RmbgPS.Engine.Models;

namespace RmbgPS.Tests;

/// <summary>What a model file says of itself, read without ONNX Runtime, against what ONNX Runtime reads.</summary>
public sealed class OnnxHeaderTests
{
    public static TheoryData<string> RealModels => [TestAssets.IsnetModelPath, TestAssets.U2netpModelPath];

    [Theory]
    [MemberData(nameof(RealModels))]
    public void A_real_models_names_shape_and_metadata_are_those_ONNX_Runtime_reads(string path)
    {
        var read = OnnxHeader.TryRead(path)!;
        var runtime = ModelProbe.Read(path);
        Assert.Equal(runtime.InputNames, read.InputNames);
        Assert.Equal(runtime.OutputNames, read.OutputNames);
        Assert.Equal(runtime.InputDimensions, read.InputDimensions);
        Assert.Equal(runtime.Metadata.OrderBy(p => p.Key), read.Metadata.OrderBy(p => p.Key));
    }

    [Fact]
    public void Free_axes_and_metadata_of_an_export_are_read()
    {
        using var folder = new TempFolder();
        var spec = SyntheticModels.BiRefNetLogits(64);
        spec.DynamicSpatial = true;
        spec.Metadata["rmbg.resolution"] = "768";
        var path = SyntheticModel.Write(folder.File("free.onnx"), spec);
        var read = OnnxHeader.TryRead(path)!;
        Assert.Equal(["input_image"], read.InputNames);
        Assert.Equal(ModelProbe.Read(path).InputDimensions, read.InputDimensions);
        Assert.True(read.InputDimensions[2] <= 0 && read.InputDimensions[3] <= 0, string.Join(",", read.InputDimensions));
        Assert.Equal("768", read.Metadata["rmbg.resolution"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a model at all, just text")]
    public void A_file_that_is_not_a_model_reads_as_nothing(string content)
    {
        using var folder = new TempFolder();
        var path = folder.File("bad.onnx");
        File.WriteAllText(path, content);
        Assert.Null(OnnxHeader.TryRead(path));
    }
}
