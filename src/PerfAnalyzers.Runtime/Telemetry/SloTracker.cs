using System;

namespace PerfAnalyzers.Runtime.Telemetry;

/// <summary>
/// One latency objective tracked by a <see cref="SloMonitor"/> (the seed's <c>slo_target</c>: p95 and/or p99 of a machine
/// type, or of one of its message types, over a sliding window) and the window of latencies it is judged on. Recording
/// is lock-free and allocation-free.
/// </summary>
public sealed class SloTracker
{
    internal SloTracker(string machine, string? message, double? p95Seconds, double? p99Seconds, TimeSpan window, int minimumCount, int intervalCount)
    {
        Machine = machine;
        Message = message;
        P95Seconds = p95Seconds;
        P99Seconds = p99Seconds;
        Window = window;
        MinimumCount = minimumCount;
        Name = message is null ? machine : machine + "." + message;
        Histogram = new SlidingWindowHistogram(intervalCount);
    }

    /// <summary>The machine type name (the <c>statemachine.type</c> tag).</summary>
    public string Machine { get; }

    /// <summary>The message type name (the <c>statemachine.message</c> tag), or <see langword="null"/> for every message of the machine.</summary>
    public string? Message { get; }

    /// <summary>The 95th-percentile target in seconds, if any.</summary>
    public double? P95Seconds { get; }

    /// <summary>The 99th-percentile target in seconds, if any.</summary>
    public double? P99Seconds { get; }

    /// <summary>The span the percentiles are computed over.</summary>
    public TimeSpan Window { get; }

    /// <summary>The fewest samples in the window for the objective to be judged.</summary>
    public int MinimumCount { get; }

    /// <summary><c>Machine</c> or <c>Machine.Message</c>.</summary>
    public string Name { get; }

    /// <summary>The sliding window of latencies (one interval per evaluation).</summary>
    public SlidingWindowHistogram Histogram { get; }

    /// <summary>Records one handling time.</summary>
    public void Record(TimeSpan duration) => Histogram.Record(duration);

    /// <summary>Records one handling time in seconds (the unit of <c>statemachine.message.duration</c>).</summary>
    public void RecordSeconds(double seconds) => Histogram.RecordNanoseconds((long)(seconds * 1e9));

    /// <summary>Records one handling time in nanoseconds.</summary>
    public void RecordNanoseconds(long nanoseconds) => Histogram.RecordNanoseconds(nanoseconds);

    /// <summary>Records one handling time in <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
    public void RecordStopwatchTicks(long stopwatchTicks) => Histogram.RecordStopwatchTicks(stopwatchTicks);

    /// <summary>Judges the objective on the current window (no event, no sliding).</summary>
    public SloEvaluation Evaluate()
    {
        LatencySnapshot window = Histogram.GetSnapshot();
        bool judged = window.Count > 0 && window.Count >= MinimumCount;
        bool p95Met = !judged || P95Seconds is not { } p95 || window.P95 <= p95;
        bool p99Met = !judged || P99Seconds is not { } p99 || window.P99 <= p99;
        return new SloEvaluation(this, window, judged, p95Met, p99Met);
    }

    /// <inheritdoc />
    public override string ToString()
        => FormattableString.Invariant($"{Name}: p95 <= {Format(P95Seconds)}, p99 <= {Format(P99Seconds)} over {Window.TotalSeconds:0.###} s");

    private static string Format(double? seconds) => seconds is { } s ? FormattableString.Invariant($"{s * 1e3:0.###} ms") : "-";
}

/// <summary>The result of judging one <see cref="SloTracker"/> on its window.</summary>
/// <param name="Tracker">The objective.</param>
/// <param name="Window">The percentiles over the window.</param>
/// <param name="Judged">Whether the window had enough samples (at least one, and <see cref="SloTracker.MinimumCount"/>).</param>
/// <param name="P95Met">False only when judged, with a p95 target, and the window's p95 is above it.</param>
/// <param name="P99Met">False only when judged, with a p99 target, and the window's p99 is above it.</param>
public readonly record struct SloEvaluation(SloTracker Tracker, LatencySnapshot Window, bool Judged, bool P95Met, bool P99Met)
{
    /// <summary>Whether every target is met (true as well when there were too few samples to judge).</summary>
    public bool IsMet => P95Met && P99Met;
}

/// <summary>One percentile of an objective found above target, raised by <see cref="SloMonitor.Violated"/>.</summary>
public sealed class SloViolationEventArgs : EventArgs
{
    internal SloViolationEventArgs(SloTracker tracker, string percentile, double targetSeconds, double observedSeconds, LatencySnapshot window, DateTimeOffset at)
    {
        Tracker = tracker;
        Percentile = percentile;
        TargetSeconds = targetSeconds;
        ObservedSeconds = observedSeconds;
        Window = window;
        At = at;
    }

    /// <summary>The objective.</summary>
    public SloTracker Tracker { get; }

    /// <summary><c>p95</c> or <c>p99</c>.</summary>
    public string Percentile { get; }

    /// <summary>The target that was exceeded, in seconds.</summary>
    public double TargetSeconds { get; }

    /// <summary>The observed percentile, in seconds.</summary>
    public double ObservedSeconds { get; }

    /// <summary>The window's percentiles.</summary>
    public LatencySnapshot Window { get; }

    /// <summary>When the evaluation ran (from the monitor's <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset At { get; }

    /// <summary>The seed's message: <c>SLO VIOLATION: name p99 latency … (target: … ms)</c>.</summary>
    public override string ToString()
        => FormattableString.Invariant(
            $"SLO VIOLATION: {Tracker.Name} {Percentile} latency {ObservedSeconds * 1e3:0.###} ms (target: {TargetSeconds * 1e3:0.###} ms) over {Window.Count} samples");
}
