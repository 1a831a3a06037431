using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF008StaticCacheThatOnlyGrowsAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>PERF008: private static dictionaries with unbounded keys that are only ever added to.</summary>
public class PERF008Tests
{
    private const string Usings = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Linq;
        using System.Reflection;

        """;

    private static Task VerifyAsync(string body, params DiagnosticResult[] expected) => Verify.VerifyAsync(Usings + body, expected);

    [Fact]
    public Task Dictionary_only_added_to_is_reported_on_the_field_with_message() =>
        VerifyAsync("""
            class Prices
            {
                private static readonly Dictionary<string, decimal> {|#0:s_prices|} = new();

                public static decimal Get(string symbol)
                {
                    if (!s_prices.TryGetValue(symbol, out var price))
                    {
                        price = Load(symbol);
                        s_prices[symbol] = price;
                    }

                    return price;
                }

                private static decimal Load(string symbol) => symbol.Length;
            }
            """,
            Expect.Diagnostic("PERF008").WithLocation(0)
                .WithMessage("Static dictionary 's_prices' is only ever added to and its keys are unbounded: use IMemoryCache with a size limit and an expiration")
                .WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Every_insertion_api_and_unbounded_key_type_is_reported() =>
        VerifyAsync("""
            struct CustomerId { public int Value; }

            class C
            {
                private static readonly ConcurrentDictionary<string, int> [|s_getOrAdd|] = new();
                private static readonly ConcurrentDictionary<Guid, int> [|s_tryAdd|] = new();
                private static readonly ConcurrentDictionary<long, int> [|s_addOrUpdate|] = new();
                private static readonly Dictionary<int, string> [|s_add|] = new();
                private static Dictionary<CustomerId, string> [|s_userKey|] = new();
                private static readonly Dictionary<(Type, string), object> [|s_tuple|] = new();
                private static readonly Dictionary<double, int> [|s_compound|] = new();
                private static readonly Dictionary<DateTime, int> [|s_extension|] = new();

                void M(string key, Guid id, long n, int i, CustomerId c, Type t, double d, DateTime when)
                {
                    s_getOrAdd.GetOrAdd(key, k => k.Length);
                    s_tryAdd.TryAdd(id, 1);
                    s_addOrUpdate.AddOrUpdate(n, 1, (_, old) => old + 1);
                    s_add.Add(i, "x");
                    s_userKey[c] = "y";
                    s_tuple[(t, key)] = new object();
                    s_compound[d] += 1;
                    s_extension.TryAdd(when, 1);
                    _ = s_add.Count + s_add.Keys.Count + s_getOrAdd.Values.Count;
                    foreach (var pair in s_add) { }
                    lock (s_userKey) { }
                    _ = s_add.Where(p => p.Key > 0).ToList();
                    _ = s_extension.GetValueOrDefault(when);
                    _ = nameof(s_add);
                }
            }
            """);

    [Fact]
    public Task Bounded_key_types_are_lookup_tables_and_not_reported() =>
        VerifyAsync("""
            enum Color { Red, Green }

            class C
            {
                private static readonly ConcurrentDictionary<Type, PropertyInfo[]> s_properties = new();
                private static readonly Dictionary<MethodInfo, Delegate> s_invokers = new();
                private static readonly Dictionary<Color, string> s_names = new();
                private static readonly Dictionary<bool, string> s_yesNo = new();
                private static readonly Dictionary<(Type, bool), object> s_pairs = new();
                private static readonly Dictionary<Color?, string> s_nullable = new();
                private static readonly Dictionary<PropertyInfo, Func<object, object?>> s_getters = new();

                void M(Type type, MethodInfo method, Color color, PropertyInfo property)
                {
                    s_properties.GetOrAdd(type, t => t.GetProperties());
                    s_invokers[method] = null!;
                    s_names[color] = color.ToString();
                    s_yesNo[true] = "yes";
                    s_pairs[(type, false)] = new object();
                    s_nullable[color] = "";
                    s_getters[property] = property.GetValue;
                }
            }
            """);

    [Fact]
    public Task Removal_reset_or_escape_is_not_reported() =>
        VerifyAsync("""
            class C
            {
                private static readonly Dictionary<string, int> s_removed = new();
                private static readonly ConcurrentDictionary<string, int> s_tryRemoved = new();
                private static readonly Dictionary<string, int> s_cleared = new();
                private static Dictionary<string, int> s_reset = new();
                private static readonly Dictionary<string, int> s_passed = new();
                private static readonly Dictionary<string, int> s_returned = new();
                private static readonly Dictionary<string, int> s_extensionRemoved = new();
                private static readonly Dictionary<string, int> s_aliased = new();
                private static readonly IReadOnlyDictionary<string, int> s_view = s_aliased;

