using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Runtime.Telemetry;

/// <summary>
/// Names of the telemetry this folder publishes and reads. Everything is on the one runtime Meter,
/// <see cref="MeterName"/> (<see cref="StateMachineTelemetry.MeterName"/>); instrument names and tag keys
/// follow the state machines' metrics contract (docs/state-machines.md, docs/telemetry.md): lower-case dotted names,
/// durations in seconds, tags per machine type, never per instance.
/// </summary>
public static class TelemetryNames
{
    /// <summary>The runtime's Meter: enable it with <c>MeterProviderBuilder.AddMeter(TelemetryNames.MeterName)</c>.</summary>
    public const string MeterName = StateMachineTelemetry.MeterName;

    /// <summary>Counter, <c>{violation}</c>: SLO percentiles found above target by <see cref="SloMonitor"/>. Tags:
    /// <see cref="MachineTag"/>, <see cref="MessageTag"/> (absent for a machine-wide SLO), <see cref="PercentileTag"/>.</summary>
    public const string SloViolations = "statemachine.slo.violations";

    /// <summary>Counter, <c>{alert}</c>: <see cref="MemoryWatch"/> windows whose growth exceeded the threshold. Tag: <see cref="WatchTag"/>.</summary>
    public const string MemoryGrowthAlerts = "perfanalyzers.memory.growth_alerts";

    /// <summary>Histogram, <c>1</c> (a ratio: 0.25 = +25%): memory growth over each completed <see cref="MemoryWatch"/> window. Tag: <see cref="WatchTag"/>.</summary>
    public const string MemoryWindowGrowth = "perfanalyzers.memory.window_growth";

    /// <summary>The state machines' handling-time histogram (seconds) that <see cref="StateMachineLatencyListener"/> reads.</summary>
    public const string MessageDuration = StateMachineTelemetry.DurationInstrument;

    /// <summary>Tag: the machine type name.</summary>
    public const string MachineTag = StateMachineTelemetry.MachineTag;

    /// <summary>Tag: the message type name.</summary>
    public const string MessageTag = StateMachineTelemetry.MessageTag;

    /// <summary>Tag: the violated percentile, <c>p95</c> or <c>p99</c>.</summary>
    public const string PercentileTag = "statemachine.slo.percentile";

    /// <summary>Tag: a <see cref="MemoryWatch"/>'s name (<see cref="MemoryWatchOptions.Name"/>).</summary>
    public const string WatchTag = "perfanalyzers.memory.watch";
}
