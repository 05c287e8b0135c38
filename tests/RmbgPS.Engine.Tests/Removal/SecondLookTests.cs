using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Removal;
using Xunit.Abstractions;

namespace RmbgPS.Tests;

/// <summary>
/// The second look (-Detail High) on a synthetic model whose mask is exactly the red channel at its own resolution: a
/// small subject with one-pixel strands in a large picture, where the whole picture's run blurs the strands away.
/// </summary>
public sealed class SecondLookTests(ITestOutputHelper output) : IDisposable
{
    private readonly SyntheticSessions sessions = new();

    public void Dispose() => sessions.Dispose();

    /// <summary>
    /// A 2400x1800 picture: a red disk of radius 120 at (700, 600) with twelve 1-px red strands 100 px long around it,
    /// and far from it a faint red square (alpha 100: under the subject's half-alpha box) that only the first look covers.
    /// </summary>
    private static (RgbaImage Image, byte[] Truth) Strands()
    {
        const int W = 2400, H = 1800, Cx = 700, Cy = 600, R = 120;
        var pixels = new byte[W * H * 4];
        var truth = new byte[W * H];
        for (var i = 0; i < W * H; i++)
            pixels[i * 4 + 3] = 255;
        void Red(int x, int y)
        {
            truth[y * W + x] = 255;
            pixels[(y * W + x) * 4] = 255;
        }
        for (var y = Cy - R; y <= Cy + R; y++)
            for (var x = Cx - R; x <= Cx + R; x++)
                if ((x - Cx) * (x - Cx) + (y - Cy) * (y - Cy) <= R * R)
                    Red(x, y);
        for (var k = 0; k < 12; k++)
        {
            var angle = k * Math.PI / 6;
            for (var t = R; t < R + 100; t++)
                Red(Cx + (int)Math.Round(t * Math.Cos(angle)), Cy + (int)Math.Round(t * Math.Sin(angle)));
        }
        for (var y = 1400; y < 1600; y++)
            for (var x = 1900; x < 2200; x++)
                pixels[(y * W + x) * 4] = 100;
        return (new RgbaImage(W, H, pixels, false), truth);
    }

    private static double StrandError(byte[] mask, byte[] truth)
    {
        // Mean error over the ring where the strands are (from the disk's edge out to their tips and a little beyond).
        double sum = 0;
        var count = 0;
        for (var y = 440; y < 760; y++)
            for (var x = 540; x < 860; x++)
            {
                var d = Math.Sqrt((x - 700.0) * (x - 700.0) + (y - 600.0) * (y - 600.0));
                if (d < 125 || d > 225)
                    continue;
                sum += Math.Abs(mask[y * 2400 + x] - truth[y * 2400 + x]);
                count++;
            }
        return sum / count;
    }

    [Fact]
    public void A_second_look_at_the_subject_sees_the_strands_the_whole_picture_blurs()
    {
        var session = sessions.Open(SyntheticModels.IsnetRed(256));
        var (image, truth) = Strands();
        var notes = new List<string>();
        var one = BackgroundRemoval.ComputeMask(session, image, MaskOptions.Default, MaskDetail.Standard, notes, new StageTimes(), CancellationToken.None);
        Assert.Empty(notes);
        var model = new StageTimes();
        var two = BackgroundRemoval.ComputeMask(session, image, MaskOptions.Default, MaskDetail.High, notes, model, CancellationToken.None);
        var (oneError, twoError) = (StrandError(one.Values, truth), StrandError(two.Values, truth));
        output.WriteLine($"strand ring error: one look {oneError:0.00} levels, second look {twoError:0.00}; {notes.Single()}");

        Assert.True(twoError < oneError * 0.6, $"second look {twoError:0.00} vs one {oneError:0.00}");
        Assert.StartsWith("second look at the subject's box", notes.Single());
        Assert.Equal(2, session.RunStatistics.Count - 1); // one run for the first mask above, two for the second look
        Assert.True(model.ModelRun > TimeSpan.Zero);
        // Far from the subject the first look stands, pixel for pixel.
        for (var y = 1380; y < 1620; y++)
            for (var x = 1880; x < 2220; x++)
                Assert.Equal(one[x, y], two[x, y]);
        Assert.InRange(two[2000, 1500], 90, 110);
        // Shaping comes after the merge: a threshold gives a hard mask over both looks.
        var hard = BackgroundRemoval.ComputeMask(session, image, MaskOptions.Default with { Threshold = 0.5f }, MaskDetail.High, [], new StageTimes(), CancellationToken.None);
        Assert.All(hard.Values, a => Assert.True(a is 0 or 255));
    }

    [Fact]
    public void The_second_mask_replaces_the_first_inside_the_box_with_a_ramp_at_inner_edges_only()
    {
        const int W = 100, H = 80;
        var first = new byte[W * H];
        var second = Enumerable.Repeat((byte)200, 60 * 80).ToArray();
        var box = new MaskBounds(40, 0, 60, 80); // touches the top, bottom and right edges of the picture
        SecondLook.Merge(first, W, H, second, box);
        Assert.Equal(0, first[10 * W + 39]);     // outside the box
        Assert.Equal(0, first[10 * W + 40]);     // at its inner (left) edge: all first
        Assert.Equal(100, first[10 * W + 48]);   // half way along the 16-px ramp
        Assert.Equal(200, first[10 * W + 56]);   // past the ramp: all second
        Assert.Equal(200, first[0 * W + 99]);    // at the picture's own corner: nothing to blend with
    }

    [Fact]
    public void A_subject_that_fills_the_picture_or_a_picture_the_model_sees_whole_gets_no_second_run()
    {
        var session = sessions.Open(SyntheticModels.IsnetRed(64));
        var notes = new List<string>();
        BackgroundRemoval.ComputeMask(session, TestImages.RedSquare(400, 300, 10, 10, 380, 280), MaskOptions.Default, MaskDetail.High, notes, new StageTimes(), CancellationToken.None);
        Assert.StartsWith("no second look: the subject's box", notes.Single());
        notes.Clear();
        BackgroundRemoval.ComputeMask(session, TestImages.RedSquare(60, 40, 20, 10, 10, 10), MaskOptions.Default, MaskDetail.High, notes, new StageTimes(), CancellationToken.None);
        Assert.Equal("no second look: the model already sees the whole 60x40 picture at full resolution", notes.Single());
        Assert.Equal(2, session.RunStatistics.Count); // one run each
    }
}
