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
            stackInput = new byte[imageBytes * slots.Count]; // the model thread alone uses it: runs never overlap
        for (var i = 0; i < slots.Count; i++)
            slots[i].Buffers.Input.GetTensorMutableRawData().CopyTo(stackInput.AsSpan(i * imageBytes, imageBytes));

        using var runOptions = new RunOptions();
        var registrations = new CancellationTokenRegistration[slots.Count];
        for (var i = 0; i < slots.Count; i++)
            registrations[i] = slots[i].Token.Register(() => runOptions.Terminate = true);
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
        catch (OnnxRuntimeException) when (runOptions.Terminate)
        {
            throw new OperationCanceledException("A caller stopped the stacked run."); // the runner re-runs the others alone
        }
        finally
        {
            foreach (var registration in registrations)
                registration.Dispose();
        }

        // Each image's share of the run is its model time; the rest of the run it waited through, like a queue.
        var ran = Stopwatch.GetElapsedTime(started);
        foreach (var slot in slots)
        {
            slot.Result!.ModelRun = ran / slots.Count;
            slot.Result.ModelWait = Stopwatch.GetElapsedTime(slot.Asked, started) + (ran - slot.Result.ModelRun);
        }
        Interlocked.Increment(ref runs);
        Interlocked.Increment(ref stackedRuns);
        Interlocked.Add(ref runTicks, ran.Ticks);
    }
}
