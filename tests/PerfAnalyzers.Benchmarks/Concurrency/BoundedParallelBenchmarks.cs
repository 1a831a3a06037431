using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using PerfAnalyzers.Runtime.Concurrency;

namespace PerfAnalyzers.Benchmarks.Concurrency;

/// <summary>
/// Overhead per item of bounded concurrency over 100k trivial items (the work completes synchronously, so only the
/// machinery is measured): BoundedParallel.SelectAsync (ordered results) vs the unbounded Task.WhenAll(Select(...))
/// vs Parallel.ForEachAsync collecting into a ConcurrentBag (unordered).
/// Run: dotnet run -c Release --project tests/PerfAnalyzers.Benchmarks -- --filter *BoundedParallel* --job short
/// </summary>
[MemoryDiagnoser]
public class BoundedParallelBenchmarks
{
    private int[] _items = Array.Empty<int>();

    [Params(100_000)]
    public int Count { get; set; }

    public int MaxConcurrency { get; } = Environment.ProcessorCount;

    [GlobalSetup]
    public void Setup() => _items = Enumerable.Range(0, Count).ToArray();

    [Benchmark(Baseline = true)]
    public async Task<int> ParallelForEachAsync_ConcurrentBag()
    {
        var bag = new ConcurrentBag<int>();
        await Parallel.ForEachAsync(_items, new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrency }, (x, _) =>
        {
            bag.Add(x * 2);
            return ValueTask.CompletedTask;
        });
        return bag.Count;
    }

    [Benchmark]
    public async Task<int> BoundedParallel_SelectAsync()
    {
        var results = await BoundedParallel.SelectAsync(_items, (x, _) => new ValueTask<int>(x * 2), MaxConcurrency);
        return results.Length;
    }

    [Benchmark]
    public async Task<int> TaskWhenAll_Select_unbounded()
    {
        var results = await Task.WhenAll(_items.Select(x => Task.FromResult(x * 2)));
        return results.Length;
    }
}
