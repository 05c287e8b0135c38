using System.Buffers;
using System.Diagnostics;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Models;

namespace RmbgPS.Engine.Inference;

/// <summary>
/// One loaded model on one device: an ONNX Runtime session plus everything learned about the model when
/// it opened (tensor names, input size, element types, profile). Thread-safe: concurrent
/// <see cref="Predict"/> calls share the session, which ONNX Runtime allows.
/// Reference-counted so that a swap (Set-RmbgDevice) disposes it only after in-flight calls finish.
/// </summary>
public sealed class ModelSession
{
    private static readonly string[] PreferredOutputs = ["output", "alphas", "output_image", "mask", "logits"];

    private readonly InferenceSession session;
    private readonly string[] inputNames;
    private readonly string[] outputNames;
    private readonly TensorElementType inputType;
    private int users = 1; // the owner's reference, dropped by Retire
    private int retired;
    private int logitsSeen; // for OutputActivation.Detect: set once an output left [0,1]

    internal ModelSession(ModelLocation location, DeviceSettings settings, ExecutionDevice device)
    {
        NativeLibraries.EnsureRegistered();
        var clock = Stopwatch.StartNew();
        Location = location;
        Device = device;
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = settings.EffectiveThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        // Idle intra-op threads would otherwise spin between runs and steal the cores that decode,
        // resize and encode the neighbouring images.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        ExecutionProviders.Append(options, device, settings.DeviceId);
        session = ModelProbe.Open(location.Path, options);

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

        InputHeight = dims[2] > 0 ? dims[2] : Profile.InputSize;
        InputWidth = dims[3] > 0 ? dims[3] : Profile.InputSize;
        OutputName = ChooseOutput(facts, descriptor);
        inputNames = [InputName];
        outputNames = [OutputName];
        LoadTime = clock.Elapsed;
    }

    /// <summary>Identifies this loaded session: the same id means the model was not loaded again.</summary>
    public Guid Id { get; } = Guid.NewGuid();
    public ModelLocation Location { get; }
    public string ModelPath => Location.Path;
    /// <summary>The store reference (RMBG-2.0:fp16) of an installed model, else the file's base name.</summary>
    public string ModelName { get; }
    public ExecutionDevice Device { get; }
    public ModelProfile Profile { get; }
    public string ProfileReason { get; }
    public string InputName { get; }
    public string OutputName { get; }
    public int InputWidth { get; }
    public int InputHeight { get; }
    public TimeSpan LoadTime { get; }
    public bool OutputIsLogits => Profile.Activation == OutputActivation.Sigmoid || Volatile.Read(ref logitsSeen) != 0;

    /// <summary>
    /// Runs the model on an image and returns its foreground probability at the model's resolution.
    /// The returned plane is rented: give it back with <see cref="ProbabilityPlane.Dispose"/>.
    /// </summary>
    public ProbabilityPlane Predict(RgbaImage image, CancellationToken cancellationToken)
    {
        var count = 3 * InputWidth * InputHeight;
        var tensor = ArrayPool<float>.Shared.Rent(count);
        try
        {
            Resampler.RgbaToPlanes(image, InputWidth, InputHeight, tensor, Profile.Scale, Profile.Bias);
            cancellationToken.ThrowIfCancellationRequested();
            long[] shape = [1, 3, InputHeight, InputWidth];
            using var inputValue = CreateInput(tensor, count, shape);
            using var runOptions = new RunOptions();
            using var cancel = cancellationToken.Register(() => runOptions.Terminate = true);
            IDisposableReadOnlyCollection<OrtValue> outputs;
            try
            {
                outputs = session.Run(runOptions, inputNames, [inputValue], outputNames);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            using (outputs)
                return ReadOutput(outputs[0]);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(tensor);
        }
    }

    private OrtValue CreateInput(float[] tensor, int count, long[] shape)
    {
        if (inputType == TensorElementType.Float)
            return OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, tensor.AsMemory(0, count), shape);
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float16, shape);
        var halves = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(value.GetTensorMutableRawData());
        TensorPrimitives.ConvertToHalf(tensor.AsSpan(0, count), halves);
        return value;
    }

    private ProbabilityPlane ReadOutput(OrtValue output)
    {
        var info = output.GetTensorTypeAndShape();
        var shape = info.Shape;
        if (shape.Length < 2)
            throw new InvalidDataException($"The model '{ModelPath}' output '{OutputName}' has shape [{string.Join(",", shape)}]; expected [..., H, W].");
        var height = (int)shape[^2];
        var width = (int)shape[^1];
        var plane = new ProbabilityPlane(width, height);
        var values = plane.Values.AsSpan(0, width * height);
        switch (info.ElementDataType)
        {
            case TensorElementType.Float:
                output.GetTensorDataAsSpan<float>()[..values.Length].CopyTo(values);
                break;
            case TensorElementType.Float16:
                var halves = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(output.GetTensorMutableRawData());
                TensorPrimitives.ConvertToSingle(halves[..values.Length], values);
                break;
            default:
                plane.Dispose();
                throw new InvalidDataException($"The model '{ModelPath}' output '{OutputName}' is {info.ElementDataType}; expected float32 or float16.");
        }
        ApplyActivation(values);
        return plane;
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
    }

    private static string ChooseOutput(ModelFacts facts, ModelDescriptor? descriptor)
    {
        if (descriptor?.Output is { } named)
            return facts.OutputNames.Contains(named)
                ? named
                : throw new InvalidDataException($"The descriptor '{ModelDescriptor.PathFor(facts.Path)}' names output '{named}', but the model's outputs are: {string.Join(", ", facts.OutputNames)}.");
        foreach (var preferred in PreferredOutputs)
            if (facts.OutputNames.Contains(preferred))
                return preferred;
        return facts.OutputNames[0];
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
        if (Interlocked.Decrement(ref users) == 0)
            session.Dispose();
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
