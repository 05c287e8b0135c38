// One shared engine per process: tests that configure it must not overlap.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// Before any test runs (and reads $env:RMBG_MODEL_HOME): a temporary model store for the whole run.
internal static class TestRunStart
{
#pragma warning disable CA2255 // a test assembly's own start-up
    [System.Runtime.CompilerServices.ModuleInitializer]
#pragma warning restore CA2255
    internal static void Isolate() => RmbgPS.Tests.IsolatedModelStore.Isolate();
}
