using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF004NonTailRecursionAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF004 on the shapes real code showed to be false or harmless (issue #18): recursion whose depth is bounded by a
/// constant or does not depend on the input, a call per loop element, async re-scheduling, delegation, and walks up a
/// hierarchy (reported at Info); each with the nearest look-alike that is still reported.
/// </summary>
public class PERF004PrecisionTests
{
    private static DiagnosticResult Diag(string id) => Expect.Diagnostic(id);

    [Fact]
    public Task Bool_retry_flag_passed_as_the_literal_that_turns_its_guard_off_is_not_reported() => Verify.VerifyAsync("""
        using System;
        using System.Threading.Tasks;
        class Client
        {
            private readonly Func<string, Task<int>> _status = _ => Task.FromResult(200);

            public async Task<string> SendAsync(string url, bool retry = true)
            {
                var status = await _status(url);
                if (status == 429 && retry)
                {
                    var again = await SendAsync(url, retry: false);
                    return again.Trim();
                }

                return status.ToString();
            }

            public int Parse(string text, bool enableRetry)
            {
                if (text.Length == 0) throw new ArgumentException("empty");
                if (!enableRetry) return text.Length;
                return 1 + Parse(text.Trim(), false);
            }
        }
        """);

    [Fact]
    public Task Retry_flag_look_alikes_are_reported() => Verify.VerifyAsync("""
        class Client
        {
            // The literal passed keeps the guard on: no bound.
            public int Send(int n, bool retry) => retry && n > 0 ? 1 + [|Send(n - 1, true)|] : 0;

            // The flag is not passed as a literal by every call.
            public int Parse(string s, bool retry)
            {
                if (!retry || s.Length == 0) return 0;
                return 1 + [|Parse(s.Substring(1), s.Length > 1)|];
            }
        }
        """);

    [Fact]
    public Task Retry_counter_compared_with_a_constant_is_not_reported() => Verify.VerifyAsync("""
        using System.IO;
        using System.Threading.Tasks;
        class Cleaner
        {
            private const int MaxRetries = 5;

            public async Task DeleteFile(string path, int retryCount)
            {
                if (retryCount >= 5)
                {
                    return;
                }

                try
                {
                    File.Delete(path);
                }
                catch (IOException)
                {
                    await Task.Delay(100);
                    await DeleteFile(path, retryCount + 1);
                }
            }

            public int Attempt(int attempt)
            {
                if (attempt < MaxRetries)
                {
                    return 1 + Attempt(1 + attempt);
                }

                return 0;
            }
        }
        """);

    [Fact]
    public Task Retry_counter_compared_with_a_parameter_or_field_is_reported() => Verify.VerifyAsync("""
        using System.IO;
        using System.Threading.Tasks;
        class Cleaner
        {
            private int _maxRetries = 5;

            public async Task DeleteFile(string path, int retryCount, int maxRetries)
            {
                if (retryCount >= maxRetries)
                {
                    return;
                }

                try
                {
                    File.Delete(path);
                }
                catch (IOException)
                {
                    await [|DeleteFile(path, retryCount + 1, maxRetries)|];
                }
            }

            public int Attempt(int attempt) => attempt < _maxRetries ? 1 + [|Attempt(attempt + 1)|] : 0;

            // Counting down towards a constant walks the input: depth = n.
            public static int Down(int n) => n <= 0 ? 0 : 1 + [|Down(n - 1)|];
        }
        """);

    [Fact]
    public Task Arguments_that_cannot_recur_are_not_reported() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        enum Range { Unknown, Hdr10, Hdr10Plus }
        static class Conditions
        {
            public static bool Accepts(HashSet<Range> set, Range? v)
            {
                if (v is null) return false;
                if (v == Range.Hdr10Plus && Accepts(set, Range.Hdr10))
                {
                    return true;
                }

                return set.Contains(v.Value);
            }

            public static int Decode(string path, bool clean, out int origin)
            {
                origin = 0;
                if (clean) return path.Length;
                var code = path.GetHashCode();
                if (code == 0) return 1 + Decode(path, true, out origin);
                return code;
            }
        }
        """);

    [Fact]
    public Task Guard_that_reads_only_instance_state_is_not_reported() => Verify.VerifyAsync("""
        class Widget
        {
            private bool _enabled;
            private Widget? _child;
            public int Level()
            {
                if (!_enabled || _child is null) return 0;
                return 1 + Level();
            }
        }
        """);

    [Fact]
    public Task Call_that_consumes_instance_state_in_its_guard_is_reported() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        class Pump
        {
            private readonly Queue<int> _queue = new();
            public int Drain()
            {
                if (!_queue.TryDequeue(out var x)) return 0;
                return x + [|Drain()|];
            }
        }
        """);

    private const string LoopSource = """
        using System;
        using System.Collections.Generic;
        using System.Text;
        static class Writer
        {
            public static void Write(StringBuilder sb, Array array, int dim, int[] indices)
            {
                if (dim == array.Rank)
                {
                    sb.Append(array.GetValue(indices));
                    return;
                }

                for (var i = 0; i < array.GetLength(dim); i++)
                {
                    indices[dim] = i;
                    {|#0:Write(sb, array, dim + 1, indices)|};
                    sb.Append(',');
                }
            }

            public static void Permute(int[] a, int k, List<int[]> output)
            {
                if (k == a.Length)
                {
                    output.Add((int[])a.Clone());
                    return;
                }

                for (var i = k; i < a.Length; i++)
                {
                    (a[k], a[i]) = (a[i], a[k]);
                    {|#1:Permute(a, k + 1, output)|};
                    (a[k], a[i]) = (a[i], a[k]);
                }
            }
        }
        """;

    [Fact]
    public Task Call_per_loop_element_stepping_a_counter_is_tree_recursion() => Verify.VerifyAsync(LoopSource.Replace("{|#0:", "").Replace("{|#1:", "").Replace("|}", ""));

    [Fact]
    public Task Call_per_loop_element_is_reported_with_include_tree_recursion() => new AnalyzerTest<PERF004NonTailRecursionAnalyzer>
    {
        TestCode = LoopSource,
        EditorConfig = "perf_analyzers.PERF004.include_tree_recursion = true",
        ExpectedDiagnostics = { Diag("PERF004").WithLocation(0), Diag("PERF004").WithLocation(1) },
    }.RunAsync();

    [Fact]
    public Task Call_in_a_loop_that_returns_is_one_call_per_invocation_and_reported() => Verify.VerifyAsync("""
        static class Finder
        {
            public static int CountZeros(int[] a, int i)
            {
                while (i < a.Length)
                {
                    if (a[i] == 0)
                    {
                        return 1 + [|CountZeros(a, i + 1)|];
                    }

                    i++;
                }

                return 0;
            }
        }
        """);

    [Fact]
    public Task Async_self_call_that_is_not_awaited_is_not_reported() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;
        class Scheduler
        {
            private Task? _next;

            public async Task ProcessAsync(List<int> items, int index)
            {
                await Task.Yield();
                if (index >= items.Count) return;
                _next = ProcessAsync(items, index + 1);
                items[index] = 0;
            }

            public async Task FireAsync(List<int> items, int index)
            {
                await Task.Delay(10);
                if (index >= items.Count) return;
                _ = FireAsync(items, index + 1);
                items[index] = 0;
            }

            public async Task LocalAsync(List<int> items)
            {
                await Run(0);

                async Task Run(int index)
                {
                    await Task.Yield();
                    if (index >= items.Count) return;
                    _next = Run(index + 1);
                    items[index] = 0;
                }
            }
        }
        """);

    [Fact]
    public Task Awaited_or_synchronous_self_calls_are_reported() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;
        class Scheduler
        {
            private Task? _next;

            public async Task ProcessAsync(List<int> items, int index)
            {
                if (index >= items.Count) return;
                await [|ProcessAsync(items, index + 1)|].ConfigureAwait(false);
                items[index] = 0;
            }

            // Not async: the call runs its whole body before it returns a task.
            public Task Process(List<int> items, int index)
            {
                if (index >= items.Count) return Task.CompletedTask;
                _next = [|Process(items, index + 1)|];
                items[index] = 0;
                return Task.CompletedTask;
            }
        }
        """);

    [Fact]
    public Task Delegation_to_an_object_from_another_service_is_not_reported() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        interface ILibrary { Folder GetRoot(); Folder? Find(int id); }
        class Folder
        {
            public static ILibrary Library { get; set; } = null!;
            private readonly ILibrary _library = null!;
            public bool IsRoot;
            public int? PrimaryId;
            public List<int> Items = new();

            public int Count(string q)
            {
                if (IsRoot) return 1 + Library.GetRoot().Count(q);
                return Items.Count;
            }

            public int Versions()
            {
                if (PrimaryId is { } id && _library.Find(id) is { } primary)
                {
                    var count = primary.Versions();
                    return count + 1;
                }

                return 1;
            }
        }
        """);

    [Fact]
    public Task Same_method_on_data_reached_from_own_fields_is_reported() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        using System.Linq;
        class Folder
        {
            private readonly Folder _tree = null!;
            private readonly List<Folder> _children = new();
            public Folder? Next;
            public Folder GetRoot() => this;

            public int Count(int n) => n == 0 ? 0 : 1 + [|_tree.GetRoot().Count(n - 1)|];
            public int First(int n) => n == 0 ? 0 : 1 + [|_children.First().First(n - 1)|];
            public int Length() => Next is null ? 1 : 1 + [|Next.Length()|];
        }
        """);

    private const string HierarchySource = """
        using System;
        class Node
        {
            public Node? Parent;
            public Node? Up;
            public int Depth() => Parent is null ? 0 : 1 + {|#0:Parent.Depth()|};
            public int Climb() => Up is null ? 0 : 1 + {|#1:Up.Climb()|};
            public static int Inheritance(Type t) => t.BaseType is null ? 0 : 1 + {|#2:Inheritance(t.BaseType)|};
            public static int Causes(Exception e)
            {
                var inner = e.InnerException;
                if (inner is null) return 0;
                var rest = {|#3:Causes(inner)|};
                return rest + 1;
            }
        }
        """;

    [Fact]
    public Task Walks_up_a_hierarchy_are_reported_at_info() => Verify.VerifyAsync(
        HierarchySource,
        Diag("PERF004").WithLocation(0).WithSeverity(DiagnosticSeverity.Info),
        Diag("PERF004").WithLocation(1).WithSeverity(DiagnosticSeverity.Warning),
        Diag("PERF004").WithLocation(2).WithSeverity(DiagnosticSeverity.Info),
        Diag("PERF004").WithLocation(3).WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Hierarchy_members_are_an_option() => new AnalyzerTest<PERF004NonTailRecursionAnalyzer>
    {
        TestCode = HierarchySource,
        EditorConfig = "perf_analyzers.hierarchy_members = Up, InnerException",
        ExpectedDiagnostics =
        {
            Diag("PERF004").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning),
            Diag("PERF004").WithLocation(1).WithSeverity(DiagnosticSeverity.Info),
            // BaseType is not listed, but a System.Type walk is over code structure (issue #18 s2): Info while the list is not empty.
            Diag("PERF004").WithLocation(2).WithSeverity(DiagnosticSeverity.Info),
            Diag("PERF004").WithLocation(3).WithSeverity(DiagnosticSeverity.Info),
        },
    }.RunAsync();

    [Fact]
    public Task Empty_hierarchy_member_list_per_rule_turns_it_off() => new AnalyzerTest<PERF004NonTailRecursionAnalyzer>
    {
        TestCode = HierarchySource,
        EditorConfig = "perf_analyzers.PERF004.hierarchy_members =",
        ExpectedDiagnostics =
        {
            Diag("PERF004").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning),
            Diag("PERF004").WithLocation(1).WithSeverity(DiagnosticSeverity.Warning),
            Diag("PERF004").WithLocation(2).WithSeverity(DiagnosticSeverity.Warning),
            Diag("PERF004").WithLocation(3).WithSeverity(DiagnosticSeverity.Warning),
        },
    }.RunAsync();

    [Fact]
    public Task Linked_list_walk_stays_a_warning() => Verify.VerifyAsync("""
        class Node
        {
            public Node? Next;
            public int Value;
            public static int Sum(Node? node) => node is null ? 0 : node.Value + {|#0:Sum(node.Next)|};
        }
        """, Diag("PERF004").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning));

    [Fact]
    public Task Call_that_passes_the_value_its_guard_excludes_is_not_reported_unless_the_value_comes_from_a_parameter() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        class Localizer
        {
            private int? _masterLanguageId;
            private readonly Dictionary<(string, int), string> _resources = new();

            public string GetResource(string key, int languageId, bool log = true)
            {
                if (_resources.TryGetValue((key, languageId), out var found)) return found;
                var master = _masterLanguageId ?? 1;
                if (master != languageId)
                {
                    var fallback = GetResource(key, master, false);
                    return fallback.Trim();
                }

                return key;
            }

            public string Walk(string key, int languageId)
            {
                if (_resources.TryGetValue((key, languageId), out var found)) return found;
                var next = languageId + 1;
                if (next != languageId)
                {
                    var fallback = [|Walk(key, next)|];
                    return fallback.Trim();
                }

                return key;
            }
        }
        """);

    [Fact]
    public Task Hierarchy_through_a_getter_method_or_a_local_name_is_reported_at_info() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        interface ITreeNode
        {
            int Id { get; }
            string? TreePath { get; }
            ITreeNode? GetParentNode();
        }

        static class Tree
        {
            public static string BuildTreePath(this ITreeNode node)
            {
                if (node.GetParentNode() is not ITreeNode parentNode) return "/" + node.Id + "/";
                var parentPath = parentNode.TreePath ?? {|#0:parentNode.BuildTreePath()|};
                return parentPath + node.Id + "/";
            }

            public static int Ancestors(Dictionary<int, int> parents, int id)
            {
                if (!parents.TryGetValue(id, out var parentId)) return 0;
                return 1 + {|#1:Ancestors(parents, parentId)|};
            }
        }
        """,
        Diag("PERF004").WithLocation(0).WithSeverity(DiagnosticSeverity.Info),
        Diag("PERF004").WithLocation(1).WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Half_typed_code_does_not_throw() => new AnalyzerTest<PERF004NonTailRecursionAnalyzer>
    {
        TestCode = """
            using System.Threading.Tasks;
            class C
            {
                private Task? _t;
                public int Retry(int attempt, bool again) { if (attempt >= ) return 0; return 1 + Retry(attempt + , again); }
                public int Flag(bool retry) { if (retry && ) return 1 + Flag(false); return 0; }
                public int Up(C? c) => c is null ? 0 : 1 + Up(c.);
                public async Task Later(int i) { _t = Later(i + 1; await _t; }
                public int Loop(int[] a, int d) { for (var i = 0; i < a.Length; i++) { Loop(a, d + 1) } return 0; }
                public int Service() => 1 + Unknown.Get().Service();
                public int Args(int x) => 1 + Args(x: x, y: 2);
            }
            """,
        AllowCompilerErrors = true,
    }.RunAsync();
}
