using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>PERF006: a GetOrCreate factory whose entry parameter is `_` gets a named entry, not `_.AbsoluteExpirationRelativeToNow`.</summary>
public class PERF006DiscardParameterTests
{
    private const string Usings = """
        using System;
        using System.Threading.Tasks;
        using Microsoft.Extensions.Caching.Memory;

        """;

    [Fact]
    public Task A_discard_parameter_is_named_entry() =>
        new CodeFixTest<PERF006CacheEntryWithoutExpirationAnalyzer, PERF006SetCacheExpirationCodeFix>
        {
            TestCode = Usings + """
                class C
                {
                    int Load() => 42;

                    int M(IMemoryCache cache, int entry)
                    {
                        var a = [|cache.GetOrCreate("a", _ => Load())|];
                        var b = [|cache.GetOrCreate("b", _ => Load() + entry)|];
                        return a + b;
                    }
                }
                """,
            FixedCode = Usings + """
                class C
                {
                    int Load() => 42;

                    int M(IMemoryCache cache, int entry)
                    {
                        var a = cache.GetOrCreate("a", entry =>
                        {
                            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                            return Load();
                        });
                        var b = cache.GetOrCreate("b", cacheEntry =>
                        {
                            cacheEntry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                            return Load() + entry;
                        });
                        return a + b;
                    }
                }
                """,
        }.RunAsync();
}
