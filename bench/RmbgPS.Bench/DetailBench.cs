using System.Diagnostics;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Removal;
using RmbgPS.Tests;
using SkiaSharp;

namespace RmbgPS.Bench;

/// <summary>
/// What the second look (-Detail High) does to a large photo's edges (the "detail" mode), on a composite whose alpha is
/// known: a person (scikit-image's astronaut, its alpha the model's own mask of the original, upscaled) with 300
/// antialiased strands of 1.5 to 3 px drawn out from the head and shoulders, over another real photo (coffee),
/// at 12 and 24 MP, deterministic. Errors are measured in the band where the true alpha is soft or changes (levels of
/// 255): the mean absolute alpha error, and the mean absolute error of the alpha's gradient (how sharp the strands are).
/// </summary>
internal static class DetailBench
{
    public static int Run(BenchOptions options)
    {
        var engine = RmbgEngine.Shared;
        engine.Configure(new EngineSettings { Device = ExecutionDevice.Cpu });
        using var lease = engine.Acquire(ModelLocator.Locate(options.Model, null));
        var session = lease.Session;
        var subject = BackgroundRemoval.ComputeMask(session, ImageDecoder.Decode(TestAssets.Photo("astronaut.png")), MaskOptions.Default, CancellationToken.None);
        Console.WriteLine($"## The second look (-Detail High) against one look, the model at {session.InputWidth}x{session.InputHeight}, alpha errors in levels");
        foreach (var (width, height) in new[] { (4243, 2828), (6000, 4000) })
        {
            var (image, truth, band) = Composite(subject, width, height);
            var results = new List<string>();
            foreach (var detail in new[] { MaskDetail.Standard, MaskDetail.High })
            {
                var clock = Stopwatch.StartNew();
                var notes = new List<string>();
                var mask = BackgroundRemoval.ComputeMask(session, image, MaskOptions.Default, detail, notes, new StageTimes(), CancellationToken.None);
                var ms = clock.Elapsed.TotalMilliseconds;
                var (error, gradient) = Errors(mask.Values, truth, band, width);
                results.Add($"{detail}: band {error:0.00}, gradient {gradient:0.00}, {ms:0} ms{string.Concat(notes.Select(n => $" ({n})"))}");
            }
            Console.WriteLine($"{width * (double)height / 1e6:0} MP {width}x{height} ({band.Count(b => b):N0} band pixels): {string.Join("; ", results)}");
        }
        return 0;
    }

    private static (RgbaImage Image, byte[] Truth, bool[] Band) Composite(AlphaMask subject, int width, int height)
    {
        // The person stands in the lower middle of the frame, 60% of its height, as in a portrait with room around it.
        var scale = 0.6 * height / subject.Height;
        var (personWidth, personHeight) = ((int)(subject.Width * scale), (int)(subject.Height * scale));
        var (left, top) = ((width - personWidth) / 2, height - personHeight);
        using var person = Scaled(TestAssets.Photo("astronaut.png"), personWidth, personHeight);
        using var background = Scaled(TestAssets.Photo("coffee.png"), width, height);
        using var alpha = new SKBitmap(new SKImageInfo(width, height, SKColorType.Alpha8, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(alpha))
        {
            canvas.Clear(SKColors.Transparent);
            using var mask = SKImage.FromPixelCopy(new SKImageInfo(subject.Width, subject.Height, SKColorType.Alpha8, SKAlphaType.Premul), subject.Values);
            canvas.DrawImage(mask, new SKRect(left, top, left + personWidth, height), new SKSamplingOptions(SKCubicResampler.Mitchell));
            var random = new Random(12345);
            using var strand = new SKPaint { IsAntialias = true, Color = SKColors.Black, Style = SKPaintStyle.Stroke, StrokeCap = SKStrokeCap.Round };
            for (var k = 0; k < 300; k++)
            {
                // From a point on the subject's upper edge, outwards and upwards, 1.5 to 3 px wide, 40 to 200 px long (at 12 MP).
                var x = (float)(left + personWidth * (0.25 + 0.5 * random.NextDouble()));
                var y = (float)(top + personHeight * (0.05 + 0.35 * random.NextDouble()));
                var angle = -Math.PI / 2 + (random.NextDouble() - 0.5) * 2.4;
                var length = (float)((40 + 160 * random.NextDouble()) * height / 2828.0);
                strand.StrokeWidth = (float)((1.5 + 1.5 * random.NextDouble()) * height / 2828.0);
                canvas.DrawLine(x, y, x + length * (float)Math.Cos(angle), y + length * (float)Math.Sin(angle), strand);
            }
        }
        var truth = alpha.Bytes;
        var pixels = new byte[width * height * 4];
        var (f, b) = (person.Bytes, background.Bytes); // RGBA8888
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var i = y * width + x;
                var a = truth[i] / 255f;
                for (var c = 0; c < 3; c++)
                {
                    var (px, py) = (x - left, y - top);
                    var fg = px >= 0 && px < personWidth && py >= 0 ? f[(py * personWidth + px) * 4 + c] : (byte)40; // strands past the person are dark hair
                    pixels[i * 4 + c] = (byte)(a * fg + (1 - a) * b[i * 4 + c] + 0.5f);
                }
                pixels[i * 4 + 3] = 255;
            }
        // The band: where the true alpha, blurred by 3 px, is neither 0 nor 255 (edges and strands with a little room).
        var blurred = (byte[])truth.Clone();
        MaskFilters.GaussianBlur(blurred, width, height, 3);
        return (new RgbaImage(width, height, pixels, false), truth, blurred.Select(v => v is > 2 and < 253).ToArray());
    }

    private static SKBitmap Scaled(string path, int width, int height)
    {
        using var source = SKBitmap.Decode(path);
        return source.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKCubicResampler.Mitchell));
    }

    private static (double Error, double Gradient) Errors(byte[] estimate, byte[] truth, bool[] band, int width)
    {
        double error = 0, gradient = 0;
        long count = 0;
        for (var i = width + 1; i < truth.Length; i++)
        {
            if (!band[i])
                continue;
            error += Math.Abs(estimate[i] - truth[i]);
            double Gradient(byte[] a) => Math.Sqrt(Math.Pow(a[i] - a[i - 1], 2) + Math.Pow(a[i] - a[i - width], 2));
            gradient += Math.Abs(Gradient(estimate) - Gradient(truth));
            count++;
        }
        return (error / count, gradient / count);
    }
}
