using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Common;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// How rules read options (issue #14): a TTL needs a unit, and an invalid rule-specific value never hides a valid
/// pack-wide one. Checked through the fixes that write the values (PERF006's TTL, PERF007's capacity).
/// </summary>
public class RuleOptionsTests
{
    private const string CacheUsings = """
        using System;
        using Microsoft.Extensions.Caching.Memory;

        """;

    private const string QueueUsings = """
        using System.Threading.Channels;

        """;

    private static Task VerifyTtlAsync(string editorConfig, string expected) =>
        new CodeFixTest<PERF006CacheEntryWithoutExpirationAnalyzer, PERF006SetCacheExpirationCodeFix>
        {
            TestCode = CacheUsings + "class C { void M(IMemoryCache cache) => [|cache.Set(\"a\", 1)|]; }",
            FixedCode = CacheUsings + "class C { void M(IMemoryCache cache) => cache.Set(\"a\", 1, " + expected + "); }",
            EditorConfig = editorConfig,
        }.RunAsync();

    [Theory]
    [InlineData("30s", "TimeSpan.FromSeconds(30)")]
    [InlineData("7m", "TimeSpan.FromMinutes(7)")]
    [InlineData("2h", "TimeSpan.FromHours(2)")]
    [InlineData("2d", "TimeSpan.FromDays(2)")]
    [InlineData("00:07:00", "TimeSpan.FromMinutes(7)")]
    [InlineData("30", "TimeSpan.FromMinutes(5)")] // no unit: not 30 days, the default
    [InlineData("5:00", "TimeSpan.FromMinutes(5)")] // hours:minutes or minutes:seconds? refused, the default
    [InlineData("0s", "TimeSpan.FromMinutes(5)")]
    public Task Ttl_forms(string value, string expected) => VerifyTtlAsync("perf_analyzers.default_cache_ttl = " + value, expected);

    [Fact]
    public Task Invalid_rule_specific_ttl_falls_back_to_the_valid_pack_wide_one() =>
        VerifyTtlAsync("perf_analyzers.default_cache_ttl = 2h\nperf_analyzers.PERF006.default_cache_ttl = 30", "TimeSpan.FromHours(2)");

    [Fact]
    public Task Valid_rule_specific_ttl_still_wins() =>
        VerifyTtlAsync("perf_analyzers.default_cache_ttl = 2h\nperf_analyzers.PERF006.default_cache_ttl = 45s", "TimeSpan.FromSeconds(45)");

    [Theory]
    [InlineData("perf_analyzers.default_queue_capacity = 64\nperf_analyzers.PERF007.default_queue_capacity = banana", 64)]
    [InlineData("perf_analyzers.default_queue_capacity = 64\nperf_analyzers.PERF007.default_queue_capacity = 0", 64)]
    [InlineData("perf_analyzers.default_queue_capacity = -1\nperf_analyzers.PERF007.default_queue_capacity = 32", 32)]
    [InlineData("perf_analyzers.default_queue_capacity = nope\nperf_analyzers.PERF007.default_queue_capacity = 1e3", 1024)]
    public Task Invalid_rule_specific_capacity_never_hides_a_valid_pack_wide_one(string editorConfig, int expected) =>
        new CodeFixTest<PERF007UnboundedQueueAnalyzer, PERF007UseBoundedQueueCodeFix>
        {
            TestCode = QueueUsings + "class C { object c = [|Channel.CreateUnbounded<string>()|]; }",
            FixedCode = QueueUsings + "class C { object c = Channel.CreateBounded<string>(new BoundedChannelOptions(" + expected + ") { FullMode = BoundedChannelFullMode.Wait }); }",
            EditorConfig = editorConfig,
            CodeActionEquivalenceKey = PERF007UseBoundedQueueCodeFix.EquivalenceKey,
        }.RunAsync();

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("2h", 7200)]
    [InlineData("1d", 86400)]
    [InlineData(" 1D ", 86400)]
    [InlineData("00:00:30", 30)]
    [InlineData("1.00:00:00", 86400)]
    public void TryParseTimeSpan_accepts(string text, int seconds)
    {
        Assert.True(RuleOptions.TryParseTimeSpan(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("5:00")]
    [InlineData("1.5h")]
    [InlineData("-5m")]
    [InlineData("+5m")]
    [InlineData("5 m")]
    [InlineData("5ms")]
    [InlineData("0m")]
    [InlineData("00:00:00")]
    [InlineData("99999999999999999d")]
    [InlineData("banana")]
    public void TryParseTimeSpan_refuses(string? text) => Assert.False(RuleOptions.TryParseTimeSpan(text, out _));
}
