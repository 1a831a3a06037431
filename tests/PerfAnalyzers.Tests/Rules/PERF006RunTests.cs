using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF006 fix, run: the original and the fixed code (the verifier proves the fixed text is exactly what the fix
/// produces) are compiled and executed against a real <c>MemoryCache</c> whose clock is faked through
/// <c>MemoryCacheOptions.Clock</c> (the <c>ISystemClock</c> that Microsoft.Extensions.Caching.Memory 10 supports).
/// Before the fix the entry is still there after an hour; after it, it is gone once the 5-minute TTL has passed.
/// </summary>
public class PERF006RunTests
{
    private const string Harness = """
        using System;
        using Microsoft.Extensions.Caching.Memory;
        using Microsoft.Extensions.Internal;

        public sealed class FakeClock : ISystemClock
        {
            public DateTimeOffset UtcNow { get; set; } = new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
        }

        public static class Harness
        {
            /// <summary>Stores through <paramref name="store"/>, moves the clock, and says whether the entry is still cached.</summary>
            public static bool PresentAfter(int minutes, bool useGetOrCreate)
            {
                var clock = new FakeClock();
                using var cache = new MemoryCache(new MemoryCacheOptions { Clock = clock });
                if (useGetOrCreate)
                {
                    Prices.Get(cache, "EUR");
                }
                else
                {
                    Prices.Store(cache, "EUR", 1.08m);
                }

                clock.UtcNow = clock.UtcNow.AddMinutes(minutes);
                return cache.TryGetValue("EUR", out _);
            }
        }

        """;

    private const string Original = """
        public static class Prices
        {
            public static void Store(IMemoryCache cache, string key, decimal price) => [|cache.Set(key, price)|];

            public static decimal Get(IMemoryCache cache, string key) => [|cache.GetOrCreate(key, entry => 1.08m)|];
        }
        """;

    private const string Fixed = """
        public static class Prices
        {
            public static void Store(IMemoryCache cache, string key, decimal price) => cache.Set(key, price, TimeSpan.FromMinutes(5));

            public static decimal Get(IMemoryCache cache, string key) => cache.GetOrCreate(key, entry =>
            {
                entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                return 1.08m;
            });
        }
        """;

    [Fact]
    public async Task Fixed_entries_expire_after_the_ttl_and_original_entries_never_do()
    {
        await CodeFixVerifier<PERF006CacheEntryWithoutExpirationAnalyzer, PERF006SetCacheExpirationCodeFix>.VerifyFixAsync(Harness + Original, Harness + Fixed);

        var original = TestCompiler.CompileAndLoad(Harness + Original.Replace("[|", string.Empty).Replace("|]", string.Empty));
        var fixedAssembly = TestCompiler.CompileAndLoad(Harness + Fixed);

        foreach (var useGetOrCreate in new[] { false, true })
        {
            Assert.Equal(true, TestCompiler.Invoke(original, "Harness", "PresentAfter", 4, useGetOrCreate));
            Assert.Equal(true, TestCompiler.Invoke(original, "Harness", "PresentAfter", 60 * 24, useGetOrCreate));

            Assert.Equal(true, TestCompiler.Invoke(fixedAssembly, "Harness", "PresentAfter", 4, useGetOrCreate));
            Assert.Equal(false, TestCompiler.Invoke(fixedAssembly, "Harness", "PresentAfter", 6, useGetOrCreate));
        }
    }
}
