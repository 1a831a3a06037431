using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF006 fixes on the shapes of smartstore's four warnings (`MemoryCacheStore.GetHashSet/GetHashSetAsync`,
/// `DefaultWidgetProvider`, `ThemeVariableRepository`), which the RealCode tool showed as "fix: none": the tool dropped the
/// diagnostics' additional locations, through which the fix finds its target. The fixes themselves apply.
/// </summary>
public class PERF006SmartstoreShapesFixTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using Microsoft.Extensions.Caching.Memory;

        """;

    [Fact]
    public Task Smartstore_shapes_get_an_expiration() =>
        new CodeFixTest<PERF006CacheEntryWithoutExpirationAnalyzer, PERF006SetCacheExpirationCodeFix>
        {
            TestCode = Usings + """
                class Store
                {
                    private readonly IMemoryCache _cache;
                    private readonly HashSet<string> _keys = new();

                    public Store(IMemoryCache cache) => _cache = cache;

                    public object GetHashSet(string key)
                    {
                        var result = [|_cache.GetOrCreate(key, x =>
                        {
                            _keys.Add(key);
                            return new object();
                        })|];

                        return result;
                    }

                    public async Task<object> GetHashSetAsync(string key, Func<Task<object>> acquirer)
                    {
                        var result = await [|_cache.GetOrCreateAsync(key, async (x) =>
                        {
                            _keys.Add(key);
                            return await acquirer();
                        })|];

                        return result;
                    }

                    public string Parse(string cacheKey, string json)
                    {
                        try
                        {
                            return json.Trim();
                        }
                        catch
                        {
                            [|_cache.Set(cacheKey, string.Empty)|];
                        }

                        return null;
                    }
                }
                """,
            FixedCode = Usings + """
                class Store
                {
                    private readonly IMemoryCache _cache;
                    private readonly HashSet<string> _keys = new();

                    public Store(IMemoryCache cache) => _cache = cache;

                    public object GetHashSet(string key)
                    {
                        var result = _cache.GetOrCreate(key, x =>
                        {
                            x.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                            _keys.Add(key);
                            return new object();
                        });

                        return result;
                    }

                    public async Task<object> GetHashSetAsync(string key, Func<Task<object>> acquirer)
                    {
                        var result = await _cache.GetOrCreateAsync(key, async (x) =>
                        {
                            x.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                            _keys.Add(key);
                            return await acquirer();
                        });

                        return result;
                    }

                    public string Parse(string cacheKey, string json)
                    {
                        try
                        {
                            return json.Trim();
                        }
                        catch
                        {
                            _cache.Set(cacheKey, string.Empty, TimeSpan.FromMinutes(5));
                        }

                        return null;
                    }
                }
                """,
        }.RunAsync();
}
