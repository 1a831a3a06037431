using System;

namespace PerfAnalyzers.Runtime.Telemetry;

/// <summary>
/// Where a machine records the latencies one <see cref="SloTarget"/> is judged on: a <see cref="SlidingWindowHistogram"/>
/// rotated by its <see cref="SloMonitor"/>. Recording is lock-free and allocation-free.
/// </summary>
public sealed class SloTracker
{
    internal SloTracker(SloTarget target, int intervalCount)
    {
        Target = target;
        Window = new SlidingWindowHistogram(intervalCount);
    }

    /// <summary>The objective.</summary>
    public SloTarget Target { get; }

    /// <summary>The sliding window of latencies.</summary>
    public SlidingWindowHistogram Window { get; }

    /// <summary>Records one handling time.</summary>
    public void Record(TimeSpan duration) => Window.Record(duration);

    /// <summary>Records one handling time in nanoseconds.</summary>
    public void RecordNanoseconds(long nanoseconds) => Window.RecordNanoseconds(nanoseconds);

    /// <summary>Records one handling time in <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
    public void RecordStopwatchTicks(long stopwatchTicks) => Window.RecordStopwatchTicks(stopwatchTicks);

    /// <summary>Judges the target on the current window.</summary>
    public SloEvaluation Evaluate()
    {
        LatencySnapshot window = Window.GetSnapshot();
        bool judged = window.Count > 0 && window.Count >= Target.MinimumCount;
        bool p95Met = !judged || Target.P95 is not { } p95 || window.P95 <= p95.TotalSeconds;
        bool p99Met = !judged || Target.P99 is not { } p99 || window.P99 <= p99.TotalSeconds;
        return new SloEvaluation(Target, window, p95Met, p99Met);
    }
}
