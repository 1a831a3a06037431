using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF009IntermediateCollectionAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF009's cheaper scans (issue #15, analyzer cost) answer as the full ones did: the local's one use is found among
/// longer words that contain its name, and a call's namespace is read without building its display string.
/// </summary>
public class PERF009ScanTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;

        """;

    [Fact]
    public Task A_local_whose_name_is_part_of_longer_words_is_followed_to_its_one_use() =>
        Verify.VerifyAsync(Usings + """
            class C
            {
                int M(List<int> orders, List<int> customerIds)
                {
                    var ids = orders.Where(o => o > 0).[|ToList()|];
                    var idsByKey = customerIds.Count; // "ids" inside longer names and a string: not uses
                    var label = "ids";
                    return ids.Sum() + idsByKey + label.Length;
                }

                int Twice(List<int> orders)
                {
                    var ids = orders.Where(o => o > 0).ToList();
                    return ids.Sum() + @ids.Count; // a verbatim identifier is the same local: read twice, not reported
                }
            }
            """);

    [Fact]
    public Task A_snapshot_loop_calling_into_system_or_logging_is_reported_and_elsewhere_is_not() =>
        Verify.VerifyAsync(Usings + """
            namespace Microsoft.Extensions.Logging { public static class Log { public static void Write(int x) { } } }
            namespace Microsoft.Extensions.LoggingTools { public static class Trace { public static void Write(int x) { } } }
            namespace Microsoft.Extensions.Caching { public static class Cache { public static void Touch(int x) { } } }
            namespace SystemTools { public static class Store { public static void Save(int x) { } } }
            namespace System.Text.Extra { public static class Pure { public static void Use(int x) { } } }

            class C
            {
                private readonly List<int> _items = new();

                void M()
                {
                    foreach (var x in _items.Where(v => v > 0).[|ToList()|]) Microsoft.Extensions.Logging.Log.Write(x);
                    foreach (var x in _items.Where(v => v > 0).[|ToList()|]) Microsoft.Extensions.LoggingTools.Trace.Write(x);
                    foreach (var x in _items.Where(v => v > 0).[|ToList()|]) System.Text.Extra.Pure.Use(x);
                    // Calls out of the method (not System, not logging): they may change the field being walked.
                    foreach (var x in _items.Where(v => v > 0).ToList()) Microsoft.Extensions.Caching.Cache.Touch(x);
                    foreach (var x in _items.Where(v => v > 0).ToList()) SystemTools.Store.Save(x);
                }
            }
            """);
}
