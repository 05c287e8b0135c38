using System.Management.Automation;
using RmbgPS.Engine.Inference;

namespace RmbgPS;

/// <summary>Writes the engine's notices (<see cref="EngineNotice"/>) from the pipeline thread, where PowerShell accepts them.</summary>
internal static class EngineNotices
{
    public static void Write(Cmdlet cmdlet)
    {
        foreach (var notice in EngineNotice.Take(RmbgEngine.Shared))
        {
            if (notice.IsWarning)
                cmdlet.WriteWarning(notice.Text);
            else
                cmdlet.WriteVerbose(notice.Text);
        }
    }
}
