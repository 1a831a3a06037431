using System.Text;
using BenchmarkDotNet.Attributes;

namespace PerfAnalyzers.Benchmarks.Rules;

/// <summary>
/// What PERF001 is about: building one string from N pieces with <c>+=</c> in a loop (each step copies the string so
/// far: O(N²)) against the code the fix writes (<c>StringBuilder</c>) and <c>string.Join</c> (the Aggregate fix).
/// Run: dotnet run -c Release --project tests/PerfAnalyzers.Benchmarks -- --filter '*PERF001*' --job short
/// </summary>
[MemoryDiagnoser]
public class PERF001StringConcatenationBenchmarks
{
    private string[] _pieces = Array.Empty<string>();

    [Params(100, 1_000, 10_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup() => _pieces = Enumerable.Range(0, N).Select(i => "line " + i.ToString("D5") + ";").ToArray();

    [Benchmark(Baseline = true)]
    public string ConcatenateInLoop()
    {
        var s = "";
        foreach (var piece in _pieces)
        {
            s += piece;
        }

        return s;
    }

    [Benchmark]
    public string StringBuilderAsFixed()
    {
        var s = "";
        var sBuilder = new StringBuilder(s);
        foreach (var piece in _pieces)
        {
            sBuilder.Append(piece);
        }

        s = sBuilder.ToString();
        return s;
    }

    [Benchmark]
    public string StringJoin() => string.Join("", _pieces);
}
