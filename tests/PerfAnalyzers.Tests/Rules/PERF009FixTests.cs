using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>PERF009 fix: the intermediate materialisation goes, the local is inlined, the final one stays.</summary>
public class PERF009FixTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;

        """;

    private static Task Verify(string source, string fixedSource, string? batchFixed = null)
    {
        var test = new CodeFixTest<PERF009IntermediateCollectionAnalyzer, PERF009RemoveIntermediateCollectionCodeFix>
        {
            TestCode = Usings + source,
            FixedCode = Usings + fixedSource,
            CodeActionEquivalenceKey = PERF009RemoveIntermediateCollectionCodeFix.EquivalenceKey,
        };
        if (batchFixed is not null)
        {
            test.BatchFixedCode = Usings + batchFixed;
        }

        return test.RunAsync();
    }

    [Fact]
    public Task Chain_keeps_the_final_materialisation() =>
        Verify(
            """
            class C
            {
                List<int> M(List<int> orders) => orders.Where(o => o > 0).[|ToList()|].Select(o => o * 2).ToList();
            }
            """,
            """
            class C
            {
                List<int> M(List<int> orders) => orders.Where(o => o > 0).Select(o => o * 2).ToList();
            }
            """);

    [Fact]
    public Task Multi_line_seed_chain_is_fused_by_fix_all() =>
        Verify(
            """
            class C
            {
                int[] M(IEnumerable<int> list) =>
                    list
                        .Select(x => x * 2)
                        .[|ToList()|]
                        .Where(x => x % 3 == 0)
                        .[|ToArray()|]
                        .Select(x => x + 1)
                        .ToArray();
            }
            """,
            """
            class C
            {
                int[] M(IEnumerable<int> list) =>
                    list
                        .Select(x => x * 2)
                        .Where(x => x % 3 == 0)
                        .Select(x => x + 1)
                        .ToArray();
            }
            """);

    [Fact]
    public Task Chained_locals_are_inlined_one_into_the_next() =>
        Verify(
            """
            class C
            {
                int M(IEnumerable<string> lines)
                {
                    var lengths = lines.Select(l => l.Length).[|ToList()|];
                    var evens = lengths.Where(l => l % 2 == 0).[|ToArray()|];
                    var total = 0;
                    foreach (var e in evens)
                    {
                        total += e;
                    }

                    return total;
                }
            }
            """,
            """
            class C
            {
                int M(IEnumerable<string> lines)
                {
                    var total = 0;
                    foreach (var e in lines.Select(l => l.Length).Where(l => l % 2 == 0))
                    {
                        total += e;
                    }

                    return total;
                }
            }
            """);

    [Fact]
    public Task Foreach_collection_and_static_form() =>
        Verify(
            """
            class C
            {
                int M(IEnumerable<string> names)
                {
                    var n = 0;
                    foreach (var s in names.Where(s => s.Length > 1).[|ToArray()|]) { n += s.Length; }
                    return n + Enumerable.Sum(Enumerable.[|ToList(names.Select(s => s.Length))|]);
                }
            }
            """,
            """
            class C
            {
                int M(IEnumerable<string> names)
                {
                    var n = 0;
                    foreach (var s in names.Where(s => s.Length > 1)) { n += s.Length; }
                    return n + Enumerable.Sum(names.Select(s => s.Length));
                }
            }
            """);

    [Fact]
    public Task ToHashSet_becomes_Distinct_with_its_comparer() =>
        Verify(
            """
            class C
            {
                List<string> M(string[] words) => words.[|ToHashSet(StringComparer.OrdinalIgnoreCase)|].Select(w => w.Trim()).ToList();
                int N(string[] words) => words.[|ToHashSet()|].Count();
            }
            """,
            """
            class C
            {
                List<string> M(string[] words) => words.Distinct(StringComparer.OrdinalIgnoreCase).Select(w => w.Trim()).ToList();
                int N(string[] words) => words.Distinct().Count();
            }
            """);

    [Fact]
    public Task Explicit_type_arguments_are_reported_without_fix() =>
        new CodeFixTest<PERF009IntermediateCollectionAnalyzer, PERF009RemoveIntermediateCollectionCodeFix>
        {
            TestCode = Usings + """
                class C
                {
                    void M(string[] words, IEnumerable<string> items)
                    {
                        foreach (var pair in words.ToDictionary(w => w, w => w.Length)) { }
                        var typed = items.[|ToList<object>()|].Select(x => x.ToString()).ToList();
                    }
                }
                """,
            FixedCode = Usings + """
                class C
                {
                    void M(string[] words, IEnumerable<string> items)
                    {
                        foreach (var pair in words.ToDictionary(w => w, w => w.Length)) { }
                        var typed = items.[|ToList<object>()|].Select(x => x.ToString()).ToList();
                    }
                }
                """,
        }.RunAsync();

    [Fact]
    public Task Local_with_a_comment_is_reported_without_fix() =>
        new CodeFixTest<PERF009IntermediateCollectionAnalyzer, PERF009RemoveIntermediateCollectionCodeFix>
        {
            TestCode = Usings + """
                class C
                {
                    int M(IEnumerable<int> items)
                    {
                        // keep this note
                        var xs = items.Select(x => x + 1).[|ToList()|];
                        return xs.Sum();
                    }
                }
                """,
            FixedCode = Usings + """
                class C
                {
                    int M(IEnumerable<int> items)
                    {
                        // keep this note
                        var xs = items.Select(x => x + 1).[|ToList()|];
                        return xs.Sum();
                    }
                }
                """,
        }.RunAsync();
}
