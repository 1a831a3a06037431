using System;

namespace PerfAnalyzers.Runtime.Telemetry;

/// <summary>
/// Percentiles of a <see cref="LatencyHistogram"/> or <see cref="SlidingWindowHistogram"/> at one moment.
/// Durations are in seconds (the OpenTelemetry unit for durations). Percentiles use the nearest-rank definition
/// (the sample of rank ceil(p/100 × count)) and are within 0.8% of the exact sample value; <see cref="Min"/> and
/// <see cref="Max"/> are exact. All values are 0 when <see cref="Count"/> is 0.
/// </summary>
/// <param name="Count">Number of recorded durations.</param>
/// <param name="P50">Median, in seconds.</param>
/// <param name="P95">95th percentile, in seconds.</param>
/// <param name="P99">99th percentile, in seconds.</param>
/// <param name="Max">Largest recorded duration, in seconds.</param>
/// <param name="Min">Smallest recorded duration, in seconds.</param>
public readonly record struct LatencySnapshot(long Count, double P50, double P95, double P99, double Max, double Min)
{
    /// <summary>An empty snapshot.</summary>
    public static LatencySnapshot Empty => default;

    /// <summary>The median as a <see cref="TimeSpan"/> (100 ns resolution).</summary>
    public TimeSpan P50Duration => TimeSpan.FromTicks((long)Math.Round(P50 * TimeSpan.TicksPerSecond));

    /// <summary>The 95th percentile as a <see cref="TimeSpan"/> (100 ns resolution).</summary>
    public TimeSpan P95Duration => TimeSpan.FromTicks((long)Math.Round(P95 * TimeSpan.TicksPerSecond));

    /// <summary>The 99th percentile as a <see cref="TimeSpan"/> (100 ns resolution).</summary>
    public TimeSpan P99Duration => TimeSpan.FromTicks((long)Math.Round(P99 * TimeSpan.TicksPerSecond));

    /// <summary>The maximum as a <see cref="TimeSpan"/> (100 ns resolution).</summary>
    public TimeSpan MaxDuration => TimeSpan.FromTicks((long)Math.Round(Max * TimeSpan.TicksPerSecond));

    /// <inheritdoc />
    public override string ToString()
        => Count == 0
            ? "count=0"
            : FormattableString.Invariant(
                $"count={Count} p50={Format(P50)} p95={Format(P95)} p99={Format(P99)} max={Format(Max)}");

    internal static LatencySnapshot FromCounts(long[] counts, long min, long max)
    {
        long total = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            total += counts[i];
        }

        if (total == 0)
        {
            return Empty;
        }

        return new LatencySnapshot(
            total,
            LatencyHistogram.NanosecondsToSeconds(LatencyHistogram.ValueAtPercentile(counts, total, 50, min, max)),
            LatencyHistogram.NanosecondsToSeconds(LatencyHistogram.ValueAtPercentile(counts, total, 95, min, max)),
            LatencyHistogram.NanosecondsToSeconds(LatencyHistogram.ValueAtPercentile(counts, total, 99, min, max)),
            LatencyHistogram.NanosecondsToSeconds(Math.Max(max, 0)),
            LatencyHistogram.NanosecondsToSeconds(min == long.MaxValue ? 0 : min));
    }

    private static string Format(double seconds)
        => seconds >= 1 ? FormattableString.Invariant($"{seconds:0.###}s")
            : seconds >= 1e-3 ? FormattableString.Invariant($"{seconds * 1e3:0.###}ms")
            : seconds >= 1e-6 ? FormattableString.Invariant($"{seconds * 1e6:0.###}us")
            : FormattableString.Invariant($"{seconds * 1e9:0}ns");
}
