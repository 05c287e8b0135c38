using System.Management.Automation;
using RmbgPS.Engine.Inference;
using RmbgPS.Completers;
using RmbgPS.Engine.Models;
using RmbgPS.Engine.Batch;

namespace RmbgPS.Commands;

/// <summary>
/// <para type="synopsis">Chooses the device, threads and model of the shared inference engine; the next inference uses them.</para>
/// <para type="description">Parameters left out keep their current value. Loaded models are released once the commands still
/// using them finish, so a running batch is never cut short.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "RmbgDevice", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(DeviceInfo))]
public sealed class SetRmbgDeviceCommand : PSCmdlet
{
    [Parameter(Position = 0)]
    public ExecutionDevice Device { get; set; }

    [Parameter]
    [ValidateRange(0, 64)]
    public int DeviceId { get; set; }

    /// <summary>Intra-op threads for the CPU provider; 0 means the machine's physical cores (the default).</summary>
    [Parameter]
    [ValidateRange(0, 1024)]
    public int ThreadCount { get; set; }

    /// <summary>The model to use by default in this session: a path or a name in the model store. An empty string clears it.</summary>
    [Parameter]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(InstalledModelCompleter))]
    public string? Model { get; set; }

    /// <summary>Forces a processing profile (RMBG2, BiRefNet, RMBG14, ISNet, U2Net, ISNetRembg, ISNetAnime) instead of detecting it. An empty string clears it.</summary>
    [Parameter]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(ProfileNameCompleter))]
    public string? Profile { get; set; }

    /// <summary>The input size for models whose height and width are free (BiRefNet's dynamic export): a multiple of 32 from 256 to 4096; 0 for the model's own. Models with a fixed size ignore it.</summary>
    [Parameter]
    public int Resolution { get; set; }

    /// <summary>
    /// Loads models from their optimised graph cached in the model store (on by default: a new process starts
    /// several times faster). -OptimizedGraphCache:$false optimises at every load and writes no cache.
    /// </summary>
    [Parameter]
    public SwitchParameter OptimizedGraphCache { get; set; }

    /// <summary>
    /// Refuses to load a model that this machine's available memory (or its container's limit) cannot hold beside an
    /// image, with what to do instead, rather than letting the system kill the process (on by default; the CPU only).
    /// -MemoryCheck:$false loads it anyway, for a machine whose memory the check misjudges.
    /// </summary>
    [Parameter]
    public SwitchParameter MemoryCheck { get; set; }

    /// <summary>
    /// How a batch's worker threads (decode, resize, compose, encode beside the model) are scheduled: BelowNormal
    /// (the default), Idle (only cores nothing else wants: fastest on a machine dedicated to the batch, but next to
    /// another busy process the batch and Ctrl+C crawl), or Normal (for a GPU model). Changing only this keeps the
    /// loaded model.
    /// </summary>
    [Parameter]
    public WorkerPriority WorkerPriority { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        var engine = RmbgEngine.Shared;
        var current = engine.Settings;
        var next = current with
        {
            Device = Has(nameof(Device)) ? Device : current.Device,
            DeviceId = Has(nameof(DeviceId)) ? DeviceId : current.DeviceId,
            ThreadCount = Has(nameof(ThreadCount)) ? ThreadCount : current.ThreadCount,
            Model = Has(nameof(Model)) ? NullIfEmpty(this.ResolveModelArgument(Model)) : current.Model,
            Profile = Has(nameof(Profile)) ? NullIfEmpty(Profile) : current.Profile,
            Resolution = Has(nameof(Resolution)) ? Resolution : current.Resolution,
            CacheOptimizedGraph = Has(nameof(OptimizedGraphCache)) ? OptimizedGraphCache.IsPresent : current.CacheOptimizedGraph,
            CheckMemory = Has(nameof(MemoryCheck)) ? MemoryCheck.IsPresent : current.CheckMemory,
        };
        var priority = Has(nameof(WorkerPriority)) ? WorkerPriority : BatchThread.DefaultPriority;
        try
        {
            RmbgEngine.Validate(next); // before -WhatIf: a value that cannot be used is an error either way
        }
        catch (InvalidResolutionException e)
        {
            ThrowTerminatingError(ErrorRecords.ForResolution(e));
        }
        if (next.Profile is { } profile && ModelProfiles.Find(profile) is null)
            ThrowTerminatingError(ErrorRecords.Create(new ArgumentException($"Unknown profile '{profile}'. Known profiles: {ModelProfiles.KnownNames}."),
                ErrorIds.UnknownProfile, ErrorCategory.InvalidArgument, profile));

        if (!ShouldProcess("RmbgPS shared engine", $"Use device {next.Device} (id {next.DeviceId}), {next.EffectiveThreads} threads, model {next.Model ?? "(default lookup)"}, resolution {(next.Resolution == 0 ? "the model's own" : next.Resolution)}, memory check {(next.CheckMemory ? "on" : "off")}, workers at {priority} priority"))
            return;

        DeviceChoice effective;
        try
        {
            effective = engine.Configure(next);
        }
        catch (DeviceNotAvailableException e)
        {
            EngineNotices.Write(this);
            ThrowTerminatingError(ErrorRecords.Create(e, ErrorIds.DeviceNotAvailable, ErrorCategory.NotEnabled, next.Device));
            return;
        }
        var priorityChanged = priority != BatchThread.DefaultPriority;
        BatchThread.DefaultPriority = priority;
        EngineNotices.Write(this);
        WriteVerbose(next.Device == ExecutionDevice.Auto
            ? $"Device Auto resolved to {effective.Device} ({effective.ProviderName}; providers in this build: {string.Join(", ", ExecutionProviders.Available)})."
            : $"Device set to {effective.Device} ({effective.ProviderName}).");
        WriteVerbose(WhatChanged(current, next, priorityChanged ? priority : null));
        if (PassThru)
            WriteObject(new DeviceInfo(engine.GetStatus()));
    }

    private static string WhatChanged(EngineSettings current, EngineSettings next, WorkerPriority? newPriority)
    {
        if (!current.KeepsSessionsFor(next))
            return "Loaded models were released; the next inference loads the model with the new settings.";
        var kept = new List<string>();
        if (current.CheckMemory != next.CheckMemory)
            kept.Add($"The memory check is {(next.CheckMemory ? "on" : "off")} for the next load");
        if (newPriority is { } priority)
            kept.Add($"Batch workers will run at {priority} priority");
        return kept.Count == 0 ? "Nothing changed; the loaded model stays loaded." : $"{string.Join("; ", kept)}; the loaded model stays loaded.";
    }

    private bool Has(string parameter) => MyInvocation.BoundParameters.ContainsKey(parameter);

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
