using BenchmarkDotNet.Attributes;

namespace PerfAnalyzers.Benchmarks.Rules;

/// <summary>
/// What PERF009 is about: the seed's <c>map |&gt; filter |&gt; map</c> (002_*, Part 7, Anti-pattern 2) in C#, eager
/// (a <c>ToList()</c> after each step: three traversals, two throwaway lists) against fused (one lazy pipeline, one final
/// list: the code the fix writes), and a hand-written loop as the floor.
/// Run: dotnet run -c Release --project tests/PerfAnalyzers.Benchmarks -- --filter '*PERF009*' --job short
/// </summary>
[MemoryDiagnoser]
public class PERF009IntermediateCollectionBenchmarks
{
    private int[] _list = Array.Empty<int>();

    [Params(10, 1_000, 100_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _list = Enumerable.Range(0, N).Select(_ => random.Next(0, 1_000_000)).ToArray();
    }

    private static int Transform(int x) => x * 3 + 1;

    private static bool Valid(int x) => (x & 1) == 0;

    private static int Final(int x) => x / 2;

    [Benchmark(Baseline = true)]
    public List<int> Eager() =>
        _list.Select(Transform).ToList()
            .Where(Valid).ToList()
            .Select(Final).ToList();

    [Benchmark]
    public List<int> Fused() =>
        _list.Select(Transform)
            .Where(Valid)
            .Select(Final).ToList();

    [Benchmark]
    public List<int> HandWrittenLoop()
    {
        var result = new List<int>();
        foreach (var x in _list)
        {
            var t = Transform(x);
            if (Valid(t))
            {
                result.Add(Final(t));
            }
        }

        return result;
    }
}
