using System;

namespace PerfAnalyzers.Runtime.Telemetry;

/// <summary>A latency objective: p95 and/or p99 over a sliding window, for a machine type or one of its message types.</summary>
/// <param name="Machine">The machine type's name.</param>
/// <param name="Message">The message type's name, or <see langword="null"/> for every message of the machine.</param>
/// <param name="P95">The 95th-percentile target, or <see langword="null"/> for none.</param>
/// <param name="P99">The 99th-percentile target, or <see langword="null"/> for none.</param>
/// <param name="Window">The sliding window the percentiles are computed over.</param>
/// <param name="MinimumCount">The fewest samples in the window for the target to be judged.</param>
public sealed record SloTarget(string Machine, string? Message, TimeSpan? P95, TimeSpan? P99, TimeSpan Window, int MinimumCount = 1)
{
    /// <summary>Machine, or machine.message: the <c>perfanalyzers.slo</c> tag.</summary>
    public string Name => Message is null ? Machine : Machine + "." + Message;
}

/// <summary>The result of evaluating one <see cref="SloTarget"/> over its window.</summary>
/// <param name="Target">The objective.</param>
/// <param name="Window">The percentiles over the window.</param>
/// <param name="P95Met">False only when there is a p95 target, enough samples, and the window's p95 exceeds it.</param>
/// <param name="P99Met">False only when there is a p99 target, enough samples, and the window's p99 exceeds it.</param>
public readonly record struct SloEvaluation(SloTarget Target, LatencySnapshot Window, bool P95Met, bool P99Met)
{
    /// <summary>Whether every target is met (also true when the window has too few samples to judge).</summary>
    public bool IsMet => P95Met && P99Met;

    /// <summary>Whether the window had enough samples to judge the target.</summary>
    public bool Judged => Window.Count > 0 && Window.Count >= Target.MinimumCount;
}

/// <summary>One violated percentile of an <see cref="SloTarget"/>, raised by <see cref="SloMonitor.Violated"/>.</summary>
public sealed class SloViolationEventArgs : EventArgs
{
    internal SloViolationEventArgs(SloTarget target, string percentile, TimeSpan limit, double observedSeconds, LatencySnapshot window, DateTimeOffset at)
    {
        Target = target;
        Percentile = percentile;
        Limit = limit;
        ObservedSeconds = observedSeconds;
        Window = window;
        At = at;
    }

    /// <summary>The objective.</summary>
    public SloTarget Target { get; }

    /// <summary><c>p95</c> or <c>p99</c>.</summary>
    public string Percentile { get; }

    /// <summary>The target that was exceeded.</summary>
    public TimeSpan Limit { get; }

    /// <summary>The observed percentile, in seconds.</summary>
    public double ObservedSeconds { get; }

    /// <summary>The window's percentiles.</summary>
    public LatencySnapshot Window { get; }

    /// <summary>When the evaluation ran (from the monitor's <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset At { get; }

    /// <inheritdoc />
    public override string ToString()
        => FormattableString.Invariant(
            $"SLO VIOLATION: {Target.Name} {Percentile} {ObservedSeconds * 1e3:0.###} ms (target {Limit.TotalMilliseconds:0.###} ms) over {Window.Count} samples");
}
