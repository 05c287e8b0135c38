using System.Text.RegularExpressions;

namespace RmbgPS.Tests.Architecture;

/// <summary>
/// The engine's folders are layers that point one way: a file may name its own layer and those below it, never
/// one above. Read from the sources (using directives, qualified names, crefs), so a wrong-way reference fails
/// here with the file and line, whatever compiles.
/// </summary>
public sealed partial class LayeringTests
{
    /// <summary>Bottom to top. docs/architecture.md ("Projects and layers") draws the same order.</summary>
    public static readonly string[] Layers = ["Native", "Files", "Imaging", "Masks", "Compositing", "Downloads", "Models", "Inference", "Batch", "Removal", "Reporting"];

    private static string EngineFolder => Path.Combine(TestAssets.RepoRoot, "src", "RmbgPS.Engine");

    /// <summary>Every wrong-way reference in one source file: "line: uses Layer.Name".</summary>
    public static IEnumerable<string> Violations(string fileLayer, string source)
    {
        var rank = Array.IndexOf(Layers, fileLayer);
        var lines = source.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (Match m in Named().Matches(lines[i]))
            {
                var layer = m.Groups["layer"].Value;
                if (Array.IndexOf(Layers, layer) > rank)
                    yield return $"{i + 1}: uses {layer}{m.Groups["rest"].Value}";
            }
        }
    }

    // "using RmbgPS.Engine.X", "RmbgPS.Engine.X.Type", and a bare "X.Type" (a sibling namespace named from inside
    // RmbgPS.Engine, as crefs and qualified calls do): the layer is the segment after RmbgPS.Engine.
    [GeneratedRegex(@"(?:RmbgPS\.Engine\.|(?<![\w.]))(?<layer>Native|Files|Imaging|Masks|Compositing|Downloads|Models|Inference|Batch|Removal|Reporting)(?<rest>(?:\.[A-Z]\w*)+|(?=;))")]
    private static partial Regex Named();

    [Fact]
    public void No_engine_file_names_a_layer_above_its_own()
    {
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(EngineFolder, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(EngineFolder, file);
            if (relative.StartsWith("obj", StringComparison.Ordinal) || relative.StartsWith("bin", StringComparison.Ordinal))
                continue;
            var layer = relative.Split(Path.DirectorySeparatorChar)[0];
            Assert.True(Layers.Contains(layer), $"{relative}: every engine file lives in a layer folder ({string.Join(", ", Layers)})");
            var text = File.ReadAllText(file);
            var ns = Regex.Match(text, @"^namespace (RmbgPS\.Engine\.[\w.]+);", RegexOptions.Multiline).Groups[1].Value;
            Assert.True(ns == "RmbgPS.Engine." + Path.GetDirectoryName(relative)!.Replace(Path.DirectorySeparatorChar, '.'),
                $"{relative}: namespace '{ns}' does not follow its folder");
            found.AddRange(Violations(layer, text).Select(v => $"{relative}:{v}"));
        }
        Assert.True(found.Count == 0, "Wrong-way references (a layer may only use itself and those below it):\n" + string.Join("\n", found));
    }

    [Fact]
    public void A_wrong_way_reference_is_found_in_each_form_it_can_take()
    {
        const string Source = """
            using RmbgPS.Engine.Files;
            using RmbgPS.Engine.Inference;
            namespace RmbgPS.Engine.Imaging;
            /// <see cref="Batch.BatchThread"/>
            static class X { bool F() => RmbgPS.Engine.Removal.OutputNames.IsMask("a") || facts.Models.Count > 0; }
            """;
        Assert.Equal(["2: uses Inference", "4: uses Batch.BatchThread", "5: uses Removal.OutputNames.IsMask"], Violations("Imaging", Source));
    }
}
