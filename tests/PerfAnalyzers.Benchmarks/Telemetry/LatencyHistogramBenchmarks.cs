using BenchmarkDotNet.Attributes;
using PerfAnalyzers.Runtime.Telemetry;

namespace PerfAnalyzers.Benchmarks.Telemetry;

/// <summary>
/// Cost of recording one handling time into the in-process histograms, from one thread and from two threads at once
/// (the machine has two cores), where every record is an Interlocked increment on a shared counter array.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class LatencyHistogramBenchmarks
{
    private const int Operations = 1024;

    private readonly LatencyHistogram _histogram = new();
    private readonly SlidingWindowHistogram _window = new(6);
    private readonly long[] _nanoseconds = new long[Operations];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (int i = 0; i < Operations; i++)
        {
            _nanoseconds[i] = (long)(200_000 * Math.Exp(1.5 * (random.NextDouble() - 0.5)));
        }
    }

    /// <summary>LatencyHistogram.RecordNanoseconds.</summary>
    [Benchmark(OperationsPerInvoke = Operations, Baseline = true)]
    public void LatencyHistogramRecord()
    {
        long[] values = _nanoseconds;
        for (int i = 0; i < values.Length; i++)
        {
            _histogram.RecordNanoseconds(values[i]);
        }
    }

    /// <summary>SlidingWindowHistogram.RecordNanoseconds.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void SlidingWindowRecord()
    {
        long[] values = _nanoseconds;
        for (int i = 0; i < values.Length; i++)
        {
            _window.RecordNanoseconds(values[i]);
        }
    }

    /// <summary>Two threads recording the same values into one histogram; time per record (both threads' records counted).</summary>
    [Benchmark(OperationsPerInvoke = Operations * 2 * 64)]
    public void LatencyHistogramRecordTwoThreads()
    {
        var other = new Thread(RecordMany);
        other.Start();
        RecordMany();
        other.Join();
    }

    private void RecordMany()
    {
        long[] values = _nanoseconds;
        for (int round = 0; round < 64; round++)
        {
            for (int i = 0; i < values.Length; i++)
            {
                _histogram.RecordNanoseconds(values[i]);
            }
        }
    }
}
