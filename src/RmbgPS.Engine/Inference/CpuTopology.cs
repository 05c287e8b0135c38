using System.Runtime.InteropServices;

namespace RmbgPS.Engine.Inference;

/// <summary>
/// The machine's physical cores. ONNX Runtime's convolutions gain nothing from a second hyper-thread on a
/// core, and a thread per logical CPU leaves none for decoding and encoding the neighbouring images.
/// </summary>
public static class CpuTopology
{
    private static readonly Lazy<int> physicalCores = new(Detect);
    private static readonly Lazy<string> cpuName = new(ReadCpuName);

    /// <summary>Physical cores this process may use; the logical count where the platform does not say.</summary>
    public static int PhysicalCores => physicalCores.Value;

    /// <summary>The CPU's model name where the OS tells it cheaply (Linux, Windows); the architecture elsewhere.</summary>
    public static string CpuName => cpuName.Value;

    private static string ReadCpuName()
    {
        try
        {
            if (OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo")
                && File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) is { } line)
                return line.Split(':', 2)[1].Trim();
        }
        catch (IOException)
        {
        }
        return Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") ?? RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static int Detect()
    {
        var logical = Math.Max(1, Environment.ProcessorCount);
        int? found = null;
        try
        {
            if (OperatingSystem.IsLinux())
                found = LinuxCores();
            else if (OperatingSystem.IsWindows())
                found = WindowsCores();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or EntryPointNotFoundException or DllNotFoundException)
        {
        }
        // Never more than the CPUs this process may run on (affinity, container limits).
        return found is > 0 ? Math.Min(found.Value, logical) : logical;
    }

    /// <summary>
    /// Distinct cores among the online CPUs in sysfs, each named by the set of logical CPUs it runs
    /// (core_cpus_list, or thread_siblings_list on kernels before 5.7). A core_id alone is not unique: on
    /// arm64 each cluster numbers its cores from 0 again. Without those lists, (package, core_id) pairs.
    /// </summary>
    internal static int? LinuxCores(string root = "/sys/devices/system/cpu")
    {
        if (!Directory.Exists(root))
            return null;
        var cores = new HashSet<string>();
        foreach (var cpu in Directory.EnumerateDirectories(root, "cpu*"))
        {
            var topology = Path.Combine(cpu, "topology");
            var coreId = Path.Combine(topology, "core_id");
            if (!File.Exists(coreId))
                continue; // cpufreq, cpuidle and offline CPUs have no topology
            var online = Path.Combine(cpu, "online");
            if (File.Exists(online) && File.ReadAllText(online).Trim() == "0")
                continue;
            var siblings = Read(topology, "core_cpus_list") ?? Read(topology, "thread_siblings_list");
            cores.Add(siblings is not null ? "cpus " + siblings : $"core {Read(topology, "physical_package_id") ?? "0"}/{File.ReadAllText(coreId).Trim()}");
        }
        return cores.Count;
    }

    private static string? Read(string folder, string name)
    {
        var path = Path.Combine(folder, name);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    private static int? WindowsCores()
    {
        const int relationProcessorCore = 0;
        uint length = 0;
        GetLogicalProcessorInformationEx(relationProcessorCore, IntPtr.Zero, ref length);
        if (length == 0)
            return null;
        var buffer = Marshal.AllocHGlobal((int)length);
        try
        {
            if (!GetLogicalProcessorInformationEx(relationProcessorCore, buffer, ref length))
                return null;
            // Each record starts with its relationship (int) and its size (int); one record per core.
            var count = 0;
            for (var offset = 0; offset < length; offset += Marshal.ReadInt32(buffer, offset + 4))
                count++;
            return count;
        }
        finally
        {
            Marshal.FreeHGlobal(buffer);
        }
    }

    [DllImport("kernel32.dll", SetLastError = true)]
    private static extern bool GetLogicalProcessorInformationEx(int relationship, IntPtr buffer, ref uint length);
}
