using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace RmbgPS.Engine.Inference;

/// <summary>
/// One inference's input and output tensors, allocated once and reused by image after image: the
/// OrtValues stay bound to the same memory, so a run allocates nothing of the image's size.
/// A session keeps a few of these (one per image in flight) and disposes them with itself.
/// </summary>
internal sealed class TensorBuffers : IDisposable
{
    public TensorBuffers(TensorElementType inputType, long[] inputShape, TensorElementType outputType, long[]? outputShape)
    {
        var inputCount = checked((int)(inputShape[1] * inputShape[2] * inputShape[3]));
        Planes = new float[inputCount];
        Input = inputType == TensorElementType.Float
            ? OrtValue.CreateTensorValueFromMemory(Planes, inputShape) // pinned: ORT reads the planes in place
            : OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, inputType, inputShape);
        InputIsFloat = inputType == TensorElementType.Float;

        if (outputShape is null)
            return; // dynamic output: ORT allocates it per run and the values are copied into Probabilities
        OutputShape = outputShape;
        var outputCount = checked((int)outputShape.Aggregate(1L, (a, b) => a * b));
        Probabilities = new float[outputCount];
        Output = outputType == TensorElementType.Float
            ? OrtValue.CreateTensorValueFromMemory(Probabilities, outputShape)
            : OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, outputType, outputShape);
        OutputIsFloat = outputType == TensorElementType.Float;
    }

    /// <summary>The normalised image as C planes of H x W floats (the input tensor itself when it is float32).</summary>
    public float[] Planes { get; }
    public OrtValue Input { get; }
    public bool InputIsFloat { get; }

    /// <summary>The pre-bound output, or null when the model's output shape is only known after a run.</summary>
    public OrtValue? Output { get; }
    public long[]? OutputShape { get; }
    public bool OutputIsFloat { get; }

    /// <summary>The model's output as float probabilities (grown for a dynamic output when needed).</summary>
    public float[] Probabilities { get; set; } = [];

    /// <summary>
    /// The input and output bound to a session once, for sessions on an accelerator: each run then copies the input
    /// to the device and the mask back into these same buffers, with no per-run name lookup or output allocation.
    /// A dynamic output is bound to CPU memory that ONNX Runtime allocates per run. Null for CPU sessions.
    /// </summary>
    public OrtIoBinding? Binding { get; private set; }

    public void Bind(InferenceSession session, string inputName, string outputName)
    {
        var binding = session.CreateIoBinding();
        try
        {
            binding.BindInput(inputName, Input);
            if (Output is { } output)
                binding.BindOutput(outputName, output);
            else
                binding.BindOutputToDevice(outputName, OrtMemoryInfo.DefaultInstance);
        }
        catch
        {
            binding.Dispose();
            throw;
        }
        Binding = binding;
    }

    public void Dispose()
    {
        Binding?.Dispose();
        Input.Dispose();
        Output?.Dispose();
    }
}
