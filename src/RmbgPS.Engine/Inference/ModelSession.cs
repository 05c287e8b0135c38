using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Masks;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Native;

namespace RmbgPS.Engine.Inference;

/// <summary>
/// One loaded model on one device: an ONNX Runtime session plus everything learned about the model when
/// it opened (tensor names, input size, element types, profile). Thread-safe: concurrent
/// <see cref="Predict"/> calls share the session, which ONNX Runtime allows.
/// Reference-counted so that a swap (Set-RmbgDevice) disposes it only after in-flight calls finish.
/// </summary>
public sealed partial class ModelSession
{
    private readonly InferenceSession session;
    private readonly string[] inputNames;
    private readonly string[] outputNames;
    private readonly TensorElementType inputType;
    private readonly TensorElementType outputType;
    private readonly long[]? fixedOutputShape;
    private readonly ModelRunner runner;
    private readonly TensorBufferPool bufferPool;
    private int users = 1; // the owner's reference, dropped by Retire
    private int retired;
    private int logitsSeen; // for OutputActivation.Detect: set once an output left [0,1]

    /// <param name="ioBinding">Bind tensors once per buffer set (<see cref="TensorBuffers.Binding"/>); by default on every device but the CPU, where a plain run already reads and writes the buffers in place.</param>
    /// <param name="stacking">Stack waiting images into one run when the model's batch axis is free; by default on accelerators only (the CPU gains nothing from it and holds more memory).</param>
    internal ModelSession(ModelLocation location, EngineSettings settings, ExecutionDevice device, bool? ioBinding = null, bool? stacking = null)
    {
        OnnxRuntimeEnvironment.EnsureCreated();
        var clock = Stopwatch.StartNew();
        Location = location;
        Device = device;
        Settings = settings;
        Footprint = ModelMemory.Check(location, settings, device);
        workingSetBeforeLoad = Environment.WorkingSet;
        SessionOptions CreateOptions()
        {
            var options = new SessionOptions
            {
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                IntraOpNumThreads = settings.EffectiveThreads,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                LogSeverityLevel = OnnxRuntimeLog.Captures ? OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING : OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
                // The memory pattern pre-plans one block for every intermediate tensor: with the ISNet test
                // model that is 2.0 GB of working set instead of 1.2 GB, and runs were no faster (slower, here).
                EnableMemoryPattern = false,
            };
            // Idle intra-op threads would otherwise spin between runs and steal the cores that decode,
            // resize and encode the neighbouring images.
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            ExecutionProviders.Append(options, device, settings.DeviceId);
            return options;
        }
        (session, GraphSource) = OptimizedGraphCache.OpenSession(location.Path, settings, device, CreateOptions);

        var input = session.InputMetadata.First();
        InputName = input.Key;
        var dims = input.Value.Dimensions;
        if (dims.Length != 4 || (dims[1] > 0 && dims[1] != 3))
            throw new InvalidDataException($"The model '{location.Path}' takes input '{InputName}' shaped [{string.Join(",", dims)}]; RmbgPS needs an image tensor [1,3,H,W].");
        inputType = input.Value.ElementDataType;
        if (inputType is not (TensorElementType.Float or TensorElementType.Float16))
            throw new InvalidDataException($"The model '{location.Path}' takes {inputType} input; RmbgPS supports float32 and float16.");

        var facts = ModelProbe.FactsOf(session, location.Path);
        var descriptor = facts.Descriptor;
        ModelName = descriptor?.Name is { } installedName ? $"{installedName}:{descriptor.Variant}" : Path.GetFileNameWithoutExtension(location.Path);
        (Profile, ProfileReason) = ProfileDetector.Detect(facts, settings.Profile);

        InputSize = InputSize.For(dims[3], dims[2], settings.Resolution, facts, Profile);
        (InputWidth, InputHeight) = (InputSize.Width, InputSize.Height);
        OutputName = OutputSelection.Choose(facts, descriptor);
        inputNames = [InputName];
        outputNames = [OutputName];
        var output = session.OutputMetadata[OutputName];
        outputType = output.ElementDataType;
        fixedOutputShape = OutputSelection.FixedShape(output.Dimensions);
        UsesIoBinding = ioBinding ?? device != ExecutionDevice.Cpu;
        bufferPool = new TensorBufferPool(() =>
        {
            var buffers = new TensorBuffers(inputType, [1, 3, InputHeight, InputWidth], outputType, fixedOutputShape);
            if (UsesIoBinding)
                buffers.Bind(session, InputName, OutputName);
            return buffers;
        });
        StacksImages = dims[0] <= 0 && (stacking ?? device != ExecutionDevice.Cpu);
        runner = StacksImages ? new ModelRunner(ModelName, MaxStack, RunStacked) : new ModelRunner(ModelName); // last: nothing after it can fail and strand its thread
        LoadTime = clock.Elapsed;
    }

