using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF009IntermediateCollectionAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF009 shapes from the review of jellyfin, Kavita, Sonarr, smartstore, bitwarden, btcpayserver, Newtonsoft.Json and
/// eShop (issues #15 and #18): false ones that are no longer reported, harmless ones reported at Info, and the nearest
/// look-alike of each, still a warning.
/// </summary>
public class PERF009PrecisionTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;

        """;

    private static DiagnosticResult Diag() => Expect.Diagnostic("PERF009");

    [Fact]
    public Task A_chain_of_locals_whose_loop_changes_the_first_source_reports_only_the_first() =>
        // Kavita PersonHelper: with both ToList() calls removed (Fix All), the loop would remove from 'people' while a lazy
        // Where over 'people' walks it (InvalidOperationException). The first alone is safe: 'toRemove' stays a list.
        Verify.VerifyAsync(Usings + """
            class P { public string Role = ""; public string Name = ""; }

            class C
            {
                bool Sync(ICollection<P> people, string role, HashSet<string> keep)
                {
                    var changed = false;
                    var existing = people.Where(p => p.Role == role).[|ToList()|];
                    var toRemove = existing.Where(p => !keep.Contains(p.Name)).ToList();
                    foreach (var p in toRemove)
                    {
                        people.Remove(p);
                        changed = true;
                    }

                    return changed;
                }

                int ReadTwice(ICollection<P> people, string role, HashSet<string> keep)
                {
                    // Sonarr DownloadClientProvider: the earlier list is read twice, so it stays a list and is not
                    // reported; the later one is judged against it as a list and still reported.
                    var existing = people.Where(p => p.Role == role).ToList();
                    if (existing.Count == 0) return 0;
                    var toRemove = existing.Where(p => !keep.Contains(p.Name)).[|ToList()|];
                    foreach (var p in toRemove) people.Remove(p);
                    return 1;
                }

                int LookAlike(ICollection<P> people, string role, HashSet<string> keep, List<P> log)
                {
                    // The loop changes another collection: both are still reported.
                    var existing = people.Where(p => p.Role == role).[|ToList()|];
                    var toLog = existing.Where(p => !keep.Contains(p.Name)).[|ToList()|];
                    foreach (var p in toLog)
                    {
                        log.Add(p);
                    }

                    return log.Count;
                }
            }
            """);

    private const string TestAttributes = """
        class FactAttribute : Attribute { }
        class TestAttribute : Attribute { }
        class TestFixtureAttribute : Attribute { }

        """;

    [Fact]
    public Task Test_methods_and_fixtures_recognised_by_their_attributes_are_Info() =>
        // Sonarr's NzbDrone.Core.Test gets the test SDK from a Directory.Build.props: where MSBuild's IsTestProject is not
        // passed, the attributes say it is test code (as PERF010 already did).
        Verify.VerifyAsync(
            Usings + TestAttributes + """
            class Tests
            {
                [Test]
                public List<int> Reorder(IEnumerable<int> xs) => xs.Where(x => x > 0).{|#0:ToList()|}.OrderBy(x => x).ToList();

                [Fact]
                public List<int> Other(IEnumerable<int> xs) => xs.Where(x => x > 0).{|#1:ToList()|}.OrderBy(x => x).ToList();

                // Not a test method (a helper of the fixture class without [TestFixture]): a warning.
                public List<int> Helper(IEnumerable<int> xs) => xs.Where(x => x > 0).[|ToList()|].OrderBy(x => x).ToList();
            }

            [TestFixture]
            class Fixture
            {
                public List<int> Helper(IEnumerable<int> xs) => xs.Where(x => x > 0).{|#2:ToList()|}.OrderBy(x => x).ToList();
            }
            """,
            Diag().WithLocation(0).WithSeverity(DiagnosticSeverity.Info),
            Diag().WithLocation(1).WithSeverity(DiagnosticSeverity.Info),
            Diag().WithLocation(2).WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Provably_small_sources_are_Info() =>
        Verify.VerifyAsync(
            Usings + """
            enum Kind { A, B, C }

            class C
            {
                private static readonly string[] Units = { "B", "KB", "MB" };

                int M(IEnumerable<string> names, List<int> values)
                {
                    var n = 0;
                    foreach (var k in Enum.GetValues<Kind>().Where(k => k != Kind.A).{|#0:ToList()|}) n++;
                    foreach (var u in Units.Select(u => u.ToLowerInvariant()).{|#1:ToArray()|}) n += u.Length;
                    foreach (var s in new[] { "a", "b", "c" }.Where(s => s != "b").{|#2:ToList()|}) n += s.Length;
                    var top = names.OrderBy(x => x).Take(10).{|#3:ToList()|};
                    foreach (var t in top) n += t.Length;
                    return n;
                }

                int LookAlikes(IEnumerable<string> names, int k)
                {
                    var n = 0;
                    // Take with a count that is not a constant, or above the limit, or an operator that expands after it.
                    foreach (var t in names.Take(k).[|ToList()|]) n += t.Length;
                    foreach (var t in names.Take(1000).[|ToList()|]) n += t.Length;
                    foreach (var c in names.Take(10).SelectMany(x => x).[|ToList()|]) n += c;
                    foreach (var s in new[] { "a", "b" }.SelectMany(s => names).[|ToList()|]) n += s.Length;
                    return n;
                }
            }
            """,
            Diag().WithLocation(0).WithSeverity(DiagnosticSeverity.Info),
            Diag().WithLocation(1).WithSeverity(DiagnosticSeverity.Info),
            Diag().WithLocation(2).WithSeverity(DiagnosticSeverity.Info),
            Diag().WithLocation(3).WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Startup_registration_code_is_Info() =>
        // smartstore CheckoutStarter.ConfigureContainer(ContainerBuilder, ...), HookingDbContext.RegisterEntities(ModelBuilder, ...):
        // run once per process. The builder types are found by name (Autofac is not resolved in every project).
        Verify.VerifyAsync(
            Usings + """
            class ContainerBuilder { public void Register(Type t) { } }
            class ModelBuilder { public void Entity(Type t) { } }

            class Starter
            {
                void ConfigureContainer(ContainerBuilder builder, IEnumerable<Type> scanned)
                {
                    var ruleTypes = scanned.Where(t => !t.IsAbstract).{|#0:ToList()|};
                    foreach (var t in ruleTypes) builder.Register(t);
                }

                static void RegisterEntities(ModelBuilder modelBuilder, IEnumerable<Type> types)
                {
                    foreach (var t in types.Where(t => t.IsClass).{|#1:ToList()|}) modelBuilder.Entity(t);
                }

                void LookAlike(List<Type> registered, IEnumerable<Type> scanned)
                {
                    foreach (var t in scanned.Where(t => !t.IsAbstract).[|ToList()|]) registered.Add(t);
                }
            }
            """,
            Diag().WithLocation(0).WithSeverity(DiagnosticSeverity.Info),
            Diag().WithLocation(1).WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task A_plain_copy_of_a_member_collection_walked_by_foreach_is_Info() =>
        // jellyfin Folder.GetActualChildrenDictionary: `foreach (var child in Children.ToList())`, a snapshot of shared state.
        Verify.VerifyAsync(
            Usings + """
            class Folder
            {
                private readonly List<string> _children = new();
                public IEnumerable<string> Children => _children;

                Dictionary<string, int> Snapshot()
                {
                    var dictionary = new Dictionary<string, int>();
                    var childrenList = Children.{|#0:ToList()|};
                    foreach (var child in childrenList) dictionary[child] = child.Length;
                    foreach (var child in _children.{|#1:ToList()|}) dictionary[child] = 0;
                    return dictionary;
                }

                int LookAlikes(IEnumerable<string> children)
                {
                    var n = 0;
                    // An operator before the copy, a parameter's collection, or a LINQ consumer: a warning.
                    foreach (var child in Children.Where(c => c.Length > 1).[|ToList()|]) n++;
                    foreach (var child in children.[|ToList()|]) n++;
                    return Children.[|ToList()|].Count(c => c.Length > 2) + n;
                }
            }
            """,
            Diag().WithLocation(0).WithSeverity(DiagnosticSeverity.Info),
            Diag().WithLocation(1).WithSeverity(DiagnosticSeverity.Info));
}
