using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF006CacheEntryWithoutExpirationAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>PERF006 analyzer: which cache writes provably never expire, and the look-alikes that do.</summary>
public class PERF006Tests
{
    private const string Usings = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.Extensions.Caching.Memory;
        using Microsoft.Extensions.Caching.Distributed;
        using Microsoft.Extensions.Primitives;

        """;

    private static Task VerifyAsync(string body, params DiagnosticResult[] expected) => Verify.VerifyAsync(Usings + body, expected);

    // ---------------- IMemoryCache.Set ----------------

    [Fact]
    public Task Memory_set_without_expiration_is_reported_with_message() =>
        VerifyAsync("""
            class C
            {
                void M(IMemoryCache cache) => {|#0:cache.Set("k", 42)|};
            }
            """,
            Expect.Diagnostic("PERF006").WithLocation(0)
                .WithMessage("'Set' stores a cache entry that never expires: set an explicit expiration (TTL)")
                .WithSeverity(DiagnosticSeverity.Warning));

    [Fact]
    public Task Memory_set_with_relative_absolute_or_token_expiration_is_not_reported() =>
        VerifyAsync("""
            class C
            {
                void M(IMemoryCache cache, IChangeToken token)
                {
                    cache.Set("a", 1, TimeSpan.FromMinutes(1));
                    cache.Set("b", 2, DateTimeOffset.UtcNow.AddMinutes(1));
                    cache.Set("c", 3, token);
                    CacheExtensions.Set(cache, "d", 4, TimeSpan.FromSeconds(30));
                }
            }
            """);

    [Fact]
    public Task Memory_set_static_call_form_and_concrete_cache_are_reported() =>
        VerifyAsync("""
            class C
            {
                void M(MemoryCache cache)
                {
                    [|CacheExtensions.Set(cache, "a", 1)|];
                    [|cache.Set("b", 2)|];
                }
            }
            """);

    [Fact]
    public Task Memory_set_with_DateTimeOffset_MaxValue_is_infinite() =>
        VerifyAsync("""
            class C
            {
                void M(IMemoryCache cache) => [|cache.Set("k", 1, DateTimeOffset.MaxValue)|];
            }
            """);

    [Fact]
    public Task Options_created_inline_without_expiration_are_reported() =>
        VerifyAsync("""
            class C
            {
                void M(IMemoryCache cache)
                {
                    [|cache.Set("a", 1, new MemoryCacheEntryOptions())|];
                    [|cache.Set("b", 2, new MemoryCacheEntryOptions { Size = 1, Priority = CacheItemPriority.High })|];
                    [|cache.Set("c", 3, new MemoryCacheEntryOptions().SetSize(1))|];
                    [|cache.Set("d", 4, new MemoryCacheEntryOptions { AbsoluteExpiration = DateTimeOffset.MaxValue })|];
                    [|cache.Set("e", 5, new MemoryCacheEntryOptions().SetAbsoluteExpiration(DateTimeOffset.MaxValue))|];
                    [|cache.Set("f", 6, new MemoryCacheEntryOptions { SlidingExpiration = null, AbsoluteExpirationRelativeToNow = null })|];
                    MemoryCacheEntryOptions typed = new();
                    [|cache.Set("g", 7, typed)|];
                }
            }
            """);

    [Fact]
    public Task Options_with_expiration_through_every_api_are_not_reported() =>
        VerifyAsync("""
            class C
            {
                void M(IMemoryCache cache, IChangeToken token)
                {
                    cache.Set("a", 1, new MemoryCacheEntryOptions { AbsoluteExpiration = DateTimeOffset.UtcNow.AddHours(1) });
                    cache.Set("b", 1, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) });
                    cache.Set("c", 1, new MemoryCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(1) });
                    cache.Set("d", 1, new MemoryCacheEntryOptions { ExpirationTokens = { token } });
                    cache.Set("e", 1, new MemoryCacheEntryOptions().SetAbsoluteExpiration(TimeSpan.FromMinutes(1)));
                    cache.Set("f", 1, new MemoryCacheEntryOptions().SetAbsoluteExpiration(DateTimeOffset.UtcNow.AddDays(1)));
                    cache.Set("g", 1, new MemoryCacheEntryOptions().SetSlidingExpiration(TimeSpan.FromMinutes(1)).SetSize(1));
                    cache.Set("h", 1, new MemoryCacheEntryOptions().AddExpirationToken(token));

