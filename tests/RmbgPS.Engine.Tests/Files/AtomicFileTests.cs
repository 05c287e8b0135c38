using System.Diagnostics;
using RmbgPS.Engine.Imaging;
using RmbgPS.Engine.Files;

namespace RmbgPS.Tests;

/// <summary>Temporary files of killed runs are swept; those a live writer may still own are not.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private static string Host => System.Text.RegularExpressions.Regex.Replace(Environment.MachineName, "[^A-Za-z0-9]", "_");

    private string Touch(string name, TimeSpan? age = null)
    {
        var path = folder.File(name);
        File.WriteAllBytes(path, []);
        if (age is { } a)
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow - a);
        return name;
    }

    private static int EndedProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }

    [Fact]
    public void A_write_names_its_owner_and_leaves_no_temporary_file()
    {
        var seen = new List<string>();
        AtomicFile.Write(folder.File("a.png"), overwrite: false, _ => seen.AddRange(Directory.GetFiles(folder.Path, ".*.tmp").Select(Path.GetFileName)!));
        Assert.Matches($@"^\.a\.png\.{Host}-{Environment.ProcessId}\.[0-9a-f]{{32}}\.tmp$", Assert.Single(seen));
        Assert.Empty(folder.TempFiles());
    }

    [Fact]
    public void Sweeping_removes_only_temporary_files_nobody_can_still_own()
    {
        var guid = new string('a', 32);
        var deadOwner = Touch($".x.nobg.png.{Host}-{EndedProcessId()}.{guid}.tmp");
        var liveOwner = Touch($".y.nobg.png.{Host}-{Environment.ProcessId}.{guid}.tmp", TimeSpan.FromDays(2));
        var otherMachineRecent = Touch($".z.nobg.png.elsewhere-{EndedProcessId()}.{guid}.tmp", TimeSpan.FromMinutes(50));
        var otherMachineOld = Touch($".w.nobg.png.elsewhere-42.{guid}.tmp", AtomicFile.ForeignOwnerGrace + TimeSpan.FromMinutes(5));
        var legacyOld = Touch($".v.nobg.png.{guid}.tmp", TimeSpan.FromHours(2));
        var legacyRecent = Touch($".u.nobg.png.{guid}.tmp");
        var notOurs = Touch(".notes.tmp", TimeSpan.FromDays(30));

        var swept = AtomicFile.SweepStale(folder.Path);

        Assert.Equal(new[] { deadOwner, legacyOld, otherMachineOld }.Order(StringComparer.Ordinal), swept.Order(StringComparer.Ordinal));
        Assert.Equal(new[] { legacyRecent, notOurs, otherMachineRecent, liveOwner }.Order(StringComparer.Ordinal), Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
