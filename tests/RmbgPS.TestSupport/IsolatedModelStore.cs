using System;
using System.IO;

namespace RmbgPS.Tests;

/// <summary>
/// Points the model store ($env:RMBG_MODEL_HOME) at a temporary folder for the whole test run, so neither
/// the optimised-graph cache of the many synthetic models nor any test install touches the user's store.
/// </summary>
public static class IsolatedModelStore
{
    public static string Root { get; private set; } = "";

    /// <summary>
    /// Called by each test assembly's own module initializer (AssemblyInfo.cs): this assembly's would run only when
    /// one of its types is first touched, which can be after a test has already read the variable.
    /// </summary>
    public static void Isolate()
    {
        if (Root.Length > 0)
            return;
        Root = Path.Combine(Path.GetTempPath(), $"rmbgps-test-store-{Environment.ProcessId}");
        Environment.SetEnvironmentVariable("RMBG_MODEL_HOME", Root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
    }
}
