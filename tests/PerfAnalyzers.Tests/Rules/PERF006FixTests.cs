using Microsoft.CodeAnalysis;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>PERF006 code fix: exact output for every form, Fix All, the configured TTL, and compiling results.</summary>
public class PERF006FixTests
{
    private const string Usings = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.Extensions.Caching.Memory;
        using Microsoft.Extensions.Caching.Distributed;

        """;

    private static Task VerifyFixAsync(string source, string fixedSource, string? editorConfig = null) =>
        new CodeFixTest<PERF006CacheEntryWithoutExpirationAnalyzer, PERF006SetCacheExpirationCodeFix>
        {
            TestCode = Usings + source,
            FixedCode = Usings + fixedSource,
            EditorConfig = editorConfig,
        }.RunAsync();

    [Fact]
    public Task Memory_set_gets_a_relative_expiration_argument() =>
        VerifyFixAsync("""
            class C
            {
                void M(IMemoryCache cache)
                {
                    [|cache.Set("a", 1)|];
                    [|CacheExtensions.Set(cache, "b", 2)|];
                    [|cache.Set(key: "c", value: 3)|];
                }
            }
            """, """
            class C
            {
                void M(IMemoryCache cache)
                {
                    cache.Set("a", 1, TimeSpan.FromMinutes(5));
                    CacheExtensions.Set(cache, "b", 2, TimeSpan.FromMinutes(5));
                    cache.Set(key: "c", value: 3, absoluteExpirationRelativeToNow: TimeSpan.FromMinutes(5));
                }
            }
            """);

    [Theory]
    [InlineData("00:00:30", "TimeSpan.FromSeconds(30)")]
    [InlineData("00:10:00", "TimeSpan.FromMinutes(10)")]
    [InlineData("1.00:00:00", "TimeSpan.FromHours(24)")]
    [InlineData("2.00:00:00", "TimeSpan.FromDays(2)")]
    [InlineData("00:01:30", "TimeSpan.FromSeconds(90)")]
    [InlineData("00:00:00.250", "TimeSpan.FromMilliseconds(250)")]
    [InlineData("garbage", "TimeSpan.FromMinutes(5)")]
    [InlineData("-00:01:00", "TimeSpan.FromMinutes(5)")]
    public Task The_ttl_comes_from_editorconfig_and_is_readable(string setting, string expected) =>
        VerifyFixAsync("""
            class C
            {
                void M(IMemoryCache cache) => [|cache.Set("a", 1)|];
            }
            """, $$"""
            class C
            {
                void M(IMemoryCache cache) => cache.Set("a", 1, {{expected}});
            }
            """,
            "perf_analyzers.default_cache_ttl = " + setting);

    [Fact]
    public Task The_rule_specific_ttl_key_wins() =>
        VerifyFixAsync("""
            class C
            {
                void M(IMemoryCache cache) => [|cache.Set("a", 1)|];
            }
            """, """
            class C
            {
                void M(IMemoryCache cache) => cache.Set("a", 1, TimeSpan.FromSeconds(45));
            }
            """,
            "perf_analyzers.default_cache_ttl = 01:00:00\nperf_analyzers.PERF006.default_cache_ttl = 00:00:45");

    [Fact]
    public Task Options_get_an_initializer_member() =>
        VerifyFixAsync("""
            class C
            {
                void M(IMemoryCache cache)
                {
                    [|cache.Set("a", 1, new MemoryCacheEntryOptions())|];
                    [|cache.Set("b", 2, new MemoryCacheEntryOptions { Size = 1 })|];
                    MemoryCacheEntryOptions typed = new();
                    [|cache.Set("c", 3, typed)|];
                    var multi = new MemoryCacheEntryOptions
                    {
                        Size = 1,
                        Priority = CacheItemPriority.High
                    };
                    [|cache.Set("d", 4, multi)|];
                    var trailing = new MemoryCacheEntryOptions
                    {
                        Size = 1,
                    };
                    [|cache.Set("e", 5, trailing)|];
                    [|cache.Set("f", 6, new MemoryCacheEntryOptions().SetSize(1))|];
                }
            }
            """, """
            class C
            {
                void M(IMemoryCache cache)
                {
                    cache.Set("a", 1, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) });
                    cache.Set("b", 2, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) });
                    MemoryCacheEntryOptions typed = new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) };
                    cache.Set("c", 3, typed);
                    var multi = new MemoryCacheEntryOptions
                    {
                        Size = 1,
                        Priority = CacheItemPriority.High,
                        AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5)
                    };
                    cache.Set("d", 4, multi);
                    var trailing = new MemoryCacheEntryOptions
                    {
                        Size = 1,
                        AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5),
                    };
                    cache.Set("e", 5, trailing);
                    cache.Set("f", 6, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) }.SetSize(1));
                }
            }
            """);

    [Fact]
    public Task Options_shared_by_two_writes_are_fixed_once() =>
        VerifyFixAsync("""
            class C
            {
                void M(IMemoryCache cache)
                {
                    var options = new MemoryCacheEntryOptions { Size = 1 };
                    [|cache.Set("a", 1, options)|];
                    [|cache.Set("b", 2, options)|];
                }
            }
            """, """
            class C
            {
                void M(IMemoryCache cache)
                {
                    var options = new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) };
                    cache.Set("a", 1, options);
                    cache.Set("b", 2, options);
                }
            }
            """);

    [Fact]
    public Task Infinite_absolute_expirations_are_replaced() =>
        VerifyFixAsync("""
            class C
            {
                void M(IMemoryCache cache)
                {
                    [|cache.Set("a", 1, DateTimeOffset.MaxValue)|];
                    [|cache.Set("b", 2, new MemoryCacheEntryOptions { AbsoluteExpiration = DateTimeOffset.MaxValue })|];
                    var options = new MemoryCacheEntryOptions();
                    options.AbsoluteExpiration = DateTimeOffset.MaxValue;
                    [|cache.Set("c", 3, options)|];
                    [|cache.Set("d", 4, new MemoryCacheEntryOptions().SetAbsoluteExpiration(DateTimeOffset.MaxValue))|];
                }
            }
            """, """
            class C
            {
                void M(IMemoryCache cache)
                {
                    cache.Set("a", 1, DateTimeOffset.UtcNow.Add(TimeSpan.FromMinutes(5)));
                    cache.Set("b", 2, new MemoryCacheEntryOptions { AbsoluteExpiration = DateTimeOffset.UtcNow.Add(TimeSpan.FromMinutes(5)) });
                    var options = new MemoryCacheEntryOptions();
                    options.AbsoluteExpiration = DateTimeOffset.UtcNow.Add(TimeSpan.FromMinutes(5));
                    cache.Set("c", 3, options);
                    cache.Set("d", 4, new MemoryCacheEntryOptions().SetAbsoluteExpiration(DateTimeOffset.UtcNow.Add(TimeSpan.FromMinutes(5))));
                }
            }
            """);

    [Fact]
    public Task GetOrCreate_factories_set_the_expiration_first() =>
        VerifyFixAsync("""
            class C
            {
                int Load() => 42;
                Task<int> LoadAsync() => Task.FromResult(42);

                async Task<int> M(IMemoryCache cache)
                {
                    var a = [|cache.GetOrCreate("a", entry => Load())|];
                    var b = [|cache.GetOrCreate("b", entry =>
                    {
                        entry.Size = 1;
                        return Load();
                    })|];
                    var c = await [|cache.GetOrCreateAsync("c", async entry => await LoadAsync())|];
                    var d = [|cache.GetOrCreate("d", (ICacheEntry e) => Load())|];
                    return a + b + c + d;
                }
            }
            """, """
            class C
            {
                int Load() => 42;
                Task<int> LoadAsync() => Task.FromResult(42);

                async Task<int> M(IMemoryCache cache)
                {
                    var a = cache.GetOrCreate("a", entry =>
                    {
                        entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                        return Load();
                    });
                    var b = cache.GetOrCreate("b", entry =>
                    {
                        entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                        entry.Size = 1;
                        return Load();
                    });
                    var c = await cache.GetOrCreateAsync("c", async entry =>
                    {
                        entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                        return await LoadAsync();
                    });
                    var d = cache.GetOrCreate("d", (ICacheEntry e) =>
                    {
                        e.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                        return Load();
                    });
                    return a + b + c + d;
                }
            }
            """);

    [Fact]
    public Task CreateEntry_gets_SetAbsoluteExpiration() =>
        VerifyFixAsync("""
            class C
            {
                void M(IMemoryCache cache)
                {
                    using (var entry = [|cache.CreateEntry("a")|])
                    {
                        entry.Value = 1;
                    }

                    using var second = [|cache.CreateEntry("b")|];
                    second.Value = 2;
                    [|cache.CreateEntry("c")|].SetValue(3).Dispose();
                }
            }
            """, """
            class C
            {
                void M(IMemoryCache cache)
                {
                    using (var entry = cache.CreateEntry("a").SetAbsoluteExpiration(TimeSpan.FromMinutes(5)))
                    {
                        entry.Value = 1;
                    }

                    using var second = cache.CreateEntry("b").SetAbsoluteExpiration(TimeSpan.FromMinutes(5));
                    second.Value = 2;
                    cache.CreateEntry("c").SetAbsoluteExpiration(TimeSpan.FromMinutes(5)).SetValue(3).Dispose();
                }
            }
            """);

    [Fact]
    public Task CreateEntry_without_the_extension_namespace_uses_the_static_form() =>
        new CodeFixTest<PERF006CacheEntryWithoutExpirationAnalyzer, PERF006SetCacheExpirationCodeFix>
        {
            TestCode = """
                class C
                {
                    void M(Microsoft.Extensions.Caching.Memory.IMemoryCache cache)
                    {
                        using var entry = [|cache.CreateEntry("a")|];
                        entry.Value = 1;
                    }
                }
                """,
            FixedCode = """
                class C
                {
                    void M(Microsoft.Extensions.Caching.Memory.IMemoryCache cache)
                    {
                        using var entry = Microsoft.Extensions.Caching.Memory.CacheEntryExtensions.SetAbsoluteExpiration(cache.CreateEntry("a"), System.TimeSpan.FromMinutes(5));
                        entry.Value = 1;
                    }
                }
                """,
        }.RunAsync();

    [Fact]
    public Task Distributed_writes_get_options() =>
        VerifyFixAsync("""
            class C
            {
                async Task M(IDistributedCache cache, byte[] bytes, CancellationToken ct)
                {
                    [|cache.Set("a", bytes)|];
                    await [|cache.SetAsync("b", bytes, ct)|];
                    [|cache.SetString("c", "x")|];
                    await [|cache.SetStringAsync("d", "x", ct)|];
                    await [|cache.SetStringAsync("e", "x", token: ct)|];
                    [|cache.SetString("f", "x", new DistributedCacheEntryOptions())|];
                }
            }
            """, """
            class C
            {
                async Task M(IDistributedCache cache, byte[] bytes, CancellationToken ct)
                {
                    cache.Set("a", bytes, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) });
                    await cache.SetAsync("b", bytes, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) }, ct);
                    cache.SetString("c", "x", new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) });
                    await cache.SetStringAsync("d", "x", new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) }, ct);
                    await cache.SetStringAsync("e", "x", token: ct, options: new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) });
                    cache.SetString("f", "x", new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) });
                }
            }
            """);

    [Fact]
    public Task ObjectCache_gets_an_absolute_expiration() =>
        new CodeFixTest<PERF006CacheEntryWithoutExpirationAnalyzer, PERF006SetCacheExpirationCodeFix>
        {
            TestCode = """
                using System;
                using System.Runtime.Caching;

                class C
                {
                    void M(ObjectCache cache)
                    {
                        [|cache.Add("a", 1, ObjectCache.InfiniteAbsoluteExpiration)|];
                        [|cache.Set("b", 2, new CacheItemPolicy())|];
                        var policy = new CacheItemPolicy { Priority = CacheItemPriority.Default };
                        [|cache.AddOrGetExisting("c", 3, policy)|];
                        [|cache["d"] = 4|];
                    }
                }
                """,
            FixedCode = """
                using System;
                using System.Runtime.Caching;

                class C
                {
                    void M(ObjectCache cache)
                    {
                        cache.Add("a", 1, DateTimeOffset.UtcNow.Add(TimeSpan.FromMinutes(5)));
                        cache.Set("b", 2, new CacheItemPolicy { AbsoluteExpiration = DateTimeOffset.UtcNow.Add(TimeSpan.FromMinutes(5)) });
                        var policy = new CacheItemPolicy { Priority = CacheItemPriority.Default, AbsoluteExpiration = DateTimeOffset.UtcNow.Add(TimeSpan.FromMinutes(5)) };
                        cache.AddOrGetExisting("c", 3, policy);
                        [|cache["d"] = 4|];
                    }
                }
                """,
        }.RunAsync();

    [Fact]
    public Task ObjectCache_indexer_has_no_fix() =>
        CodeFixVerifier<PERF006CacheEntryWithoutExpirationAnalyzer, PERF006SetCacheExpirationCodeFix>.VerifyNoFixAsync("""
            class C
            {
                void M(System.Runtime.Caching.ObjectCache cache) => [|cache["d"] = 4|];
            }
            """);

    [Fact]
    public Task Fix_all_across_documents_and_projects() =>
        new CodeFixTest<PERF006CacheEntryWithoutExpirationAnalyzer, PERF006SetCacheExpirationCodeFix>
        {
            Sources =
            {
                Usings + "partial class C { void M(IMemoryCache cache) { [|cache.Set(\"a\", 1)|]; [|cache.GetOrCreate(\"b\", e => 2)|]; } }",
                Usings + "partial class C { void N(IDistributedCache cache) => [|cache.SetString(\"c\", \"x\")|]; }",
            },
            FixedSources =
            {
                Usings + """
                partial class C { void M(IMemoryCache cache) { cache.Set("a", 1, TimeSpan.FromMinutes(5)); cache.GetOrCreate("b", e =>
                {
                    e.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                    return 2;
                }); } }
                """,
                Usings + "partial class C { void N(IDistributedCache cache) => cache.SetString(\"c\", \"x\", new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) }); }",
            },
            OtherProjectSources = { Usings + "class D { void M(IMemoryCache cache) => [|cache.Set(\"d\", 1)|]; }" },
            OtherProjectFixedSources = { Usings + "class D { void M(IMemoryCache cache) => cache.Set(\"d\", 1, TimeSpan.FromMinutes(5)); }" },
        }.RunAsync();

    [Fact]
    public Task Nested_writes_are_fixed_together() =>
        VerifyFixAsync("""
            class C
            {
                int M(IMemoryCache cache) => [|cache.GetOrCreate("outer", entry =>
                {
                    [|cache.Set("inner", 1)|];
                    return 2;
                })|];
            }
            """, """
            class C
            {
                int M(IMemoryCache cache) => cache.GetOrCreate("outer", entry =>
                {
                    entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);
                    cache.Set("inner", 1, TimeSpan.FromMinutes(5));
                    return 2;
                });
            }
            """);

    [Fact]
    public Task Top_level_statements_are_fixed() =>
        new CodeFixTest<PERF006CacheEntryWithoutExpirationAnalyzer, PERF006SetCacheExpirationCodeFix>
        {
            TestCode = Usings + """
                var cache = new MemoryCache(new MemoryCacheOptions());
                [|cache.Set("a", 1)|];
                """,
            FixedCode = Usings + """
                var cache = new MemoryCache(new MemoryCacheOptions());
                cache.Set("a", 1, TimeSpan.FromMinutes(5));
                """,
            OutputKind = OutputKind.ConsoleApplication,
        }.RunAsync();

    [Fact]
    public Task Crlf_documents_and_tab_indentation_are_kept() =>
        VerifyFixAsync(
            "class C\n{\n\tint M(IMemoryCache cache)\n\t{\n\t\treturn [|cache.GetOrCreate(\"a\", entry => 1)|];\n\t}\n}\n".Replace("\n", "\r\n"),
            "class C\n{\n\tint M(IMemoryCache cache)\n\t{\n\t\treturn cache.GetOrCreate(\"a\", entry =>\n\t\t{\n\t\t\tentry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5);\n\t\t\treturn 1;\n\t\t});\n\t}\n}\n".Replace("\n", "\r\n"));

    [Fact]
    public Task Options_from_a_parameter_get_no_diagnostic_and_no_fix() =>
        CodeFixVerifier<PERF006CacheEntryWithoutExpirationAnalyzer, PERF006SetCacheExpirationCodeFix>.VerifyNoFixAsync(Usings + """
            class C
            {
                void M(IMemoryCache cache, MemoryCacheEntryOptions options, IDistributedCache distributed, DistributedCacheEntryOptions distributedOptions)
                {
                    cache.Set("a", 1, options);
                    distributed.SetString("b", "x", distributedOptions);
                }
            }
            """);
}
