using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF009IntermediateCollectionAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF009 shapes found reviewing smartstore, btcpayserver and eShop (issue #15): a collection built before a lock or
/// using scope, a snapshot of a collection whose loop calls out of the method, work started by the materialisation
/// (tasks), ToDictionary (never reported), and test projects (Info).
/// </summary>
public class PERF009RealCodeShapesTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    private static DiagnosticResult Diag() => Expect.Diagnostic("PERF009");

    [Fact]
    public Task Built_before_a_lock_or_using_scope_that_traverses_it_is_not_reported() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                private readonly object _lock = new();
                private readonly HashSet<string> _invalid = new();

                void Invalidate(IEnumerable<Type> types)
                {
                    // smartstore DbCache: the keys are computed outside the lock, then walked under it.
                    var sets = types.Distinct().Select(t => t.FullName!).ToArray();
                    lock (_lock)
                    {
                        foreach (var set in sets) _invalid.Add(set);
                    }
                }

                void Write(IEnumerable<int> values, string path)
                {
                    var lines = values.Select(v => v.ToString()).ToList();
                    using (var writer = new StreamWriter(path))
                    {
                        foreach (var line in lines) writer.WriteLine(line);
                    }
                }

                void Still(IEnumerable<int> values)
                {
                    lock (_lock)
                    {
                        var lines = values.Select(v => v.ToString()).[|ToList()|];
                        foreach (var line in lines) _invalid.Add(line);
                    }
                }
            }
            """);

    [Fact]
    public Task A_snapshot_of_a_collection_whose_loop_calls_out_is_not_reported() =>
        Verify.VerifyAsync(Usings + """
            class Ctx { public int Detach(object o) => 1; }

            class C
            {
                static void Normalize(IDictionary<string, object> node) { }

                int M(Ctx ctx, IEnumerable<object> list, IDictionary<string, object> obj, List<int> numbers)
                {
                    var n = 0;
                    // smartstore DbContextExtensions: detaching may remove the entity from the navigation collection.
                    foreach (var item in list.ToList()) n += ctx.Detach(item);
                    // smartstore JsonLdFragment / AIResponseSchema: the call may change the node being walked.
                    foreach (var pair in obj.ToArray()) Normalize((IDictionary<string, object>)pair.Value);
                    // No call out: the copy is only a copy.
                    foreach (var x in numbers.[|ToList()|]) n += x;
                    foreach (var y in numbers.Where(v => v > 0).[|ToList()|]) n += ctx.Detach(y);
                    return n;
                }
            }
            """);

    [Fact]
    public Task A_materialisation_that_starts_tasks_is_not_reported() =>
        Verify.VerifyAsync(Usings + """
            interface IProvider { Task<int> GetRatesAsync(CancellationToken token); }

            class C
            {
                int M(Dictionary<string, IProvider> providers)
                {
                    // btcpayserver ThirdPartyTests: every fetch starts in the ToList; the loop then reads the results.
                    var list = providers.Select(p => (Name: p.Key, Result: p.Value.GetRatesAsync(default))).ToList();
                    var total = 0;
                    foreach (var item in list) total += item.Result.Result;
                    foreach (var t in providers.Values.Select(async p => await p.GetRatesAsync(default)).ToArray()) total += t.Result;
                    return total;
                }
            }
            """);

    [Fact]
    public Task ToDictionary_is_not_reported() =>
        Verify.VerifyAsync(Usings + """
            record State(string ExchangeName);

            class C
            {
                void M(List<State> states)
                {
                    // btcpayserver RatesHostedService: the pairs are not the source's elements, and duplicate keys throw.
                    var byExchange = states.ToDictionary(o => o.ExchangeName);
                    foreach (var kv in byExchange) Console.WriteLine(kv.Key);
                    foreach (var kv in states.Where(s => s.ExchangeName != "").ToDictionary(s => s.ExchangeName, s => 1)) Console.WriteLine(kv.Value);
                }
            }
            """);

    private const string TestCode = Usings + """
        class C
        {
            List<int> M(IEnumerable<int> values) => values.Where(v => v > 0).{|#0:ToList()|}.Select(v => v * 2).ToList();
        }
        """;

    [Fact]
    public Task Info_in_a_test_project() =>
        new AnalyzerTest<PERF009IntermediateCollectionAnalyzer>
        {
            TestCode = TestCode,
            EditorConfig = "build_property.IsTestProject = true",
            ExpectedDiagnostics = { Diag().WithLocation(0).WithSeverity(DiagnosticSeverity.Info) },
        }.RunAsync();

    [Fact]
    public Task Warning_outside_test_projects() =>
        new AnalyzerTest<PERF009IntermediateCollectionAnalyzer>
        {
            TestCode = TestCode,
            EditorConfig = "build_property.IsTestProject = false",
            ExpectedDiagnostics = { Diag().WithLocation(0).WithSeverity(DiagnosticSeverity.Warning) },
        }.RunAsync();
}
