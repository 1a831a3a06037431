using System.Diagnostics.Metrics;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Runtime.Telemetry;

/// <summary>The instruments of this folder, created once.</summary>
internal static class TelemetryInstruments
{
    /// <summary>The state machines' Meter: the process has exactly one Meter of this name.</summary>
    internal static Meter Meter => StateMachineTelemetry.Meter;

    internal static readonly Counter<long> SloViolations = StateMachineTelemetry.Meter.CreateCounter<long>(
        TelemetryNames.SloViolations, "{violation}", "SLO percentiles found above target (one per target, percentile and evaluation).");

    internal static readonly Counter<long> MemoryGrowthAlerts = StateMachineTelemetry.Meter.CreateCounter<long>(
        TelemetryNames.MemoryGrowthAlerts, "{alert}", "MemoryWatch windows in which memory grew by more than the threshold.");

    internal static readonly Histogram<double> MemoryWindowGrowth = StateMachineTelemetry.Meter.CreateHistogram<double>(
        TelemetryNames.MemoryWindowGrowth, "1", "Memory growth over each completed MemoryWatch window (0.25 = +25%).");
}
