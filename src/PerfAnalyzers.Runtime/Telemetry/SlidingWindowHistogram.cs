using System;
using System.Threading;

namespace PerfAnalyzers.Runtime.Telemetry;

/// <summary>
/// A sliding-window latency histogram made of <see cref="IntervalCount"/> rotating <see cref="LatencyHistogram"/>s:
/// values go into the current interval; <see cref="Rotate"/> (called once per interval, e.g. by SloMonitor's
/// timer) clears the oldest interval and makes it current; <see cref="GetSnapshot"/> merges all intervals. With
/// N intervals of length T, a snapshot covers the last (N − 1) × T to N × T of time.
/// </summary>
/// <remarks>
/// Recording costs one volatile read more than <see cref="LatencyHistogram.RecordNanoseconds"/> and never allocates.
/// A recorder that read the current interval just before a rotation writes into the previous interval, which is still
/// inside the window; only a thread stalled for a whole window could write into an interval being cleared.
/// </remarks>
public sealed class SlidingWindowHistogram
{
    private readonly LatencyHistogram[] _intervals;
    private int _current;

    /// <summary>Creates a window of <paramref name="intervalCount"/> intervals (at least 1).</summary>
    public SlidingWindowHistogram(int intervalCount)
    {
        if (intervalCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(intervalCount), intervalCount, "At least one interval is needed.");
        }

        _intervals = new LatencyHistogram[intervalCount];
        for (int i = 0; i < intervalCount; i++)
        {
            _intervals[i] = new LatencyHistogram();
        }
    }

    /// <summary>The number of intervals the window holds.</summary>
    public int IntervalCount => _intervals.Length;

    /// <summary>The interval being recorded into.</summary>
    public LatencyHistogram Current => _intervals[Volatile.Read(ref _current)];

    /// <summary>Records one duration in nanoseconds into the current interval.</summary>
    public void RecordNanoseconds(long nanoseconds) => _intervals[Volatile.Read(ref _current)].RecordNanoseconds(nanoseconds);

    /// <summary>Records one duration into the current interval.</summary>
    public void Record(TimeSpan duration) => _intervals[Volatile.Read(ref _current)].Record(duration);

    /// <summary>Records a duration measured in <see cref="System.Diagnostics.Stopwatch"/> ticks into the current interval.</summary>
    public void RecordStopwatchTicks(long stopwatchTicks) => _intervals[Volatile.Read(ref _current)].RecordStopwatchTicks(stopwatchTicks);

    /// <summary>
    /// Ends the current interval: the oldest interval is cleared and becomes current. Call it from one thread at a time
    /// (a timer); recording may go on concurrently.
    /// </summary>
    public void Rotate()
    {
        int next = (Volatile.Read(ref _current) + 1) % _intervals.Length;
        _intervals[next].Reset();
        Volatile.Write(ref _current, next);
    }

    /// <summary>Percentiles over every interval in the window.</summary>
    public LatencySnapshot GetSnapshot()
    {
        var counts = new long[LatencyHistogram.BucketCount];
        long min = long.MaxValue, max = -1;
        foreach (var interval in _intervals)
        {
            interval.AddCountsTo(counts, ref min, ref max);
        }

        return LatencySnapshot.FromCounts(counts, min, max);
    }

    /// <summary>Clears every interval.</summary>
    public void Reset()
    {
        foreach (var interval in _intervals)
        {
            interval.Reset();
        }
    }
}
