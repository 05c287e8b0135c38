namespace RmbgPS.Tests.Architecture;

/// <summary>A file a reader can hold in mind: no C# or PowerShell source over 300 lines.</summary>
public sealed class FileSizeTests
{
    public const int MaxLines = 300;

    [Fact]
    public void No_source_file_is_longer_than_a_reader_can_hold()
    {
        var root = TestAssets.RepoRoot;
        var files = new[] { "src", "tests", "bench" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*.*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".ps1", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/"))
            .ToList();
        var tooLong = files.Select(f => (File: f, Lines: File.ReadAllLines(Path.Combine(root, f)).Length))
            .Where(f => f.Lines > MaxLines).ToList();
        Assert.True(tooLong.Count == 0, string.Join("\n", tooLong.Select(f => $"{f.File}: {f.Lines} lines")));
    }
}
