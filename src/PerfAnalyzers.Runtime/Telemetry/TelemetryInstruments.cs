using System.Diagnostics.Metrics;
using System.Reflection;

namespace PerfAnalyzers.Runtime.Telemetry;

/// <summary>The instruments of this folder, created once.</summary>
internal static class TelemetryInstruments
{
    // TODO(merge with the statemachine branch): use StateMachineTelemetry.Meter so the process has exactly one Meter of this name.
    internal static readonly Meter Meter = new(
        TelemetryNames.MeterName,
        typeof(TelemetryInstruments).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    internal static readonly Counter<long> SloViolations = Meter.CreateCounter<long>(
        TelemetryNames.SloViolations, "{violation}", "SLO percentiles found above target (one per target, percentile and evaluation).");

    internal static readonly Counter<long> MemoryGrowthAlerts = Meter.CreateCounter<long>(
        TelemetryNames.MemoryGrowthAlerts, "{alert}", "MemoryWatch windows in which memory grew by more than the threshold.");

    internal static readonly Histogram<double> MemoryWindowGrowth = Meter.CreateHistogram<double>(
        TelemetryNames.MemoryWindowGrowth, "1", "Memory growth over each completed MemoryWatch window (0.25 = +25%).");
}
