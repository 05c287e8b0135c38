using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace RmbgPS.Tests;

/// <summary>What the module's manifest (RmbgPS.psd1) exports, for tests that must cover every cmdlet.</summary>
public static class ModuleManifest
{
    /// <summary>The names in CmdletsToExport, in order.</summary>
    public static IReadOnlyList<string> ExportedCmdlets()
    {
        var manifest = File.ReadAllText(Path.Combine(TestAssets.RepoRoot, "RmbgPS.psd1"));
        var block = manifest[manifest.IndexOf("CmdletsToExport", System.StringComparison.Ordinal)..];
        block = block[..block.IndexOf(')')];
        return Regex.Matches(block, @"'([\w-]+)'").Select(m => m.Groups[1].Value).ToList();
    }
}
