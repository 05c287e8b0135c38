using RmbgPS.Engine.Compositing;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Masks;

namespace RmbgPS.Tests.Compositing;

/// <summary>Cut-outs: hidden colour, backgrounds (colour, picture, both), crop and padding.</summary>
public sealed class CutoutTests
{
    [Fact]
    public void Hidden_colour_is_cleared_only_where_alpha_is_zero_across_vector_blocks_and_the_tail()
    {
        var count = 37; // not a multiple of any vector width: the scalar tail runs too
        var rgba = new byte[count * 4];
        for (var i = 0; i < count; i++)
            (rgba[i * 4], rgba[i * 4 + 1], rgba[i * 4 + 2], rgba[i * 4 + 3]) = (10, 20, 30, (byte)(i % 3 == 0 ? 0 : i % 3 == 1 ? 1 : 255));
        Cutout.ClearHiddenColour(rgba);
        for (var i = 0; i < count; i++)
            Assert.Equal(i % 3 == 0 ? new byte[] { 0, 0, 0, 0 } : new byte[] { 10, 20, 30, rgba[i * 4 + 3] }, rgba[(i * 4)..(i * 4 + 4)]);
    }


    [Fact]
    public void Over_a_colour_mixes_by_alpha_and_a_translucent_colour_keeps_some_transparency()
    {
        var cut = new RgbaImage(2, 1, [200, 0, 0, 128, 10, 20, 30, 0], hasTransparency: true);
        var onWhite = Backgrounds.OverColour(new RgbaImage(2, 1, (byte[])cut.Pixels.Clone(), true), BackgroundColor.Parse("white"));
        Assert.Equal([227, 127, 127, 255, 255, 255, 255, 255], onWhite.Pixels);
        Assert.False(onWhite.HasTransparency);

        var translucent = Backgrounds.OverColour(new RgbaImage(2, 1, (byte[])cut.Pixels.Clone(), true), BackgroundColor.Parse("#0000ff80"));
        Assert.Equal([0, 0, 255], translucent.Pixels[4..7]); // the background alone where the cut-out was clear
        Assert.InRange(translucent.Pixels[7], 127, 129);
        Assert.InRange(translucent.Pixels[3], 190, 193); // 0.5 + 0.5 * 0.5
        Assert.InRange(translucent.Pixels[0], 131, 136); // 200 * 0.5 / 0.75
        Assert.InRange(translucent.Pixels[2], 82, 87);   // 255 * 0.25 / 0.75
        Assert.True(translucent.HasTransparency);
    }

    [Fact]
    public void A_background_picture_is_scaled_to_cover_and_centred()
    {
        // 100x50: left half red, right half blue; onto a 50x50 cut-out that is fully transparent.
        var pixels = new byte[100 * 50 * 4];
        for (var y = 0; y < 50; y++)
            for (var x = 0; x < 100; x++)
            {
                var i = (y * 100 + x) * 4;
                pixels[i + (x < 50 ? 0 : 2)] = 255;
                pixels[i + 3] = 255;
            }
        var picture = new RgbaImage(100, 50, pixels, hasTransparency: false);
        var background = new BackgroundPicture(picture);
        var result = Backgrounds.OverPicture(new RgbaImage(50, 50, new byte[50 * 50 * 4], true), background);
        Assert.Same(background.CoverFor(50, 50), background.CoverFor(50, 50)); // scaled once per size
        // Scale 1 (height already covers): the centre 50 columns are 25..74 of the picture.
        Assert.Equal(255, result.Pixels[(25 * 50 + 5) * 4]);      // left: red
        Assert.Equal(255, result.Pixels[(25 * 50 + 45) * 4 + 2]); // right: blue
        Assert.False(result.HasTransparency);
    }

    [Fact]
    public void Crop_keeps_the_soft_edge_beyond_the_half_alpha_box()
    {
        const int w = 200, h = 200;
        var values = new byte[w * h];
        for (var y = 50; y < 150; y++)
            for (var x = 50; x < 150; x++)
                values[y * w + x] = 255;
        MaskFilters.GaussianBlur(values, w, h, sigma: 10);
        var mask = new AlphaMask(w, h, values);
        var image = TestImages.RedSquare(w, h, 0, 0, w, h);
        var cut = Cutout.Compose(image, mask, new CutoutOptions { Crop = true, Foreground = null });

        Assert.True(cut.Width > mask.Bounds!.Value.Width + 20, $"crop {cut.Width} px vs the half-alpha box {mask.Bounds.Value.Width} px");
        Assert.Equal((cut.Width, cut.Height), Cutout.OutputSize(mask, new CutoutOptions { Crop = true }));
        var border = Enumerable.Range(0, cut.Width).Select(x => cut.Pixels[(cut.Height / 2 * cut.Width + x) * 4 + 3]).ToArray();
        Assert.InRange(border[0], AlphaMask.VisibleAlpha, 20); // the crop ends where the ramp has faded, not at half alpha
        Assert.InRange(border[^1], AlphaMask.VisibleAlpha, 20);
    }