                    var o1 = new MemoryCacheEntryOptions();
                    o1.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1);
                    cache.Set("i", 1, o1);

                    var o2 = new MemoryCacheEntryOptions { Size = 1 };
                    o2.SetSlidingExpiration(TimeSpan.FromSeconds(30));
                    cache.Set("j", 1, o2);

                    var o3 = new MemoryCacheEntryOptions();
                    o3.ExpirationTokens.Add(token);
                    cache.Set("k", 1, o3);

                    var o4 = new MemoryCacheEntryOptions();
                    o4.AddExpirationToken(token);
                    cache.Set("l", 1, o4);

                    var o5 = new MemoryCacheEntryOptions();
                    o5.SetSize(1).SetPriority(CacheItemPriority.Low).SetSlidingExpiration(TimeSpan.FromMinutes(1));
                    cache.Set("m", 1, o5);
                }
            }
            """);

    [Fact]
    public Task Options_local_without_expiration_is_reported_once_per_write() =>
        VerifyAsync("""
            class C
            {
                void M(IMemoryCache cache)
                {
                    var options = new MemoryCacheEntryOptions { Size = 1 };
                    options.Priority = CacheItemPriority.Low;
                    options.SetSize(2).SetPriority(CacheItemPriority.High);
                    options.AbsoluteExpiration = DateTimeOffset.MaxValue;
                    [|cache.Set("a", 1, options)|];
                    [|cache.Set("b", 2, options)|];
                }
            }
            """);

    [Fact]
    public Task Options_from_elsewhere_are_not_reported() =>
        VerifyAsync("""
            class C
            {
                private readonly MemoryCacheEntryOptions _field = new();
                private static MemoryCacheEntryOptions Make() => new();
                private static void Configure(MemoryCacheEntryOptions o) { }

                void M(IMemoryCache cache, MemoryCacheEntryOptions parameter)
                {
                    cache.Set("a", 1, parameter);
                    cache.Set("b", 1, _field);
                    cache.Set("c", 1, Make());

                    var escaped = new MemoryCacheEntryOptions();
                    Configure(escaped);
                    cache.Set("d", 1, escaped);

                    var reassigned = new MemoryCacheEntryOptions();
                    reassigned = parameter;
                    cache.Set("e", 1, reassigned);

                    MemoryCacheEntryOptions uninitialized;
                    uninitialized = Make();
                    cache.Set("f", 1, uninitialized);

                    var captured = new MemoryCacheEntryOptions();
                    Action set = () => Configure(captured);
                    cache.Set("g", 1, captured);

                    var copied = new MemoryCacheEntryOptions();
                    var alias = copied;
                    alias.SlidingExpiration = TimeSpan.FromMinutes(1);
                    cache.Set("h", 1, copied);
                }
            }
            """);

    // ---------------- GetOrCreate / GetOrCreateAsync ----------------

    [Fact]
    public Task GetOrCreate_whose_factory_sets_no_expiration_is_reported() =>
        VerifyAsync("""
            class C
            {
                int Load() => 42;
                Task<int> LoadAsync() => Task.FromResult(42);

                async Task M(IMemoryCache cache)
                {
                    [|cache.GetOrCreate("a", entry => Load())|];
                    [|cache.GetOrCreate("b", _ => 1)|];
                    [|cache.GetOrCreate("c", entry => { entry.Size = 1; entry.SetPriority(CacheItemPriority.High); return Load(); })|];
                    await [|cache.GetOrCreateAsync("d", async entry => await LoadAsync())|];
                    await [|cache.GetOrCreateAsync("e", entry => LoadAsync())|];
                    [|cache.GetOrCreate("f", (ICacheEntry e) => { e.AbsoluteExpiration = DateTimeOffset.MaxValue; return 1; })|];
                    [|cache.GetOrCreate("g", e => 1, new MemoryCacheEntryOptions { Size = 1 })|];
                }
            }
            """);

    [Fact]
    public Task GetOrCreate_with_expiration_or_unknown_factory_is_not_reported() =>
        VerifyAsync("""
            class C
            {
                int Load() => 42;
                static int Factory(ICacheEntry entry) => 1;
                static void Configure(ICacheEntry entry) { }

                void M(IMemoryCache cache, IChangeToken token, MemoryCacheEntryOptions options, Func<ICacheEntry, int> factory)
                {
                    cache.GetOrCreate("a", entry => { entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5); return Load(); });
                    cache.GetOrCreate("b", entry => { entry.SlidingExpiration = TimeSpan.FromMinutes(5); return Load(); });
                    cache.GetOrCreate("c", entry => { entry.AbsoluteExpiration = DateTimeOffset.UtcNow.AddMinutes(1); return Load(); });
                    cache.GetOrCreate("d", entry => { entry.AddExpirationToken(token); return Load(); });
                    cache.GetOrCreate("e", entry => { entry.ExpirationTokens.Add(token); return Load(); });
                    cache.GetOrCreate("f", entry => entry.SetAbsoluteExpiration(TimeSpan.FromSeconds(30)).SetValue(1).Size ?? 0);
                    cache.GetOrCreate("g", entry => { entry.SetOptions(options); return Load(); });
                    cache.GetOrCreate("h", entry => { entry.SetOptions(new MemoryCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(1) }); return Load(); });
                    cache.GetOrCreate("i", entry => { Configure(entry); return Load(); });
                    cache.GetOrCreate("j", Factory);
                    cache.GetOrCreate("k", factory);
                    cache.GetOrCreate("l", e => 1, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) });
                    cache.GetOrCreate("m", e => 1, options);
                    cache.GetOrCreate("n", entry => { Func<int> inner = () => { entry.SlidingExpiration = TimeSpan.FromMinutes(1); return 1; }; return inner(); });
                }
            }
            """);

    // ---------------- CreateEntry ----------------

    [Fact]
    public Task CreateEntry_committed_without_expiration_is_reported() =>
        VerifyAsync("""
            class C
            {
                void M(IMemoryCache cache)
                {
                    using (var entry = [|cache.CreateEntry("a")|])
                    {
                        entry.Value = 1;
                        entry.Size = 1;
                    }

                    using var second = [|cache.CreateEntry("b")|];
                    second.Value = 2;

                    var third = [|cache.CreateEntry("c")|];
                    third.SetValue(3);
                    third.Dispose();

                    [|cache.CreateEntry("d")|].SetValue(4).SetSize(1).Dispose();

                    using var fifth = [|cache.CreateEntry("e")|].SetAbsoluteExpiration(DateTimeOffset.MaxValue);
                    fifth.Value = 5;
                }
            }
            """);

    [Fact]
    public Task CreateEntry_with_expiration_escaping_or_never_committed_is_not_reported() =>
        VerifyAsync("""
            class C
            {
                static void Configure(ICacheEntry entry) { }

                ICacheEntry M(IMemoryCache cache, IChangeToken token)
                {
                    using (var a = cache.CreateEntry("a")) { a.Value = 1; a.AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1); }
                    using (var b = cache.CreateEntry("b").SetSlidingExpiration(TimeSpan.FromMinutes(1))) { b.Value = 1; }
                    using (var c = cache.CreateEntry("c")) { c.Value = 1; c.AddExpirationToken(token); }
                    cache.CreateEntry("d").SetValue(4).SetAbsoluteExpiration(TimeSpan.FromMinutes(1)).Dispose();
                    using (var e = cache.CreateEntry("e")) { Configure(e); }
                    var notCommitted = cache.CreateEntry("f");
                    notCommitted.Value = 1;
                    return cache.CreateEntry("g");
                }
            }
            """);

    // ---------------- System.Runtime.Caching ----------------

    [Fact]
    public Task ObjectCache_infinite_expiration_and_policies_without_expiration_are_reported() =>
        VerifyAsync("""
            using System.Runtime.Caching;
            class C
            {
                void M(ObjectCache cache, System.Runtime.Caching.MemoryCache memory)
                {
                    [|cache.Add("a", 1, ObjectCache.InfiniteAbsoluteExpiration)|];
                    [|cache.Set("b", 2, DateTimeOffset.MaxValue)|];
                    [|memory.AddOrGetExisting("c", 3, ObjectCache.InfiniteAbsoluteExpiration, null)|];
                    [|cache.Set("d", 4, new CacheItemPolicy())|];
                    [|cache.Add(new CacheItem("e", 5), new CacheItemPolicy { Priority = System.Runtime.Caching.CacheItemPriority.NotRemovable })|];
                    [|cache.Set("f", 6, new CacheItemPolicy { AbsoluteExpiration = ObjectCache.InfiniteAbsoluteExpiration, SlidingExpiration = ObjectCache.NoSlidingExpiration })|];
                    var policy = new CacheItemPolicy();
                    policy.RemovedCallback = _ => { };
                    [|memory.Set("g", 7, policy)|];
                    {|#0:memory["h"] = 8|};
                }
            }
            """,
            Expect.Diagnostic("PERF006").WithLocation(0).WithMessage("'MemoryCache indexer' stores a cache entry that never expires: set an explicit expiration (TTL)"));

    [Fact]
    public Task ObjectCache_with_expiration_or_policy_from_elsewhere_is_not_reported() =>
        VerifyAsync("""
            using System.Runtime.Caching;
            using System.Collections.Generic;
            class C
            {
                void M(ObjectCache cache, CacheItemPolicy parameter, ChangeMonitor monitor)
                {
                    cache.Add("a", 1, DateTimeOffset.UtcNow.AddMinutes(5));
                    cache.Set("b", 2, new CacheItemPolicy { AbsoluteExpiration = DateTimeOffset.UtcNow.AddMinutes(5) });
                    cache.Set("c", 3, new CacheItemPolicy { SlidingExpiration = TimeSpan.FromMinutes(5) });
                    cache.Set("d", 4, new CacheItemPolicy { ChangeMonitors = { monitor } });
                    cache.Set("e", 5, parameter);
                    var policy = new CacheItemPolicy();
                    policy.AbsoluteExpiration = DateTimeOffset.UtcNow.AddSeconds(30);
                    cache.AddOrGetExisting("f", 6, policy);
                    var monitored = new CacheItemPolicy();
                    monitored.ChangeMonitors.Add(monitor);
                    cache.Set("g", 7, monitored);
                    var dictionary = new Dictionary<string, int>();
                    dictionary["x"] = 1;
                    dictionary.Add("y", 2);
                }
            }
            """);

    // ---------------- IDistributedCache ----------------

    [Fact]
    public Task Distributed_writes_without_options_are_reported() =>
        VerifyAsync("""
            class C
            {
                async Task M(IDistributedCache cache, byte[] bytes, CancellationToken ct)
                {
                    [|cache.Set("a", bytes)|];
                    await [|cache.SetAsync("b", bytes)|];
                    await [|cache.SetAsync("c", bytes, ct)|];
                    [|cache.SetString("d", "x")|];
                    await [|cache.SetStringAsync("e", "x")|];
                    await [|cache.SetStringAsync("f", "x", token: ct)|];
                    [|DistributedCacheExtensions.SetString(cache, "g", "x")|];
                }
            }
            """);

    [Fact]
    public Task Distributed_writes_with_options_lacking_expiration_are_reported() =>
        VerifyAsync("""
            class C
            {
                async Task M(IDistributedCache cache, MemoryDistributedCache concrete, byte[] bytes)
                {
                    [|cache.Set("a", bytes, new DistributedCacheEntryOptions())|];
                    await [|cache.SetAsync("b", bytes, new DistributedCacheEntryOptions { AbsoluteExpiration = DateTimeOffset.MaxValue })|];
                    var options = new DistributedCacheEntryOptions();
                    [|cache.SetString("c", "x", options)|];
                    await [|cache.SetStringAsync("d", "x", options)|];
                    [|concrete.Set("e", bytes, new DistributedCacheEntryOptions())|];
                }
            }
            """);

    [Fact]
    public Task Distributed_writes_with_expiration_or_options_from_elsewhere_are_not_reported() =>
        VerifyAsync("""
            class C
            {
                async Task M(IDistributedCache cache, byte[] bytes, DistributedCacheEntryOptions parameter)
                {
                    cache.Set("a", bytes, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) });
                    cache.Set("b", bytes, new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(5) });
                    cache.Set("c", bytes, new DistributedCacheEntryOptions { AbsoluteExpiration = DateTimeOffset.UtcNow.AddMinutes(5) });
                    cache.Set("d", bytes, new DistributedCacheEntryOptions().SetAbsoluteExpiration(TimeSpan.FromMinutes(5)));
                    cache.Set("e", bytes, new DistributedCacheEntryOptions().SetSlidingExpiration(TimeSpan.FromMinutes(5)));
                    await cache.SetStringAsync("f", "x", parameter);
                    var options = new DistributedCacheEntryOptions();
                    options.SetAbsoluteExpiration(DateTimeOffset.UtcNow.AddMinutes(1));
                    cache.SetString("g", "x", options);
                    cache.Refresh("a");
                    cache.Get("a");
                }
            }
            """);

    // ---------------- Edge cases ----------------

    [Fact]
    public Task Top_level_statements_local_functions_and_lambdas() =>
        new AnalyzerTest<PERF006CacheEntryWithoutExpirationAnalyzer>
        {
            TestCode = Usings + """
                var cache = new Microsoft.Extensions.Caching.Memory.MemoryCache(new MemoryCacheOptions());
                [|cache.Set("a", 1)|];
                Store("b");
                Action<string> store = key => [|cache.Set(key, 3)|];

                void Store(string key)
                {
                    var options = new MemoryCacheEntryOptions();
                    [|cache.Set(key, 2, options)|];
                }
                """,
            OutputKind = OutputKind.ConsoleApplication,
        }.RunAsync();

    [Fact]
    public Task Generic_and_partial_classes_across_two_files() =>
        new AnalyzerTest<PERF006CacheEntryWithoutExpirationAnalyzer>
        {
            Sources =
            {
                Usings + """
                partial class Repo<T>
                {
                    private readonly IMemoryCache _cache;
                    public Repo(IMemoryCache cache) => _cache = cache;
                    public void Put(string key, T value) => [|_cache.Set(key, value)|];
                }
                """,
                Usings + """
                partial class Repo<T>
                {
                    public T? Get(string key) => [|_cache.GetOrCreate(key, e => default(T))|];
                }
                """,
            },
        }.RunAsync();

    [Fact]
    public Task Broken_code_does_not_throw() =>
        new AnalyzerTest<PERF006CacheEntryWithoutExpirationAnalyzer>
        {
            TestCode = Usings + """
                class C
                {
                    void M(IMemoryCache cache, IDistributedCache d, System.Runtime.Caching.ObjectCache o)
                    {
                        cache.Set("a");
                        cache.Set("b", 1, );
                        cache.GetOrCreate("c", );
                        cache.GetOrCreate("d", e => );
                        using var entry = cache.CreateEntry();
                        d.SetString("x", );
                        o.Add("k", 1, new System.Runtime.Caching.CacheItemPolicy { Nope = 1 });
                        var options = new MemoryCacheEntryOptions { Unknown = 3 };
                        cache.Set("e", 1, options);
                        o[] = 3;
                    }
                }
                """,
            AllowCompilerErrors = true,
        }.RunAsync();

    [Fact]
    public Task Nothing_registered_without_cache_libraries() =>
        new AnalyzerTest<PERF006CacheEntryWithoutExpirationAnalyzer>
        {
            TestCode = """
                using System.Collections.Generic;
                class MemoryCacheLookAlike { public void Set(string k, int v) { } }
                class C { void M(MemoryCacheLookAlike c) { c.Set("a", 1); } }
                """,
            References = Basic.Reference.Assemblies.Net100.References.All,
        }.RunAsync();

    [Fact]
    public Task Look_alike_methods_named_Set_are_not_reported() =>
        VerifyAsync("""
            class MyCache
            {
                public void Set(string key, object value) { }
                public void Add(string key, object value, DateTimeOffset expiration) { }
                public int GetOrCreate(string key, Func<object, int> factory) => factory(key);
            }

            class C
            {
                void M(MyCache cache)
                {
                    cache.Set("a", 1);
                    cache.Add("b", 1, DateTimeOffset.MaxValue);
                    cache.GetOrCreate("c", _ => 1);
                }
            }
            """);

    [Fact]
    public Task Severity_none_silences_the_rule() =>
        new AnalyzerTest<PERF006CacheEntryWithoutExpirationAnalyzer>
        {
            TestCode = Usings + "class C { void M(IMemoryCache cache) => cache.Set(\"k\", 1); }",
            EditorConfig = "dotnet_diagnostic.PERF006.severity = none",
        }.RunAsync();
}
