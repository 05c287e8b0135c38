using RmbgPS.HelpCompiler;

// Usage: RmbgPS.HelpCompiler <docs folder> <output folder> <assembly file name>
// Each Verb-Noun.md becomes a command in <output>/<assembly>-Help.xml; each about_*.md becomes about_*.help.txt.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: RmbgPS.HelpCompiler <docs/en-US folder> <output folder> <assembly file name, e.g. RmbgPS.dll>");
    return 2;
}
try
{
    var written = HelpBuild.Run(args[0], args[1], args[2]);
    foreach (var file in written)
        Console.WriteLine($"help: {file}");
    return 0;
}
catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
