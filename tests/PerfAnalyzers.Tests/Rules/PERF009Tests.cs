using Microsoft.CodeAnalysis;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF009IntermediateCollectionAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>PERF009: a collection materialised only to be traversed once more.</summary>
public class PERF009Tests
{
    private const string Usings = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Threading.Tasks;

        """;

    private static DiagnosticResult Diag(string id) => Expect.Diagnostic(id);

    private static Task VerifyAsync(string body, params DiagnosticResult[] expected) => Verify.VerifyAsync(Usings + body, expected);

    [Fact]
    public Task Chain_ToList_then_Select_is_reported_with_message() =>
        VerifyAsync("""
            record Order(bool Paid, decimal Total);

            class C
            {
                List<decimal> M(List<Order> orders) => orders.Where(o => o.Paid).{|#0:ToList()|}.Select(o => o.Total).ToList();
            }
            """,
            Diag("PERF009").WithLocation(0)
                .WithMessage("ToList() builds a collection that is traversed only once, by Select(): remove it and let Select() read the source directly")
                .WithSeverity(DiagnosticSeverity.Warning));

    [Fact]
    public Task Seed_map_filter_map_is_reported_at_each_intermediate_step() =>
        VerifyAsync("""
            class C
            {
                int[] M(IEnumerable<int> list) =>
                    list.Select(x => x * 2).[|ToList()|]
                        .Where(x => x % 3 == 0).[|ToArray()|]
                        .Select(x => x + 1).ToArray();
            }
            """);

    [Fact]
    public Task Foreach_over_a_materialised_chain_is_reported() =>
        VerifyAsync("""
            class C
            {
                int M(IEnumerable<string> names)
                {
                    var total = 0;
                    foreach (var n in names.Where(n => n.Length > 2).{|#0:ToList()|})
                    {
                        total += n.Length;
                    }

                    return total;
                }
            }
            """,
            Diag("PERF009").WithLocation(0).WithArguments("ToList()", "foreach"));

    [Fact]
    public Task Local_used_once_is_reported_with_its_name() =>
        VerifyAsync("""
            class C
            {
                List<int> M(IEnumerable<string> lines)
                {
                    var lengths = lines.Select(l => l.Length).{|#0:ToList()|};
                    var count = 3;
                    var evens = lengths.Where(l => l % 2 == 0).{|#1:ToArray()|};
                    var result = new List<int>();
                    foreach (var e in evens)
                    {
                        result.Add(e * count);
                    }

                    return result;
                }
            }
            """,
            Diag("PERF009").WithLocation(0).WithArguments("ToList() into 'lengths'", "Where()"),
            Diag("PERF009").WithLocation(1).WithArguments("ToArray() into 'evens'", "foreach"));

    [Fact]
    public Task ToHashSet_merely_enumerated_and_eager_terminals_are_reported() =>
        VerifyAsync("""
            class C
            {
                void M(string[] words)
                {
                    var a = words.[|ToHashSet()|].Select(w => w.ToUpperInvariant()).ToList();
                    var b = words.Select(w => w.Trim()).[|ToList()|].Count(w => w.Length > 0);
                    var c = words.Select(w => w.Trim()).[|ToArray()|].Any();
                    var d = string.Join(",", words.Where(w => w != "").[|ToList()|].Select(w => w.Length));
                    var e = new List<int>(words.Select(w => w.Length).[|ToList()|].Where(n => n > 1));
                    var f = Enumerable.Where(words.Select(w => w).[|ToList()|], w => w.Length > 1).ToList();
                    // ToDictionary is not reported since the #15 real-code review (its pairs are not the source's elements): PERF009RealCodeShapesTests.
                    foreach (var pair in words.ToDictionary(w => w, w => w.Length).OrderBy(p => p.Value)) { }
                }
            }
            """);

    [Fact]
    public Task Lambdas_local_functions_async_methods_and_generics_are_covered() =>
        VerifyAsync("""
            class C
            {
                async Task<int> M<T>(IEnumerable<T> items, Func<T, int> key)
                {
                    await Task.Yield();
                    Func<IEnumerable<T>, int> f = xs => xs.Select(key).[|ToList()|].Sum();
                    int Local(IEnumerable<T> xs) => xs.[|ToArray()|].Count();
                    return f(items) + Local(items) + items.Select(key).[|ToList()|].Max();
                }
            }
            """);

    [Fact]
    public Task Top_level_statements_are_covered() =>
        new AnalyzerTest<PerfAnalyzers.Rules.PERF009IntermediateCollectionAnalyzer>
        {
            TestCode = Usings + """
                var numbers = Enumerable.Range(0, 10);
                var doubled = numbers.Select(n => n * 2).[|ToList()|];
                Console.WriteLine(doubled.Where(n => n > 4).Sum());
                """,
            OutputKind = OutputKind.ConsoleApplication,
        }.RunAsync();

    [Fact]
    public Task Queryable_sources_are_not_reported() =>
        VerifyAsync("""
            class C
            {
                void M(IQueryable<int> query, IEnumerable<int> memory)
                {
                    var a = query.Where(x => x > 1).ToList().Select(x => x * 2).ToList();
                    var b = query.AsEnumerable().Where(x => x > 1).ToList().Select(x => x * 2).ToList();
                    foreach (var x in query.ToList()) { }
                    var c = memory.AsQueryable().Select(x => x).ToList().Where(x => x > 0).ToList();
                }
            }
            """);

    [Fact]
    public Task Results_enumerated_more_than_once_or_escaping_are_not_reported() =>
        VerifyAsync("""
            class C
            {
                List<int> _kept = new();

                IEnumerable<int> M(IEnumerable<int> items)
                {
                    var twice = items.Where(x => x > 0).ToList();
                    var sum = twice.Sum() + twice.Count;
                    var lazy = items.Where(x => x > 0).ToList().Select(x => x * 2);
                    var a = lazy.Sum() + lazy.Max();
                    var counted = items.ToList();
                    var n = counted.Count;
                    foreach (var x in counted) { }
                    var indexed = items.ToArray();
                    var first = indexed[0];
                    foreach (var x in indexed) { }
                    var passed = items.ToList();
                    Use(passed.Select(x => x));
                    _kept = items.ToList();
                    var captured = items.ToList();
                    Func<int> f = () => captured.Sum();
                    var inLoop = items.ToList();
                    for (var i = 0; i < 3; i++) { sum += inLoop.Sum(); }
                    var written = items.ToList();
                    written = new List<int>();
                    foreach (var x in written) { }
                    return items.Where(x => x > 1).ToList().Select(x => x);
                }

                void Use(IEnumerable<int> xs) { }
            }
            """);

    [Fact]
    public Task Source_changed_before_or_during_the_later_traversal_is_not_reported() =>
        VerifyAsync("""
            class C
            {
                private readonly List<int> _items = new();

                void Remove(int x) => _items.Remove(x);

                async Task M(List<int> list, Dictionary<int, string> map)
                {
                    foreach (var x in list.Where(x => x > 1).ToList()) { list.Remove(x); }
                    foreach (var k in map.Keys.ToList()) { map[k] = "x"; }
                    foreach (var k in map.Where(p => p.Value == "").ToList()) { map.Remove(k.Key); }
                    foreach (var x in _items.ToList()) { Remove(x); }
                    var snapshot = list.ToList();
                    list.Clear();
                    foreach (var x in snapshot) { }
                    foreach (var x in list.Select(x => x).ToList()) { await Task.Delay(x); }
                    var arr = list.ToArray();
                    list.Add(1);
                    var s = arr.Select(x => x).ToList();
                    var pending = list.ToList();
                    await Task.Delay(1);
                    foreach (var x in pending) { }
                    var viaAlias = list.ToList();
                    Mutate(list);
                    foreach (var x in viaAlias) { }
                }

                IEnumerable<int> Iterator(List<int> list)
                {
                    foreach (var x in list.Where(x => x > 0).ToList()) { yield return x; }
                }

                void Mutate(List<int> l) => l.Add(1);
            }
            """);

    [Fact]
    public Task Disposed_sources_and_try_blocks_are_not_reported() =>
        VerifyAsync("""
            class C
            {
                IEnumerable<string> Lines(TextReader r) { string? l; while ((l = r.ReadLine()) != null) yield return l; }

                int M(string path)
                {
                    var reader = new StringReader(path);
                    var lines = Lines(reader).ToList();
                    reader.Dispose();
                    var n = 0;
                    foreach (var l in lines) { n++; }
                    var parsed = Lines(new StringReader(path)).Select(int.Parse).ToList();
                    try
                    {
                        foreach (var p in parsed) { n += p; }
                    }
                    catch (FormatException) { }
                    return n;
                }
            }
            """);

    [Fact]
    public Task Side_effects_in_earlier_lambdas_are_not_reported() =>
        VerifyAsync("""
            class C
            {
                int _seen;

                int M(IEnumerable<int> items, List<int> log)
                {
                    var count = 0;
                    var a = items.Select(x => { count++; return x; }).ToList().Where(x => count > 3).Sum();
                    var b = items.Select(x => { log.Add(x); return x; }).ToList().Select(x => log.Count).Sum();
                    var c = items.Select(x => _seen = x).ToList().Sum(x => _seen);
                    Console.WriteLine(count);
                    return a + b + c;
                }
            }
            """);

    [Fact]
    public Task Concurrent_snapshots_lookups_and_non_linq_consumers_are_not_reported() =>
        VerifyAsync("""
            class C
            {
                void M(ConcurrentDictionary<int, string> cd, ConcurrentQueue<int> q, IEnumerable<int> items, Func<int, bool> isX)
                {
                    foreach (var pair in cd.ToList()) { }
                    foreach (var v in cd.Values.Where(v => v != null).ToList()) { }
                    var n = q.ToArray().Select(x => x).Sum();
                    var set = items.ToHashSet();
                    var hit = items.Where(x => set.Contains(x)).Count();
                    var contains = items.ToHashSet().Contains(3);
                    items.ToList().ForEach(x => { });
                    var reversed = items.ToList();
                    reversed.Reverse();
                    var arr = items.Select(x => x).ToArray().Reverse().ToList();
                    var len = items.ToArray().Length;
                }
            }
            """);

    [Fact]
    public Task Expression_trees_are_not_reported() =>
        VerifyAsync("""
            using System.Linq.Expressions;

            class C
            {
                Expression<Func<List<int>, int>> E = xs => xs.Where(x => x > 0).ToList().Sum();
            }
            """);

    [Fact]
    public Task Broken_and_odd_code_does_not_throw() =>
        new AnalyzerTest<PerfAnalyzers.Rules.PERF009IntermediateCollectionAnalyzer>
        {
            TestCode = Usings + """
                class C
                {
                    void M(IEnumerable<int> items, dynamic d)
                    {
                        var a = items.ToList().Select(;
                        var b = Unknown.ToList().Select(x => x).ToList();
                        var c = items.ToList(42).Select(x => x);
                        var e = d.ToList().Select(1);
                        foreach (var x in ) { }
                        var f = items.Select(x => x).ToList().;
                        var g = System.Linq.Enumerable.ToList();
                        ToList();
                    }
                }
                """,
            AllowCompilerErrors = true,
        }.RunAsync();

    [Fact]
    public Task Object_and_with_initialisers_in_earlier_lambdas_are_not_side_effects() =>
        VerifyAsync("""
            record Order(int Id, decimal Total);
            class Dto { public int Id; public decimal Total { get; set; } }

            class C
            {
                void M(IEnumerable<Order> orders)
                {
                    var a = orders.Select(o => o with { Total = o.Total * 2 }).[|ToList()|].Where(o => o.Total > 1).ToList();
                    var b = orders.Select(o => new Dto { Id = o.Id, Total = o.Total }).[|ToArray()|].Select(d => d.Total).Sum();
                }
            }
            """);

    [Fact]
    public Task Snapshots_of_outside_state_before_calling_out_are_not_reported() =>
        VerifyAsync("""
            interface IEvents { void Publish(object e); }

            class Tracker
            {
                private readonly Dictionary<int, string> _results = new();
                private readonly IEvents _events = null!;

                public IEnumerable<string> Current() => _results.Values;

                public void Notify(Tracker other, ILogSink log)
                {
                    var results = _results.Values.ToList();
                    foreach (var r in results) { _events.Publish(r); }
                    foreach (var r in other.Current().Where(x => x != "").ToList()) { _events.Publish(r); }
                    foreach (var r in _results.Values.Where(x => x != "").[|ToList()|]) { Console.WriteLine(r); }
                    var local = new List<string>();
                    foreach (var r in local.Where(x => x != "").[|ToList()|]) { _events.Publish(r); }
                }
            }

            interface ILogSink { }
            """);
}
