using RmbgPS.Engine.Models;

namespace RmbgPS.Engine.Inference;

/// <summary>Which of a model's outputs is the mask, and whether its shape is known before a run.</summary>
internal static class OutputSelection
{
    // Multi-head models (ISNet, BiRefNet) list side outputs too; these names are the final mask in the exports we know.
    private static readonly string[] PreferredOutputs = ["output", "alphas", "output_image", "mask", "logits"];

    /// <summary>The descriptor's named output, else the first preferred name the model has, else its first output.</summary>
    public static string Choose(ModelFacts facts, ModelDescriptor? descriptor)
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

    /// <summary>The output shape when every axis is known (a dynamic batch axis counts as 1), else null.</summary>
    public static long[]? FixedShape(int[] dimensions)
    {
        var shape = new long[dimensions.Length];
        for (var i = 0; i < dimensions.Length; i++)
        {
            if (dimensions[i] > 0)
                shape[i] = dimensions[i];
            else if (i == 0)
                shape[i] = 1;
            else
                return null;
        }
        return shape.Length >= 2 ? shape : null;
    }
}
