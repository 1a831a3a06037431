using PerfAnalyzers.Runtime.Telemetry;

namespace PerfAnalyzers.Runtime.Tests.Telemetry;

public class SlidingWindowHistogramTests
{
    [Fact]
    public void Values_stay_in_the_window_for_interval_count_rotations()
    {
        var window = new SlidingWindowHistogram(3);
        window.Record(TimeSpan.FromMilliseconds(50));
        Assert.Equal(1, window.GetSnapshot().Count);

        window.Rotate();
        window.Record(TimeSpan.FromMilliseconds(1));
        window.Rotate();
        Assert.Equal(2, window.GetSnapshot().Count);
        Assert.Equal(0.050, window.GetSnapshot().Max, 9);

        window.Rotate(); // the 50 ms interval is cleared and becomes current
        LatencySnapshot s = window.GetSnapshot();
        Assert.Equal(1, s.Count);
        Assert.Equal(0.001, s.Max, 9);

        window.Rotate();
        Assert.Equal(0, window.GetSnapshot().Count);
    }

    [Fact]
    public void Snapshot_merges_intervals_like_one_histogram()
    {
        long[] values = LatencyHistogramTests.Generate("bimodal", 30_000, seed: 7);
        var window = new SlidingWindowHistogram(5);
        var whole = new LatencyHistogram();
        for (int i = 0; i < values.Length; i++)
        {
            if (i % 10_000 == 0 && i > 0) window.Rotate();
            window.RecordNanoseconds(values[i]);
            whole.RecordNanoseconds(values[i]);
        }

        Assert.Equal(whole.GetSnapshot(), window.GetSnapshot());
        Array.Sort(values);
        double exact = LatencyHistogramTests.ExactNearestRank(values, 99);
        Assert.InRange(window.GetSnapshot().P99 * 1e9, exact * 0.98, exact * 1.02);
    }

    [Fact]
    public void Single_interval_window_is_a_tumbling_window()
    {
        var window = new SlidingWindowHistogram(1);
        window.RecordNanoseconds(10);
        window.Rotate();
        Assert.Equal(0, window.GetSnapshot().Count);
        window.RecordNanoseconds(20);
        Assert.Equal(1, window.GetSnapshot().Count);
        window.Reset();
        Assert.Equal(0, window.GetSnapshot().Count);
    }

    [Fact]
    public void Interval_count_must_be_positive()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new SlidingWindowHistogram(0));
}
