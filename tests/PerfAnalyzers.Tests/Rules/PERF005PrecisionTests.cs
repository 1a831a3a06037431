using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF005TailRecursionAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF005 on the shapes real code showed to be false or harmless (issue #18): bounded retries, arguments that cannot
/// recur, delegation to another service's object, async re-scheduling and walks up a hierarchy (not reported: the rule
/// is already a suggestion); each with the nearest look-alike that is still reported.
/// </summary>
public class PERF005PrecisionTests
{
    private static DiagnosticResult Diag(string id) => Expect.Diagnostic(id);

    [Fact]
    public Task Bool_retry_flag_is_not_reported() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        class Client
        {
            private readonly Func<string, Task<int>> _status = _ => Task.FromResult(200);

            public async Task<int> SendAsync(string url, bool retry = true)
            {
                var status = await _status(url);
                if (status == 429 && retry)
                {
                    return await SendAsync(url + "?again", retry: false);
                }

                return status;
            }

            public async Task<int> RequestAsync(string url, bool enableRetry, int attempt)
            {
                var status = await _status(url);
                if (status == 200)
                {
                    return attempt;
                }
                else if (enableRetry && status < 500)
                {
                    return await RequestAsync(url + "?token", false, attempt + 1);
                }

                throw new InvalidOperationException();
            }
        }
        """);

    [Fact]
    public Task Retry_flag_that_stays_on_is_reported() => Verify.VerifyAsync("""
        class Client
        {
            public int Send(string url, bool retry)
            {
                if (!retry || url.Length == 0) return 0;
                return [|Send(url.Substring(1), true)|];
            }
        }
        """);

    [Fact]
    public Task Retry_counter_with_a_constant_bound_is_not_reported_and_with_a_parameter_bound_is() => Verify.VerifyAsync("""
        using System;
        static class Retry
        {
            private const int Limit = 3;

            public static int Run(Func<int, bool> attemptOnce, int attempt = 0)
            {
                if (attempt >= 5) return -1;
                if (attemptOnce(attempt)) return attempt;
                return Run(attemptOnce, attempt + 1);
            }

            public static int RunUnder(Func<int, bool> attemptOnce, int attempt) =>
                attempt < Limit && !attemptOnce(attempt) ? RunUnder(attemptOnce, attempt + 1) : attempt;

            public static int RunUpTo(Func<int, bool> attemptOnce, int attempt, int maxAttempts)
            {
                if (attempt >= maxAttempts) return -1;
                if (attemptOnce(attempt)) return attempt;
                return [|RunUpTo(attemptOnce, attempt + 1, maxAttempts)|];
            }
        }
        """);

    [Fact]
    public Task Arguments_that_cannot_recur_are_not_reported() => Verify.VerifyAsync("""
        class Decoder
        {
            public int? Decode(string path, bool forceClean, out int origin)
            {
                origin = 0;
                if (forceClean) return path.Length;
                var result = path.Length > 3 ? (int?)path.Length : null;
                if (result is null)
                {
                    return Decode(path, true, out origin);
                }

                return result;
            }

            private bool _ready;
            public void Tick()
            {
                if (!_ready) return;
                Tick();
            }
        }
        """);

    [Fact]
    public Task Parameter_that_changes_is_still_reported() => Verify.VerifyAsync("""
        class Decoder
        {
            public int Decode(string path, int origin)
            {
                if (path.Length == 0) return origin;
                path = path.Substring(1);
                return [|Decode(path, origin)|];
            }
        }
        """);

    [Fact]
    public Task Delegation_to_another_services_object_is_not_reported() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        interface ILibraryManager { Folder GetUserRootFolder(); }
        class Folder
        {
            public static ILibraryManager LibraryManager { get; set; } = null!;
            private readonly ILibraryManager _service = null!;
            public bool IsPhysicalRoot;
            public bool IsVirtual;
            public List<string> Names = new();

            public IReadOnlyList<string> GetChildren(string q)
            {
                if (IsPhysicalRoot)
                {
                    return LibraryManager.GetUserRootFolder().GetChildren(q);
                }

                if (IsVirtual)
                {
                    var root = _service.GetUserRootFolder();
                    return root.GetChildren(q);
                }

                return Names;
            }
        }
        """);

    [Fact]
    public Task Same_method_on_data_is_still_reported() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        using System.Linq;
        class Folder
        {
            private readonly Folder _root = null!;
            private readonly List<Folder> _children = new();
            public Folder? Next;
            public Folder GetRoot() => _root;
            public int Depth;

            public Folder Last() => Next is null ? this : [|Next.Last()|];
            public Folder Deep(int n) => n == 0 ? this : [|_root.GetRoot().Deep(n - 1)|];
            public Folder FirstLeaf(int n) => n == 0 || _children.Count == 0 ? this : [|_children.First().FirstLeaf(n - 1)|];
        }
        """);

    [Fact]
    public Task Async_self_call_not_awaited_is_not_reported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        class Poller
        {
            public async Task PollAsync(int round)
            {
                await Task.Delay(1000);
                if (round > 1000000) return;
        #pragma warning disable CS4014 // fire and forget on purpose
                PollAsync(round + 1);
        #pragma warning restore CS4014
            }
        }
        """);

    [Fact]
    public Task Async_self_call_awaited_is_reported() => Verify.VerifyAsync("""
        using System.Threading.Tasks;
        class Poller
        {
            public async Task PollAsync(int round, int rounds)
            {
                await Task.Delay(1000);
                if (round > rounds) return;
                await [|PollAsync(round + 1, rounds)|];
            }
        }
        """);

    [Fact]
    public Task Walks_up_a_hierarchy_are_not_reported() => Verify.VerifyAsync("""
        using System;
        using System.Collections.Generic;
        class Item
        {
            public Item? DisplayParent;
            public Guid Id;
            public string? Rating;

            public string? GetRating(HashSet<Guid> callstack)
            {
                if (Rating is not null) return Rating;
                callstack.Add(Id);
                var parent = DisplayParent;
                if (parent is not null && !callstack.Contains(parent.Id))
                {
                    return parent.GetRating(callstack);
                }

                return null;
            }

            public static Exception Actual(Exception ex)
            {
                if (ex is AggregateException agg)
                {
                    var inner = agg.InnerException;
                    if (inner is not null)
                    {
                        return Actual(inner);
                    }

                    var inners = agg.InnerExceptions;
                    if (inners.Count > 0)
                    {
                        return Actual(inners[0]);
                    }
                }

                return ex;
            }

            public static Type Outermost(Type t) => t.DeclaringType is null ? t : Outermost(t.DeclaringType);
        }
        """);

    [Fact]
    public Task Hierarchy_members_option_replaces_the_defaults() => new AnalyzerTest<PERF005TailRecursionAnalyzer>
    {
        TestCode = """
            using System;
            class Item
            {
                public Item? Parent;
                public Item? Owner;
                public Item Root() => Parent is null ? this : {|#0:Parent.Root()|};
                public Item Top() => Owner is null ? this : Owner.Top();
            }
            """,
        EditorConfig = "perf_analyzers.PERF005.hierarchy_members = Owner",
        ExpectedDiagnostics = { Diag("PERF005").WithLocation(0).WithSeverity(DiagnosticSeverity.Info) },
    }.RunAsync();

    [Fact]
    public Task Half_typed_code_does_not_throw() => new AnalyzerTest<PERF005TailRecursionAnalyzer>
    {
        TestCode = """
            using System.Threading.Tasks;
            class C
            {
                public int Retry(int attempt, bool again) { if (attempt >= ) return 0; return Retry(attempt + , again); }
                public int Flag(bool retry) { if (retry && ) return Flag(false); return 0; }
                public int Flag2(bool retry) { if (retry ==) return Flag2(false); return 0; }
                public C Up(C? c) => c is null ? this : Up(c.);
                public async Task Later(int i) { _ = Later(i + 1; }
                public int Service() => Unknown.Get().Service();
                public int Args(int x) => Args(x: x, y: 2);
                public int Pattern(object o) => o is C { } c ? [|c.Pattern(o)|] : 0;
                public int Char(int attempt) => attempt >= 5 ? 0 : [|Char(attempt + 'a')|];
                public int Text(int attempt) => attempt >= 5 ? 0 : Text(attempt + "a");
            }
            """,
        AllowCompilerErrors = true,
    }.RunAsync();
}
