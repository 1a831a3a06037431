using Microsoft.CodeAnalysis.Diagnostics;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF004 explicit stack (issue #17, recursion corpus <c>PermissionService.EffectivePermissions</c>,
/// <c>CartCalculator.History</c>, <c>RoleNames</c>): a local declared with the self-call in one branch of <c>?:</c>,
/// <c>var older = e.Previous == null ? new List&lt;string&gt;() : History(e.Previous);</c>, becomes
/// <c>T x; if (c) { x = a; } else { x = F(..); }</c>, then the explicit stack; the local, which has no value at the call,
/// is declared anew where the rest runs. Exact output with Fix All (a value type, a reference type, the call in the
/// first branch), a branch that throws on the way up, original and fixed code run and compared (values and
/// exceptions), then 100,000 deep; and the look-alikes that keep no fix.
/// </summary>
public class RecursionConditionalDeclarationFixTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;

        [Flags]
        public enum Permission { None = 0, Read = 1, Write = 2, Delete = 4 }

        public sealed class Role
        {
            public Role? InheritsFrom { get; set; }
            public Permission Granted { get; set; }
            public Permission Denied { get; set; }
        }

        public sealed class Entry
        {
            public Entry? Previous { get; set; }
            public string Action { get; set; } = "";
        }

        public static class R
        {
            public static Permission Effective(Role role)
            {
                var inherited = role.InheritsFrom is null ? Permission.None : Effective(role.InheritsFrom);
                return (inherited | role.Granted) & ~role.Denied;
            }

            public static List<string> History(Entry entry)
            {
                var older = entry.Previous == null ? new List<string>() : History(entry.Previous);
                older.Add(entry.Action);
                return older;
            }

            public static List<string> Checked(Entry entry)
            {
                var older = entry.Previous != null ? Checked(entry.Previous) : new List<string>();
                if (entry.Action.Length == 0)
                {
                    throw new ArgumentException("empty action after " + older.Count);
                }

                older.Add(entry.Action);
                return older;
            }

            public static Entry Chain(int length)
            {
                var entry = new Entry { Action = "a0" };
                for (var i = 1; i < length; i++)
                {
                    entry = new Entry { Action = "a" + i, Previous = entry };
                }

                return entry;
            }

            public static Role Roles(int length)
            {
                var role = new Role { Granted = Permission.Read };
                for (var i = 1; i < length; i++)
                {
                    role = new Role { InheritsFrom = role, Granted = (Permission)(1 << (i % 3)), Denied = i % 5 == 0 ? Permission.Read : Permission.None };
                }

                return role;
            }

            public static string HistoryOf(int length) => string.Join(",", History(Chain(length)));

            public static int EffectiveOf(int length) => (int)Effective(Roles(length));

            public static string CheckedOf(int length, int emptyAt)
            {
                var entry = Chain(length);
                for (var e = entry; e != null; e = e.Previous)
                {
                    if (e.Action == "a" + emptyAt)
                    {
                        e.Action = "";
                    }
                }

                try
                {
                    return string.Join(",", Checked(entry));
                }
                catch (Exception e)
                {
                    return e.GetType().Name + ": " + e.Message;
                }
            }
        }
        """;

    private const string FixedSource = """
        using System;
        using System.Collections.Generic;

        [Flags]
        public enum Permission { None = 0, Read = 1, Write = 2, Delete = 4 }

        public sealed class Role
        {
            public Role? InheritsFrom { get; set; }
            public Permission Granted { get; set; }
            public Permission Denied { get; set; }
        }

        public sealed class Entry
        {
            public Entry? Previous { get; set; }
            public string Action { get; set; } = "";
        }

        public static class R
        {
            public static Permission Effective(Role role)
            {
                var frames = new Stack<Role>();
                Permission result;
                while (true)
                {
                    Permission inherited;
                    if (role.InheritsFrom is null)
                    {
                        inherited = Permission.None;
                    }
                    else
                    {
                        frames.Push(role);
                        role = role.InheritsFrom;
                        continue;
                    }

                    result = (inherited | role.Granted) & ~role.Denied;
                    break;
                }

                while (frames.Count > 0)
                {
                    role = frames.Pop();
                    Permission inherited;
                    inherited = result;
                    result = (inherited | role.Granted) & ~role.Denied;
                }

                return result;
            }

            public static List<string> History(Entry entry)
            {
                var frames = new Stack<Entry>();
                List<string> result;
                while (true)
                {
                    List<string>? older;
                    if (entry.Previous == null)
                    {
                        older = new List<string>();
                    }
                    else
                    {
                        frames.Push(entry);
                        entry = entry.Previous;
                        continue;
                    }

                    older.Add(entry.Action);
                    result = older;
                    break;
                }

                while (frames.Count > 0)
                {
                    entry = frames.Pop();
                    List<string>? older;
                    older = result;
                    older.Add(entry.Action);
                    result = older;
                }

                return result;
            }

            public static List<string> Checked(Entry entry)
            {
                var frames = new Stack<Entry>();
                List<string> result;
                while (true)
                {
                    List<string>? older;
                    if (entry.Previous != null)
                    {
                        frames.Push(entry);
                        entry = entry.Previous;
                        continue;
                    }
                    else
                    {
                        older = new List<string>();
                    }

                    if (entry.Action.Length == 0)
                    {
                        throw new ArgumentException("empty action after " + older.Count);
                    }

                    older.Add(entry.Action);
                    result = older;
                    break;
                }

                while (frames.Count > 0)
                {
                    entry = frames.Pop();
                    List<string>? older;
                    older = result;
                    if (entry.Action.Length == 0)
                    {
                        throw new ArgumentException("empty action after " + older.Count);
                    }

                    older.Add(entry.Action);
                    result = older;
                }

                return result;
            }

            public static Entry Chain(int length)
            {
                var entry = new Entry { Action = "a0" };
                for (var i = 1; i < length; i++)
                {
                    entry = new Entry { Action = "a" + i, Previous = entry };
                }

                return entry;
            }

            public static Role Roles(int length)
            {
                var role = new Role { Granted = Permission.Read };
                for (var i = 1; i < length; i++)
                {
                    role = new Role { InheritsFrom = role, Granted = (Permission)(1 << (i % 3)), Denied = i % 5 == 0 ? Permission.Read : Permission.None };
                }

                return role;
            }

            public static string HistoryOf(int length) => string.Join(",", History(Chain(length)));

            public static int EffectiveOf(int length) => (int)Effective(Roles(length));

            public static string CheckedOf(int length, int emptyAt)
            {
                var entry = Chain(length);
                for (var e = entry; e != null; e = e.Previous)
                {
                    if (e.Action == "a" + emptyAt)
                    {
                        e.Action = "";
                    }
                }

                try
                {
                    return string.Join(",", Checked(entry));
                }
                catch (Exception e)
                {
                    return e.GetType().Name + ": " + e.Message;
                }
            }
        }
        """;

    private const string LookAlikes = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public struct Lease : IDisposable { public void Dispose() { } }

        public sealed class Wrapper
        {
            public int Value;
            public static implicit operator Wrapper(int value) => new Wrapper { Value = value };
        }

        public sealed class Node
        {
            public int Id { get; set; }
            public Node? Next { get; set; }
        }

        public static class R
        {
            public static Wrapper Converted(int n)
            {
                Wrapper w = n == 0 ? 5 : Converted(n - 1);
                w.Value++;
                return w;
            }

            public static int BothBranches(Node node)
            {
                if (node.Next is null) return 0;
                var x = node.Id % 2 == 0 ? BothBranches(node.Next) : BothBranches(node.Next);
                return x * 2 + 1;
            }
        }
        """;

    [Fact]
    public Task Conditional_declaration_becomes_an_if_then_the_explicit_stack_exact_output_and_fix_all() =>
        RecursionFixRunner.VerifyAsync<PERF004NonTailRecursionAnalyzer, PERF004IntroduceAccumulatorCodeFix>(Source, FixedSource, expectedDiagnostics: 3);

    [Fact]
    public void Original_and_fixed_code_give_the_same_values_and_exceptions_then_deep()
    {
        var original = TestCompiler.CompileAndLoad(Source);
        var converted = TestCompiler.CompileAndLoad(FixedSource);
        for (var length = 1; length <= 40; length++)
        {
            Assert.Equal(TestCompiler.Invoke(original, "R", "HistoryOf", length), TestCompiler.Invoke(converted, "R", "HistoryOf", length));
            Assert.Equal(TestCompiler.Invoke(original, "R", "EffectiveOf", length), TestCompiler.Invoke(converted, "R", "EffectiveOf", length));
            for (var emptyAt = -1; emptyAt < length; emptyAt++)
            {
                Assert.Equal(TestCompiler.Invoke(original, "R", "CheckedOf", length, emptyAt), TestCompiler.Invoke(converted, "R", "CheckedOf", length, emptyAt));
            }
        }

        Assert.StartsWith("ArgumentException: empty action after 3", (string)TestCompiler.Invoke(converted, "R", "CheckedOf", 10, 3)!, StringComparison.Ordinal);
        Assert.EndsWith(",a99999", (string)TestCompiler.Invoke(converted, "R", "HistoryOf", 100_000)!, StringComparison.Ordinal);
        // The value depends on the last 15 roles only (Read is granted every 3rd, denied every 5th): 99,999 and 24 agree modulo 15.
        Assert.Equal(TestCompiler.Invoke(original, "R", "EffectiveOf", 25), TestCompiler.Invoke(converted, "R", "EffectiveOf", 100_000));
    }

    [Fact]
    public async Task Look_alikes_keep_no_fix()
    {
        // A branch converted by a user-defined operator (the split would convert it elsewhere), and a self-call in both
        // branches (not one call site to split at).
        var reported = await TestCompiler.CreateCompilation([LookAlikes])
            .WithAnalyzers([new PERF004NonTailRecursionAnalyzer()])
            .GetAnalyzerDiagnosticsAsync();
        Assert.NotEmpty(reported);
        var (text, applied) = await FixApplier.ApplyEachAsync<PERF004NonTailRecursionAnalyzer, PERF004IntroduceAccumulatorCodeFix>(LookAlikes);
        Assert.Equal(0, applied);
        Assert.Equal(LookAlikes, text);
    }
}
