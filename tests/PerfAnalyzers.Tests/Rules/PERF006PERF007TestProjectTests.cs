using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// Severity by evidence (#18): in a test project (<c>build_property.IsTestProject = true</c>) caches and queues are
/// test doubles. PERF006 is reported at Info there, PERF007 (Info already) is not reported.
/// </summary>
public class PERF006PERF007TestProjectTests
{
    private const string CacheCode = """
        using Microsoft.Extensions.Caching.Memory;
        using System.Runtime.Caching;

        class C
        {
            void M(IMemoryCache cache, ObjectCache objects)
            {
                {|#0:cache.Set("k", 42)|};
                {|#1:objects["k"] = 1|};
            }
        }
        """;

    private const string QueueCode = """
        using System.Collections.Concurrent;
        using System.Threading.Channels;

        class C
        {
            private readonly Channel<string> _inbox = {|#0:Channel.CreateUnbounded<string>()|};
            private readonly BlockingCollection<int> _queue = {|#1:new BlockingCollection<int>()|};
        }
        """;

    private static DiagnosticResult Diag(string id) => Expect.Diagnostic(id);

    [Fact]
    public Task PERF006_is_info_in_a_test_project() =>
        new AnalyzerTest<PERF006CacheEntryWithoutExpirationAnalyzer>
        {
            TestCode = CacheCode,
            EditorConfig = "build_property.IsTestProject = true",
            ExpectedDiagnostics =
            {
                Diag("PERF006").WithLocation(0).WithSeverity(DiagnosticSeverity.Info),
                Diag("PERF006").WithLocation(1).WithSeverity(DiagnosticSeverity.Info),
            },
        }.RunAsync();

    [Fact]
    public Task PERF006_stays_a_warning_outside_test_projects() =>
        new AnalyzerTest<PERF006CacheEntryWithoutExpirationAnalyzer>
        {
            TestCode = CacheCode,
            EditorConfig = "build_property.IsTestProject = false",
            ExpectedDiagnostics =
            {
                Diag("PERF006").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning),
                Diag("PERF006").WithLocation(1).WithSeverity(DiagnosticSeverity.Warning),
            },
        }.RunAsync();

    [Fact]
    public Task PERF007_is_not_reported_in_a_test_project() =>
        new AnalyzerTest<PERF007UnboundedQueueAnalyzer>
        {
            TestCode = QueueCode.Replace("{|#0:", "").Replace("{|#1:", "").Replace("|}", ""),
            EditorConfig = "build_property.IsTestProject = True",
        }.RunAsync();

    [Fact]
    public Task PERF007_stays_info_outside_test_projects() =>
        new AnalyzerTest<PERF007UnboundedQueueAnalyzer>
        {
            TestCode = QueueCode,
            ExpectedDiagnostics =
            {
                Diag("PERF007").WithLocation(0).WithSeverity(DiagnosticSeverity.Info),
                Diag("PERF007").WithLocation(1).WithSeverity(DiagnosticSeverity.Info),
            },
        }.RunAsync();
}
