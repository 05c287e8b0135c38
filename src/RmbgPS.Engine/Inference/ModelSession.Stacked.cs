using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace RmbgPS.Engine.Inference;

/// <summary>Stacked runs: several prepared images as one [N,3,H,W] tensor, for models whose batch axis is free.</summary>
public sealed partial class ModelSession
{
    /// <summary>The most images in one run: four 1024² inputs are 48 MB, and a GPU is busy well before that.</summary>
    internal const int MaxStack = 4;

    private byte[] stackInput = [];
    private long stackedRuns;

    /// <summary>How many runs stacked more than one image (the rest of <see cref="RunStatistics"/> ran one each).</summary>
    public long StackedRuns => Interlocked.Read(ref stackedRuns);

    private static unsafe IntPtr Address(System.Buffers.MemoryHandle pin) => (IntPtr)pin.Pointer;

    /// <summary>
    /// Runs the slots' inputs as one tensor on the model thread and gives each slot its own plane in its own buffers.
    /// The stacking copy is one input's size per image, against a run that takes the same bytes to the device anyway.
    /// </summary>
    private void RunStacked(IReadOnlyList<StackSlot> slots)
    {
        var started = Stopwatch.GetTimestamp();
        var imageBytes = (int)slots[0].Buffers.Input.GetTensorMutableRawData().Length;
        if (stackInput.Length < imageBytes * slots.Count)
            stackInput = new byte[imageBytes * MaxStack]; // the model thread alone uses it: runs never overlap
        for (var i = 0; i < slots.Count; i++)
            slots[i].Buffers.Input.GetTensorMutableRawData().CopyTo(stackInput.AsSpan(i * imageBytes, imageBytes));

        using var runOptions = new RunOptions();
        var registrations = slots.Select(s => s.Token.Register(() => runOptions.Terminate = true)).ToList();
        try
        {
            var length = imageBytes * slots.Count;
            using var pin = stackInput.AsMemory(0, length).Pin();
            using var stacked = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, inputType,
                [slots.Count, 3, InputHeight, InputWidth], Address(pin), length);
            using var outputs = session.Run(runOptions, inputNames, [stacked], outputNames);
            for (var i = 0; i < slots.Count; i++)
                slots[i].Result = ReadOutput(outputs[0], slots[i].Buffers, i);
        }
        catch (OnnxRuntimeException) when (slots.Any(s => s.Token.IsCancellationRequested))
        {
            throw new OperationCanceledException(slots.First(s => s.Token.IsCancellationRequested).Token);
        }
        finally
        {
            foreach (var registration in registrations)
                registration.Dispose();
        }

        // Each image waited until the stacked run began; the run's time is shared among them, as the model's work is.
        var ran = Stopwatch.GetElapsedTime(started);
        foreach (var slot in slots)
        {
            slot.Result!.ModelWait = Stopwatch.GetElapsedTime(slot.Asked, started);
            slot.Result.ModelRun = ran / slots.Count;
        }
        Interlocked.Increment(ref runs);
        Interlocked.Increment(ref stackedRuns);
        Interlocked.Add(ref runTicks, ran.Ticks);
    }
}
