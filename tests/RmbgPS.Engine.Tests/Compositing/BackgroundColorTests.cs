using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Masks;

namespace RmbgPS.Tests.Compositing;

/// <summary>Background colours from names and hex, and what a bad one says.</summary>
public sealed class BackgroundColorTests
{
    [Theory]
    [InlineData("white", 255, 255, 255, 255)]
    [InlineData("Transparent", 255, 255, 255, 0)]
    [InlineData("#00b140", 0, 0xb1, 0x40, 255)]
    [InlineData("#abc", 0xaa, 0xbb, 0xcc, 255)]
    [InlineData("#11223344", 0x11, 0x22, 0x33, 0x44)]
    public void Colours_parse_from_names_and_hex(string text, byte r, byte g, byte b, byte a)
    {
        var colour = BackgroundColor.Parse(text);
        Assert.Equal((r, g, b, a), (colour.R, colour.G, colour.B, colour.A));
    }

    [Fact]
    public void A_bad_colour_says_what_is_accepted()
    {
        Assert.Contains("#rrggbb", Assert.Throws<FormatException>(() => BackgroundColor.Parse("#12345")).Message);
        Assert.False(BackgroundColor.TryParse("# 12345", out _));
    }
}
