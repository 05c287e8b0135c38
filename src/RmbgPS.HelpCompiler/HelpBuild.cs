using System.Text;

namespace RmbgPS.HelpCompiler;

/// <summary>Compiles a docs/&lt;culture&gt; folder into the files PowerShell reads from the module's &lt;culture&gt; folder.</summary>
internal static class HelpBuild
{
    public static IReadOnlyList<string> Run(string docsFolder, string outputFolder, string assemblyFileName)
    {
        var pages = Directory.GetFiles(docsFolder, "*.md").Order(StringComparer.Ordinal).Select(MarkdownPage.Read).ToList();
        var commands = pages.Where(p => !IsAbout(p)).Select(CommandHelpReader.Read).ToList();
        if (commands.Count == 0)
            throw new FormatException($"{docsFolder}: no cmdlet pages (Verb-Noun.md).");
        Directory.CreateDirectory(outputFolder);
        var written = new List<string>();

        var maml = Path.Combine(outputFolder, assemblyFileName + "-Help.xml");
        using (var stream = File.Create(maml))
            MamlWriter.Write(commands).Save(stream);
        written.Add(maml);

        foreach (var about in pages.Where(IsAbout))
        {
            var path = Path.Combine(outputFolder, about.Title + ".help.txt");
            File.WriteAllText(path, AboutTopicWriter.Write(about), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            written.Add(path);
        }
        return written;
    }

    private static bool IsAbout(MarkdownPage page) => page.Title.StartsWith("about_", StringComparison.OrdinalIgnoreCase);
}