    /// <summary>Identifies this loaded session: the same id means the model was not loaded again.</summary>
    public Guid Id { get; } = Guid.NewGuid();
    public ModelLocation Location { get; }
    public string ModelPath => Location.Path;
    /// <summary>The store reference (RMBG-2.0:fp16) of an installed model, else the file's base name.</summary>
    public string ModelName { get; }
    /// <summary>The device the session runs on: what Auto resolved to, after any fallback.</summary>
    public ExecutionDevice Device { get; }
    /// <summary>Whether runs go through tensors bound once to the session (accelerators) rather than a plain run.</summary>
    public bool UsesIoBinding { get; }
    /// <summary>The model thread (tests line requests up on it).</summary>
    internal ModelRunner Runner => runner;
    /// <summary>Whether images waiting for the model together run as one stacked tensor (a free batch axis, on an accelerator).</summary>
    public bool StacksImages { get; }
    /// <summary>The ONNX Runtime execution provider the session was created with (its nodes fall back to the CPU provider only where it has no kernel).</summary>
    public string ExecutionProvider => ExecutionProviders.ProviderName(Device);
    public ModelProfile Profile { get; }
    public string ProfileReason { get; }
    public string InputName { get; }
    public string OutputName { get; }
    /// <summary>The size the model is fed, and why (fixed by the model, -Resolution, its recommendation, the profile's default).</summary>
    public InputSize InputSize { get; }
    public int InputWidth { get; }
    public int InputHeight { get; }
    public TimeSpan LoadTime { get; }
    /// <summary>Where the optimised graph came from: the cache, optimised now (and cached), or optimised at load.</summary>
    public string GraphSource { get; }
    public bool OutputIsLogits => Profile.Activation == OutputActivation.Sigmoid || Volatile.Read(ref logitsSeen) != 0;

