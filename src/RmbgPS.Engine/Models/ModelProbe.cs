using Microsoft.ML.OnnxRuntime;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Native;

namespace RmbgPS.Engine.Models;

/// <summary>Opens a model just far enough to learn what it is, without optimising it for a device.</summary>
public static class ModelProbe
{
    /// <summary>The model's tensor names, metadata and descriptor; throws InvalidDataException for a file ONNX Runtime cannot load.</summary>
    public static ModelFacts Read(string path)
    {
        OnnxRuntimeEnvironment.EnsureCreated();
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
        using var session = Open(path, options);
        return FactsOf(session, path);
    }

    internal static InferenceSession Open(string path, SessionOptions options)
    {
        try
        {
            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"ONNX Runtime cannot load the model '{path}': {e.Message} Check that the file is a complete .onnx model (re-download it if in doubt).", e);
        }
    }

    internal static ModelFacts FactsOf(InferenceSession session, string path) =>
        new(path, session.InputMetadata.Keys.ToArray(), session.OutputMetadata.Keys.ToArray(),
            session.ModelMetadata.CustomMetadataMap ?? new Dictionary<string, string>(), ModelDescriptor.TryReadFor(path))
        {
            InputDimensions = session.InputMetadata.Values.FirstOrDefault()?.Dimensions ?? [],
        };
}
