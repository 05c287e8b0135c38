using System.Diagnostics;

namespace RmbgPS.Engine.Removal;

/// <summary>
/// Where one image's time went, stage by stage, as the batch measured it while it ran (the benchmark reads these
/// rather than timing a copy of the stages). Written by the image's own thread only.
/// </summary>
public sealed class StageTimes
{
    private long lap = Stopwatch.GetTimestamp();

    public TimeSpan Decode { get; private set; }
    /// <summary>Resizing and normalising into the model's tensor.</summary>
    public TimeSpan Prepare { get; private set; }
    /// <summary>Waiting for the model while it ran other images.</summary>
    public TimeSpan ModelWait { get; private set; }
    /// <summary>The model's runs themselves (two with a second look).</summary>
    public TimeSpan ModelRun { get; private set; }
    /// <summary>From the model's output to the shaped alpha mask at full size.</summary>
    public TimeSpan Mask { get; private set; }
    /// <summary>Edge colour, background and crop.</summary>
    public TimeSpan Compose { get; private set; }
    /// <summary>Encoding and the atomic write.</summary>
    public TimeSpan Write { get; private set; }

    /// <summary>Everything but waiting for the model: the image's own work.</summary>
    public TimeSpan Work => Decode + Prepare + ModelRun + Mask + Compose + Write;
    /// <summary>The work outside the model, which a batch overlaps with other images' model runs.</summary>
    public TimeSpan OutsideModel => Work - ModelRun;

    internal void Decoded() => Decode += Lap();
    internal void Prepared() => Prepare += Lap();
    internal void Masked() => Mask += Lap();
    internal void Composed() => Compose += Lap();
    internal void Written() => Write += Lap();

    /// <summary>A model run: its wait and run as the session measured them, the rest of the lap counted as preparing.</summary>
    internal void RanModel(TimeSpan wait, TimeSpan run)
    {
        ModelWait += wait;
        ModelRun += run;
        Prepare += TimeSpan.FromTicks(Math.Max(0, Lap().Ticks - wait.Ticks - run.Ticks));
    }

    private TimeSpan Lap()
    {
        var now = Stopwatch.GetTimestamp();
        var elapsed = Stopwatch.GetElapsedTime(lap, now);
        lap = now;
        return elapsed;
    }
}
