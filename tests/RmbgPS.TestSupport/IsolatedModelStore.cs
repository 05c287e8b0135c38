using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace RmbgPS.Tests;

/// <summary>
/// Points the model store ($env:RMBG_MODEL_HOME) at a temporary folder for the whole test run, so neither
/// the optimised-graph cache of the many synthetic models nor any test install touches the user's store.
/// </summary>
internal static class IsolatedModelStore
{
    public static string Root { get; private set; } = "";

#pragma warning disable CA2255 // a test assembly's own start-up, before any test reads the variable
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Isolate()
    {
        Root = Path.Combine(Path.GetTempPath(), $"rmbgps-test-store-{Environment.ProcessId}");
        Environment.SetEnvironmentVariable("RMBG_MODEL_HOME", Root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
    }
}
