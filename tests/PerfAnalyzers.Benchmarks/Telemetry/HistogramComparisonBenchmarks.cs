using BenchmarkDotNet.Attributes;
using HdrHistogram;
using PerfAnalyzers.Runtime.Telemetry;

namespace PerfAnalyzers.Benchmarks.Telemetry;

/// <summary>
/// <see cref="LatencyHistogram"/> against HdrHistogram.NET 2.5.0, same run: the cost of one record from one thread and
/// from two threads into one histogram, and the memory of one histogram (its constructor's allocation). Both cover
/// nanoseconds up to 2^42 (73 minutes). HdrHistogram's <c>LongHistogram</c> is not thread-safe; its thread-safe forms
/// are <c>LongConcurrentHistogram</c> and the <c>Recorder</c> (interval histograms behind a writer-reader phaser).
/// Percentile error against exact percentiles: <see cref="HistogramAccuracy"/> (<c>dotnet run -c Release -- histogram-accuracy</c>).
/// </summary>
[MemoryDiagnoser]
public class HistogramComparisonBenchmarks
{
    private const int Operations = 1024;
    private const long Highest = (1L << 42) - 1;

    private readonly long[] _nanoseconds = new long[Operations];
    private LatencyHistogram _ours = null!;
    private LongHistogram _hdr = null!;
    private LongConcurrentHistogram _hdrConcurrent = null!;
    private Recorder _recorder = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (var i = 0; i < Operations; i++)
        {
            _nanoseconds[i] = (long)(200_000 * Math.Exp(1.5 * (random.NextDouble() - 0.5)));
        }

        _ours = new LatencyHistogram();
        _hdr = new LongHistogram(Highest, 2);
        _hdrConcurrent = new LongConcurrentHistogram(1, Highest, 2);
        _recorder = new Recorder(1, Highest, 2, static (id, lowest, highest, digits) => new LongConcurrentHistogram(id, lowest, highest, digits));
    }

    [Benchmark(OperationsPerInvoke = Operations, Baseline = true)]
    public void Ours_Record() => Record(_ours);

    [Benchmark(OperationsPerInvoke = Operations)]
    public void HdrLong_Record_NotThreadSafe()
    {
        var values = _nanoseconds;
        for (var i = 0; i < values.Length; i++)
        {
            _hdr.RecordValue(values[i]);
        }
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public void HdrLongConcurrent_Record() => Record(_hdrConcurrent);

    [Benchmark(OperationsPerInvoke = Operations)]
    public void HdrRecorder_Record()
    {
        var values = _nanoseconds;
        for (var i = 0; i < values.Length; i++)
        {
            _recorder.RecordValue(values[i]);
        }
    }

    /// <summary>Two threads recording into one histogram; time per record (both threads' records counted).</summary>
    [Benchmark(OperationsPerInvoke = Operations * 2 * 64)]
    public void Ours_RecordTwoThreads() => TwoThreads(() => { for (var r = 0; r < 64; r++) { Record(_ours); } });

    [Benchmark(OperationsPerInvoke = Operations * 2 * 64)]
    public void HdrLongConcurrent_RecordTwoThreads() => TwoThreads(() => { for (var r = 0; r < 64; r++) { Record(_hdrConcurrent); } });

    [Benchmark(OperationsPerInvoke = Operations * 2 * 64)]
    public void HdrRecorder_RecordTwoThreads() => TwoThreads(() =>
    {
        var values = _nanoseconds;
        for (var r = 0; r < 64; r++)
        {
            for (var i = 0; i < values.Length; i++)
            {
                _recorder.RecordValue(values[i]);
            }
        }
    });

    /// <summary>Memory of one histogram: see the Allocated column.</summary>
    [Benchmark]
    public object Ours_New() => new LatencyHistogram();

    [Benchmark]
    public object HdrLong_New_2Digits() => new LongHistogram(Highest, 2);

    [Benchmark]
    public object HdrLongConcurrent_New_2Digits() => new LongConcurrentHistogram(1, Highest, 2);

    [Benchmark]
    public object HdrLong_New_3Digits() => new LongHistogram(Highest, 3);

    private void Record(LatencyHistogram histogram)
    {
        var values = _nanoseconds;
        for (var i = 0; i < values.Length; i++)
        {
            histogram.RecordNanoseconds(values[i]);
        }
    }

    private void Record(HistogramBase histogram)
    {
        var values = _nanoseconds;
        for (var i = 0; i < values.Length; i++)
        {
            histogram.RecordValue(values[i]);
        }
    }

    private static void TwoThreads(Action work)
    {
        var other = new Thread(() => work());
        other.Start();
        work();
        other.Join();
    }
}