    [Fact]
    public void A_picture_goes_over_the_colour_so_the_colour_fills_what_the_picture_leaves_clear()
    {
        var clearPicture = new BackgroundPicture(new RgbaImage(4, 4, new byte[4 * 4 * 4], hasTransparency: true));
        var options = new CutoutOptions { BackgroundPicture = clearPicture, BackgroundColor = BackgroundColor.Parse("white") };
        Assert.True(options.HasOpaqueBackground);
        var image = new RgbaImage(4, 4, new byte[4 * 4 * 4], hasTransparency: false);
        var cut = Cutout.Compose(image, new AlphaMask(4, 4, new byte[16]), options);
        Assert.False(cut.HasTransparency);
        Assert.All(Enumerable.Range(0, 16), i => Assert.Equal([255, 255, 255, 255], cut.Pixels[(i * 4)..(i * 4 + 4)]));
    }

    [Fact]
    public void Crop_leaves_out_the_faint_haze_far_from_the_subject()
    {
        // The chelsea case: a model's faint alpha (here 12 of 255) reaches every edge of the frame, so the box of every
        // visible pixel was the whole picture and -Crop -Padding 20 made it larger.
        const int w = 451, h = 300;
        var values = new byte[w * h];
        Array.Fill(values, (byte)12);
        for (var y = 100; y < 200; y++)
            for (var x = 150; x < 300; x++)
                values[y * w + x] = 255;
        for (var x = 120; x < 150; x++) // a soft edge on the left, within reach of the subject
            values[150 * w + x] = 40;
        var mask = new AlphaMask(w, h, values);

        var reach = AlphaMask.SubjectReach(mask.Bounds!.Value);
        Assert.Equal(new MaskBounds(150 - reach, 100 - reach, 150 + 2 * reach, 100 + 2 * reach), mask.CropBounds);
        values = new byte[w * h];
        for (var y = 100; y < 200; y++)
            for (var x = 150; x < 300; x++)
                values[y * w + x] = 255;
        for (var x = 120; x < 150; x++)
            values[150 * w + x] = 40;
        mask = new AlphaMask(w, h, values);
        Assert.Equal(new MaskBounds(120, 100, 180, 100), mask.CropBounds); // the soft edge is in, nothing else
        Assert.Equal((220, 140), Cutout.OutputSize(mask, new CutoutOptions { Crop = true, Padding = 20 }));
    }

    [Fact]
    public void Padding_stops_at_the_frame_unless_asked_to_go_beyond()
    {
        var mask = new AlphaMask(20, 10, TestImages.RedSquare(20, 10, 2, 3, 4, 5).Pixels.Where((_, i) => i % 4 == 0).ToArray());
        Assert.Equal(new MaskBounds(2, 3, 4, 5), mask.CropBounds);
        Assert.Equal(new MaskBounds(0, 0, 10, 10), Cutout.CropBox(mask, new CutoutOptions { Crop = true, Padding = 4 }));
        Assert.Equal(new MaskBounds(-2, -1, 12, 13), Cutout.CropBox(mask, new CutoutOptions { Crop = true, Padding = 4, PadBeyondFrame = true }));
        Assert.Null(Cutout.CropBox(mask, new CutoutOptions { Padding = 4 }));
        Assert.Null(Cutout.CropBox(new AlphaMask(20, 10, new byte[200]), new CutoutOptions { Crop = true }));
    }

    [Fact]
    public void Crop_beyond_the_frame_is_transparent_there()
    {
        var image = TestImages.RedSquare(20, 10, 2, 3, 4, 5);
        var cropped = Cutout.Crop(image, new MaskBounds(-2, -1, 12, 13));
        Assert.Equal((12, 13), (cropped.Width, cropped.Height));
        Assert.Equal(0, cropped.Pixels[3]);                       // (0,0) lies outside the frame: transparent
        Assert.Equal(255, cropped.Pixels[(4 * 12 + 4) * 4]);      // the subject's first pixel, red
        Assert.Equal(255, cropped.Pixels[(4 * 12 + 4) * 4 + 3]);
    }
}
