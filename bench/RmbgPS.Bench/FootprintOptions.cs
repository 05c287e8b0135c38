using System.Globalization;

namespace RmbgPS.Bench;

/// <summary>
/// ONNX Runtime's own footprint options, each against the bare floor's (issue 25): the "footprint" mode, with --model
/// and --count (runs per child). Every variant runs in a fresh process, in rounds that take turns, so the
/// machine's drift from minute to minute falls on all of them alike. Kept only what holds speed within 5%.
/// </summary>
internal static class FootprintOptions
{
    private static readonly string[][] Tried =
    [
        [],
        ["arena-off"],
        ["prepack-off"],
        ["init-device"],
        ["pattern-on"],
        ["arena-off", "prepack-off"],
        ["arena-same"],
    ];

    public static int Run(BenchOptions options)
    {
        var rounds = options.Rest.Length > 0 ? int.Parse(options.Rest[0], CultureInfo.InvariantCulture) : 2;
        var count = options.Count.ToString(CultureInfo.InvariantCulture);
        Console.WriteLine($"## {Path.GetFileName(options.Model)}: ONNX Runtime footprint options on the bare floor, {rounds} rounds of {count} runs, variants taking turns");
        var seen = Tried.ToDictionary(Name, _ => new List<Dictionary<string, string>>());
        for (var round = 0; round < rounds; round++)
            foreach (var variant in Tried)
            {
                var result = Report.Child(options, ["bare", count, .. variant]);
                seen[Name(variant)].Add(result);
                Console.WriteLine($"  round {round + 1} {Name(variant),-24} {result["ms"],7} ms   load peak {result["loadWS"],6} MB   run peak {result["runWS"],6} MB");
            }
        Console.WriteLine("variant                   ms a run   /default   load peak MB   run peak MB");
        var baseline = Mean(seen[Name([])], "ms");
        foreach (var (name, results) in seen)
        {
            var ms = Mean(results, "ms");
            Console.WriteLine($"{name,-24} {ms,9:0} {ms / baseline,10:0.00} {Mean(results, "loadWS"),14:0} {Mean(results, "runWS"),13:0}");
        }
        return 0;
    }

    private static string Name(string[] variant) => variant.Length == 0 ? "floor's options" : string.Join("+", variant);

    private static double Mean(List<Dictionary<string, string>> results, string key) =>
        results.Average(r => double.Parse(r[key], CultureInfo.InvariantCulture));
}
