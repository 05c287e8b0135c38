using RmbgPS.Engine.Inference;
using RmbgPS.Engine.Native;

namespace RmbgPS.Tests;

/// <summary>Devices are tried before use and explained when they fail; ONNX Runtime's log stays off the console.</summary>
public sealed class DeviceProbeTests
{
    [Fact]
    public void A_provider_that_cannot_load_is_explained_by_the_library_it_misses()
    {
        // ONNX Runtime 1.32.0's own words on a machine without CUDA (Linux), and Windows' form of the same failure.
        const string Linux = "[ErrorCode:Fail] /onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:2059 onnxruntime::Provider& onnxruntime::ProviderLibrary::Get() " +
            "[ONNXRuntimeError] : 1 : FAIL : Failed to load library /x/runtimes/linux-x64/native/libonnxruntime_providers_cuda.so with error: libcublasLt.so.13: cannot open shared object file: No such file or directory";
        const string Windows = "[ErrorCode:Fail] LoadLibrary failed with error 126 \"\" when trying to load \"C:\\m\\engine\\runtimes\\win-x64\\native\\onnxruntime_providers_cuda.dll\"";

        var linux = DeviceProbe.CannotLoad(ExecutionDevice.Cuda, Linux);
        Assert.Contains("libcublasLt.so.13 could not be loaded", linux);
        Assert.Contains(DeviceProbe.CudaRequirement, linux);
        Assert.Contains(OnnxRuntimeEnvironment.Instance.GetVersionString(), linux);
        Assert.Contains("onnxruntime_providers_cuda.dll could not be loaded", DeviceProbe.CannotLoad(ExecutionDevice.Cuda, Windows).Replace("C:\\m\\engine\\runtimes\\win-x64\\native\\", ""));
        var directMl = DeviceProbe.CannotLoad(ExecutionDevice.DirectML, " odd ");
        Assert.Contains("ONNX Runtime said: odd", directMl);
        Assert.Contains("-Device Auto", directMl); // what to do instead
    }

    [Fact]
    public void A_device_is_tried_once_per_process_and_the_cpu_always_works()
    {
        Assert.True(DeviceProbe.Check(ExecutionDevice.Cpu).Works);
        Assert.Same(DeviceProbe.Check(ExecutionDevice.Cuda), DeviceProbe.Check(ExecutionDevice.Cuda));
        var refused = Assert.Throws<DeviceNotAvailableException>(() => ExecutionProviders.Resolve(ExecutionDevice.CoreML));
        Assert.Equal(ExecutionDevice.CoreML, refused.Device);
        Assert.Equal(DeviceProbe.Check(ExecutionDevice.CoreML).Problem, refused.Message);
        Assert.EndsWith("-Device Auto picks the best device that works here (the CPU always does).", refused.Message);
    }

    [Fact]
    public void Cuda_sessions_ask_cuDNN_for_its_pick_rather_than_benchmarking_every_convolution()
    {
        var options = ExecutionProviders.CudaOptions(1);
        Assert.Equal("HEURISTIC", options["cudnn_conv_algo_search"]);
        Assert.Equal("1", options["device_id"]);
        Assert.Equal("kSameAsRequested", options["arena_extend_strategy"]);
    }

    [Fact]
    public void The_engine_owns_ONNX_Runtimes_environment_and_keeps_its_log()
    {
        // A model with an initializer no node uses: ONNX Runtime warns while loading it, and the line must come to us.
        using var sessions = new SyntheticSessions();
        var spec = SyntheticModels.IsnetRed(32);
        spec.UnusedInitializer = true;
        sessions.Open(spec);
        Assert.True(OnnxRuntimeLog.Captures, "the engine must create ONNX Runtime's environment, with its logger, before anything else does");
        Assert.Contains(OnnxRuntimeLog.Drain(), line => line.Severity == "warning" && line.Message.Contains("Removing initializer 'unused'"));
    }
}
