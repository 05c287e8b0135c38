using System.Management.Automation;
using RmbgPS.Engine.Inference;

namespace RmbgPS.Commands;

/// <summary>
/// <para type="synopsis">Shows the shared engine's device, the execution providers this build has, and the model in use.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "RmbgDevice")]
[OutputType(typeof(DeviceInfo))]
public sealed class GetRmbgDeviceCommand : PSCmdlet
{
    protected override void EndProcessing()
    {
        var status = RmbgEngine.Shared.GetStatus();
        EngineNotices.Write(this); // ONNX Runtime's log of a provider that would not load, under -Verbose
        WriteObject(new DeviceInfo(status));
    }
}