    /// <summary>
    /// Resizes and normalises an image into a set of the session's tensor buffers. Runs outside the model's
    /// gate, so a batch prepares the next image while the model works on the current one.
    /// </summary>
    public ModelInput Prepare(RgbaImage image, CancellationToken cancellationToken)
    {
        var buffers = bufferPool.Rent();
        var input = new ModelInput(this, buffers);
        try
        {
            Profile.ToPlanes(image, InputWidth, InputHeight, buffers.Planes);
            if (!buffers.InputIsFloat)
                TensorPrimitives.ConvertToHalf(buffers.Planes, MemoryMarshal.Cast<byte, Half>(buffers.Input.GetTensorMutableRawData()));
            cancellationToken.ThrowIfCancellationRequested();
            return input;
        }
        catch
        {
            input.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the model on a prepared input and returns its foreground probability at the model's resolution
    /// (a view of the input's buffers). Runs take turns in arrival order; cancellation ends a running
    /// inference through ONNX Runtime's terminate flag. Runs on the session's model thread (<see cref="ModelRunner"/>).
    /// </summary>
    public ProbabilityPlane Infer(ModelInput input, CancellationToken cancellationToken)
    {
        var buffers = input.Buffers;
        ProbabilityPlane? plane = null;
        var asked = Stopwatch.GetTimestamp();
        var slot = StacksImages ? new StackSlot(buffers, cancellationToken, asked) : null;
        var wait = TimeSpan.Zero;
        var ran = TimeSpan.Zero;
        runner.Run(() =>
        {
            var started = Stopwatch.GetTimestamp();
            wait = Stopwatch.GetElapsedTime(asked, started);
            using var runOptions = new RunOptions();
            using var cancel = cancellationToken.Register(() => runOptions.Terminate = true);
            try
            {
                if (buffers.Binding is { } binding)
                {
                    session.RunWithBinding(runOptions, binding);
                    if (buffers.Output is { } boundOutput)
                        plane = ReadOutput(boundOutput, buffers);
                    else
                    {
                        using var produced = binding.GetOutputValues();
                        plane = ReadOutput(produced[0], buffers);
                    }
                }
                else if (buffers.Output is { } bound)
                {
                    session.Run(runOptions, inputNames, [buffers.Input], outputNames, [bound]);
                    plane = ReadOutput(bound, buffers);
                }
                else
                {
                    using var outputs = session.Run(runOptions, inputNames, [buffers.Input], outputNames);
                    plane = ReadOutput(outputs[0], buffers);
                }
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            finally
            {
                ran = Stopwatch.GetElapsedTime(started);
                Interlocked.Increment(ref runs);
                if (plane is not null)
                    RecordFootprint();
                Interlocked.Add(ref runTicks, ran.Ticks);
            }
        }, cancellationToken, slot);
        if (plane is null)
            return slot!.Result!; // ran stacked with others: the stacked run set its times
        plane.ModelWait = wait;
        plane.ModelRun = ran;
        return plane;
    }

    private long runs;
    private long runTicks;

    /// <summary>How many model runs this session has done, and their total time: in a batch, how busy the model was.</summary>
    public (long Count, TimeSpan Total) RunStatistics => (Interlocked.Read(ref runs), TimeSpan.FromTicks(Interlocked.Read(ref runTicks)));

    /// <summary>Gives a buffer set back for the next image.</summary>
    internal void Return(TensorBuffers buffers) => bufferPool.Return(buffers);

    /// <summary>The output's plane for the <paramref name="index"/>-th image of the run into the buffers' probabilities, activated.</summary>
    private ProbabilityPlane ReadOutput(OrtValue output, TensorBuffers buffers, int index = 0)
    {
        var info = output.GetTensorTypeAndShape();
        var shape = info.Shape;
        if (shape.Length < 2)
            throw new InvalidDataException($"The model '{ModelPath}' output '{OutputName}' has shape [{string.Join(",", shape)}]; expected [..., H, W].");
        var height = (int)shape[^2];
        var width = (int)shape[^1];
        if (buffers.Probabilities.Length < width * height)
            buffers.Probabilities = new float[width * height];
        var values = buffers.Probabilities.AsSpan(0, width * height);
        var offset = index * values.Length;
        switch (info.ElementDataType)
        {
            case TensorElementType.Float:
                if (!ReferenceEquals(output, buffers.Output))
                    output.GetTensorDataAsSpan<float>().Slice(offset, values.Length).CopyTo(values);
                break;
            case TensorElementType.Float16:
                var halves = MemoryMarshal.Cast<byte, Half>(output.GetTensorMutableRawData());
                TensorPrimitives.ConvertToSingle(halves.Slice(offset, values.Length), values);
                break;
            default:
                throw new InvalidDataException($"The model '{ModelPath}' output '{OutputName}' is {info.ElementDataType}; expected float32 or float16.");
        }
        ApplyActivation(values);
        return new ProbabilityPlane(width, height, buffers.Probabilities);
    }

    private void ApplyActivation(Span<float> values)
    {
        if (Profile.Activation == OutputActivation.Detect && Volatile.Read(ref logitsSeen) == 0)
        {
            // A probability never leaves [0,1]; logits of a real photo always do.
            var min = TensorPrimitives.Min(values);
            var max = TensorPrimitives.Max(values);
            if (min < -1e-3f || max > 1 + 1e-3f)
                Volatile.Write(ref logitsSeen, 1);
        }
        if (OutputIsLogits)
            TensorPrimitives.Sigmoid(values, values);
        if (Profile.StretchesOutput)
            AlphaMask.StretchToUnit(values);
    }

    internal bool TryAcquire()
    {
        while (true)
        {
            var current = Volatile.Read(ref users);
            if (current == 0)
                return false; // already retired and drained
            if (Interlocked.CompareExchange(ref users, current + 1, current) == current)
                return true;
        }
    }

    internal void Release()
    {
        if (Interlocked.Decrement(ref users) != 0)
            return;
        runner.Dispose();
        session.Dispose();
        bufferPool.Dispose();
    }

    /// <summary>Drops the owner's reference: the session is disposed once the last in-flight call ends.</summary>
    internal void Retire()
    {
        if (Interlocked.Exchange(ref retired, 1) == 0)
            Release();
    }

    /// <summary>True once the engine replaced this session; it is disposed when its last lease ends.</summary>
    public bool IsRetired => Volatile.Read(ref retired) != 0;
}