                static void Trim(Dictionary<string, int> d) => d.Clear();
                static Dictionary<string, int> Expose() => s_returned;

                void M(string key)
                {
                    s_removed[key] = 1; s_removed.Remove(key);
                    s_tryRemoved[key] = 1; s_tryRemoved.TryRemove(key, out _);
                    s_cleared.Add(key, 1); s_cleared.Clear();
                    s_reset[key] = 1; s_reset = new Dictionary<string, int>();
                    s_passed[key] = 1; Trim(s_passed);
                    s_returned[key] = 1;
                    s_extensionRemoved[key] = 1; s_extensionRemoved.Remove(key, out _);
                    s_aliased[key] = 1;
                }
            }
            """);

    [Fact]
    public Task Fields_that_are_not_private_static_or_never_added_to_are_not_reported() =>
        VerifyAsync("""
            class C
            {
                public static readonly Dictionary<string, int> PublicCache = new();
                internal static readonly Dictionary<string, int> InternalCache = new();
                private readonly Dictionary<string, int> _instanceCache = new();
                private static readonly Dictionary<string, int> s_seeded = new() { ["a"] = 1, ["b"] = 2 };
                private static readonly Dictionary<string, int> s_readOnly = new();
                private static readonly List<string> s_list = new();
                private static Dictionary<string, int> Property { get; } = new();

                void M(string key)
                {
                    PublicCache[key] = 1;
                    InternalCache[key] = 1;
                    _instanceCache[key] = 1;
                    _ = s_seeded[key] + s_readOnly.Count;
                    s_list.Add(key);
                    Property[key] = 1;
                }
            }
            """);

    [Fact]
    public Task Static_constructor_initialisation_is_not_a_reset() =>
        VerifyAsync("""
            class C
            {
                private static readonly Dictionary<string, int> [|s_cache|];
                static C() { s_cache = new Dictionary<string, int>(); }
                static void Put(string key) => s_cache[key] = 1;
            }
            """);

    [Fact]
    public Task Generic_key_type_parameters_are_not_reported() =>
        VerifyAsync("""
            class Memo<TKey, TValue> where TKey : notnull
            {
                private static readonly Dictionary<TKey, TValue> s_values = new();
                private static readonly Dictionary<string, TValue> [|s_byName|] = new();
                public static void Put(TKey key, TValue value) { s_values[key] = value; s_byName[key!.ToString()!] = value; }
            }
            """);

    [Fact]
    public Task Additions_in_lambdas_local_functions_and_partial_parts_count() =>
        new AnalyzerTest<PERF008StaticCacheThatOnlyGrowsAnalyzer>
        {
            Sources =
            {
                Usings + """
                partial class Repo
                {
                    private static readonly ConcurrentDictionary<string, string> [|s_cache|] = new();
                    private static readonly ConcurrentDictionary<string, string> s_trimmed = new();
                    Func<string, string> Lookup => key => s_cache.GetOrAdd(key, k => k.ToUpperInvariant());
                    void Local(string key) { Add(); void Add() => s_trimmed[key] = key; }
                }
                """,
                Usings + """
                partial class Repo
                {
                    void Evict(string key) => s_trimmed.TryRemove(key, out _);
                }
                """,
            },
        }.RunAsync();

    [Fact]
    public Task A_removal_in_a_nested_type_is_seen() =>
        VerifyAsync("""
            class Outer
            {
                private static readonly Dictionary<string, int> s_cache = new();
                private static readonly Dictionary<string, int> [|s_grows|] = new();

                void Put(string key) { s_cache[key] = 1; s_grows[key] = 1; }

                private sealed class Evictor
                {
                    public void Evict(string key) => s_cache.Remove(key);
                }
            }
            """);

    [Fact]
    public Task Top_level_statements_and_broken_code_do_not_throw() =>
        new AnalyzerTest<PERF008StaticCacheThatOnlyGrowsAnalyzer>
        {
            TestCode = Usings + """
                Holder.Put("a");
                static class Holder
                {
                    private static readonly Dictionary<string, int> s_cache = new();
                    private static readonly Dictionary<, int> s_broken = new();
                    public static void Put(string key) { s_cache[key] = ; s_broken[key] = 1; s_cache.Remove(; }
                }
                """,
            OutputKind = OutputKind.ConsoleApplication,
            AllowCompilerErrors = true,
        }.RunAsync();

    [Fact]
    public void No_code_fix_is_offered_for_PERF008()
    {
        var providers = typeof(PerfAnalyzers.CodeFixes.CodeFixesAssemblyMarker).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!);
        Assert.DoesNotContain(providers, p => p.FixableDiagnosticIds.Contains("PERF008"));
    }
}
