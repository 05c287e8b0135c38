using RmbgPS.Engine.Downloads;

namespace RmbgPS.Tests.Downloads;

/// <summary>What downloads show and how they wait: no secrets in messages or requests, back-off by doubling.</summary>
public sealed class DownloadPolicyTests
{
    [Fact]
    public void Messages_show_urls_without_user_info_or_query()
    {
        Assert.Equal("https://cdn.example.com/a/model.onnx", SourcePolicy.Describe(new Uri("https://user:pw@cdn.example.com/a/model.onnx?X-Amz-Signature=secret")));
    }


    [Fact]
    public void A_request_never_prints_its_token()
    {
        var request = new DownloadRequest(new Uri("https://huggingface.co/x/resolve/main/model.onnx"), "/tmp/model.onnx") { Token = "hf_PrintMe" };
        Assert.DoesNotContain("hf_PrintMe", request.ToString());
        Assert.Contains("(hidden)", request.ToString());
    }

    [Theory]
    [InlineData(2, 0, 2)]
    [InlineData(2, 3, 16)]
    [InlineData(2, 10, 60)]
    [InlineData(600, 25, 600)]
    [InlineData(0, 5, 0)]
    public void Retries_back_off_by_doubling_up_to_a_cap(double first, int attempt, double expected) =>
        Assert.Equal(expected, ModelDownloader.RetryDelay(new DownloadOptions { RetryDelay = TimeSpan.FromSeconds(first) }, attempt).TotalSeconds);
}