/// <summary>
/// Percentile error against exact percentiles (sorted samples, nearest rank) on 1,000,000 recorded values per data set,
/// and the bytes one histogram allocates: <c>dotnet run -c Release -- histogram-accuracy</c>. Deterministic (fixed seeds).
/// </summary>
public static class HistogramAccuracy
{
    private const long Highest = (1L << 42) - 1;

    public static void Run()
    {
        const int count = 1_000_000;
        var sets = new (string Name, Func<Random, long> Next)[]
        {
            ("uniform 1 us..10 ms", r => 1_000 + (long)(r.NextDouble() * 9_999_000)),
            ("log-normal (median 200 us, sigma 1)", r => (long)(200_000 * Math.Exp(Gaussian(r)))),
            ("bimodal (90% ~50 us, 10% ~5 ms)", r => r.NextDouble() < 0.9 ? (long)(50_000 * Math.Exp(0.2 * Gaussian(r))) : (long)(5_000_000 * Math.Exp(0.2 * Gaussian(r)))),
        };
        var percentiles = new[] { 50.0, 90.0, 95.0, 99.0, 99.9 };

        Console.WriteLine($"Bytes allocated by one histogram: LatencyHistogram {Allocation(() => new LatencyHistogram()):N0}; " +
            $"HdrHistogram LongHistogram 2 digits {Allocation(() => new LongHistogram(Highest, 2)):N0}, 3 digits {Allocation(() => new LongHistogram(Highest, 3)):N0}; " +
            $"LongConcurrentHistogram 2 digits {Allocation(() => new LongConcurrentHistogram(1, Highest, 2)):N0}; Recorder 2 digits {Allocation(() => new Recorder(1, Highest, 2, static (id, lo, hi, d) => new LongConcurrentHistogram(id, lo, hi, d))):N0}");
        Console.WriteLine();
        Console.WriteLine("| Data | Percentile | Exact | LatencyHistogram (error) | HdrHistogram 2 digits (error) | HdrHistogram 3 digits (error) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (name, next) in sets)
        {
            var random = new Random(7);
            var values = new long[count];
            var ours = new LatencyHistogram();
            var hdr2 = new LongHistogram(Highest, 2);
            var hdr3 = new LongHistogram(Highest, 3);
            for (var i = 0; i < count; i++)
            {
                var v = Math.Clamp(next(random), 0, Highest);
                values[i] = v;
                ours.RecordNanoseconds(v);
                hdr2.RecordValue(v);
                hdr3.RecordValue(v);
            }

            Array.Sort(values);
            var worst = new double[3];
            foreach (var p in percentiles)
            {
                var exact = values[Math.Max(0, (int)Math.Ceiling(p / 100 * count) - 1)];
                var a = ours.GetPercentile(p) * 1e9;
                var b = (double)hdr2.GetValueAtPercentile(p);
                var c = (double)hdr3.GetValueAtPercentile(p);
                var errors = new[] { (a - exact) / exact, (b - exact) / exact, (c - exact) / exact };
                for (var k = 0; k < 3; k++)
                {
                    worst[k] = Math.Max(worst[k], Math.Abs(errors[k]));
                }

                Console.WriteLine($"| {name} | p{p} | {exact:N0} ns | {a:N0} ({errors[0]:+0.00%;-0.00%}) | {b:N0} ({errors[1]:+0.00%;-0.00%}) | {c:N0} ({errors[2]:+0.00%;-0.00%}) |");
            }

            Console.WriteLine($"| {name} | worst | | {worst[0]:0.00%} | {worst[1]:0.00%} | {worst[2]:0.00%} |");
        }
    }

    private static long Allocation(Func<object> create)
    {
        create(); // JIT and type initialisation outside the measurement
        var before = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(create());
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
