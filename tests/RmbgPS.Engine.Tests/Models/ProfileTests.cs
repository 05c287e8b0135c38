using RmbgPS.Engine.Models;

namespace RmbgPS.Tests;

public class ProfileTests
{
    private static ModelFacts Facts(string path = "/models/model.onnx", string input = "input", Dictionary<string, string>? metadata = null, ModelDescriptor? descriptor = null) =>
        new(path, [input], ["output"], metadata ?? new Dictionary<string, string>(), descriptor);

    [Fact]
    public void Rmbg2_uses_imagenet_mean_and_std_not_minus_one_to_one()
    {
        var p = ModelProfiles.Rmbg2;
        // v=255 in the red channel: (1 - 0.485) / 0.229
        Assert.Equal((1 - 0.485f) / 0.229f, 255 * p.Scale[0] + p.Bias[0], 4);
        Assert.Equal((0 - 0.406f) / 0.225f, 0 * p.Scale[2] + p.Bias[2], 4);
    }

    [Fact]
    public void Isnet_and_rmbg14_centre_on_half()
    {
        Assert.Equal((200 - 128) / 256f, 200 * ModelProfiles.Isnet.Scale[1] + ModelProfiles.Isnet.Bias[1], 5);
        Assert.Equal(200 / 255f - 0.5f, 200 * ModelProfiles.Rmbg14.Scale[1] + ModelProfiles.Rmbg14.Bias[1], 5);
    }

    [Theory]
    [InlineData("pixel_values", "RMBG2")]
    [InlineData("input_image", "BiRefNet")]
    [InlineData("input", "RMBG14")]
    public void Tensor_names_pick_the_profile(string input, string expected) =>
        Assert.Equal(expected, ProfileDetector.Detect(Facts(input: input)).Profile.Name);

    [Fact]
    public void The_descriptor_beats_metadata_which_beats_names()
    {
        var metadata = new Dictionary<string, string> { ["rmbg.profile"] = "BiRefNet" };
        Assert.Equal("BiRefNet", ProfileDetector.Detect(Facts(input: "pixel_values", metadata: metadata)).Profile.Name);
        Assert.Equal("ISNet", ProfileDetector.Detect(Facts(input: "pixel_values", metadata: metadata, descriptor: new ModelDescriptor { Profile = "isnet" })).Profile.Name);
        Assert.Equal("RMBG14", ProfileDetector.Detect(Facts(input: "pixel_values", metadata: metadata), explicitProfile: "RMBG-1.4").Profile.Name);
    }

    [Fact]
    public void U2Net_is_recognised_from_its_graph_whatever_its_name()
    {
        var graph = new ModelFacts("/m/model.onnx", ["input.1"], ["1959", "1960", "1961", "1962", "1963", "1964", "1965"], new Dictionary<string, string>(), null)
        {
            InputDimensions = [1, 3, 320, 320],
        };
        Assert.Equal("U2Net", ProfileDetector.Detect(graph).Profile.Name);
        Assert.Throws<InvalidDataException>(() => ProfileDetector.Detect(graph with { InputDimensions = [1, 3, 512, 512] })); // another graph: no guess
        Assert.Equal("U2Net", ProfileDetector.Detect(Facts(path: "/m/u2net_human_seg.onnx", input: "input.1")).Profile.Name);
        Assert.Equal("U2Net", ProfileDetector.Detect(Facts(path: "/m/silueta.onnx", input: "input.1")).Profile.Name);
        Assert.Same(ModelProfiles.U2Net, ModelProfiles.Find("u2net_human_seg"));
        Assert.Same(ModelProfiles.U2Net, ModelProfiles.Find("U2NetP"));
    }

    [Fact]
    public void U2Net_divides_by_the_pictures_maximum_then_uses_imagenet_mean_and_std()
    {
        var p = ModelProfiles.U2Net;
        Assert.True(p.ScalesByPictureMaximum && p.StretchesOutput);
        float[] planes = [50, 100, 200, 10, 20, 40];
        p.NormaliseByMaximum(planes, planeSize: 2);
        Assert.Equal((50 / 200f - 0.485f) / 0.229f, planes[0], 5);
        Assert.Equal((200 / 200f - 0.456f) / 0.224f, planes[2], 5);
        Assert.Equal((40 / 200f - 0.406f) / 0.225f, planes[5], 5);
    }

    [Fact]
    public void Rembg_s_isnet_models_are_prepared_and_stretched_as_rembg_does()
    {
        // rembg: (x / max - mean) / 1, with mean 0.5 (isnet-general-use) or ImageNet's (isnet-anime); the output min-max stretched.
        float[] planes = [50, 100, 200, 10, 20, 40];
        ModelProfiles.IsnetRembg.NormaliseByMaximum(planes, planeSize: 2);
        Assert.Equal([50 / 200f - 0.5f, 100 / 200f - 0.5f, 200 / 200f - 0.5f, 10 / 200f - 0.5f, 20 / 200f - 0.5f, 40 / 200f - 0.5f], planes, new Tolerance(1e-6f));
        float[] anime = [50, 100, 200, 10, 20, 40];
        ModelProfiles.IsnetAnime.NormaliseByMaximum(anime, planeSize: 2);
        Assert.Equal(50 / 200f - 0.485f, anime[0], 6);
        Assert.Equal(200 / 200f - 0.456f, anime[2], 6);
        Assert.Equal(40 / 200f - 0.406f, anime[5], 6);
        Assert.All(new[] { ModelProfiles.IsnetRembg, ModelProfiles.IsnetAnime }, p => Assert.True(p.ScalesByPictureMaximum && p.StretchesOutput && p.InputSize == 1024));
        Assert.Same(ModelProfiles.IsnetRembg, ModelProfiles.Find("isnet-general-use"));
        Assert.Same(ModelProfiles.IsnetAnime, ModelProfiles.Find("ISNet-Anime"));
        Assert.Equal("ISNetRembg", ProfileDetector.Detect(Facts(path: "/m/isnet-general-use.onnx")).Profile.Name);
        Assert.Equal("ISNetAnime", ProfileDetector.Detect(Facts(path: "/m/isnet_anime.onnx")).Profile.Name);
    }

    private sealed class Tolerance(float within) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= within;
        public int GetHashCode(float value) => 0;
    }

    [Fact]
    public void The_file_name_decides_between_isnet_and_rmbg14()
    {
        Assert.Equal("ISNet", ProfileDetector.Detect(Facts(path: "/m/isnet-imgly-medium.onnx")).Profile.Name);
        Assert.Equal("BiRefNet", ProfileDetector.Detect(Facts(path: "/m/BiRefNet-general-epoch_244.onnx")).Profile.Name);
    }

    [Fact]
    public void An_unknown_model_says_how_to_name_its_profile()
    {
        var e = Assert.Throws<InvalidDataException>(() => ProfileDetector.Detect(Facts(path: "/m/mystery.onnx", input: "x")));
        Assert.Contains("/m/mystery.json", e.Message);
        Assert.Contains("RMBG2", e.Message);
    }

    [Fact]
    public void An_unknown_profile_name_lists_the_known_ones()
    {
        var e = Assert.Throws<InvalidDataException>(() => ProfileDetector.Detect(Facts(descriptor: new ModelDescriptor { Profile = "deeplab" })));
        Assert.Contains("U2Net", e.Message);
        Assert.Contains("BiRefNet", e.Message);
    }
}
