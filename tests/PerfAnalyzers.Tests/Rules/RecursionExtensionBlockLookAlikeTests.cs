using PerfAnalyzers.Tests.Verifiers;
using Verify4 = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF004NonTailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF004IntroduceAccumulatorCodeFix>;
using Verify5 = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF005TailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF005ConvertTailRecursionToLoopCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// Look-alikes of the extension block shapes of <see cref="RecursionExtensionBlockFixTests"/>: a member that calls a
/// member of the same name on another receiver type is not recursion (no diagnostic); a call on another instantiation
/// of a generic block, and a <c>ref</c> / <c>in</c> receiver that changes (a <c>ref</c> receiver would be written
/// through to the caller's variable, an <c>in</c> one cannot be assigned) keep their diagnostic without a fix, as the
/// classic <c>this ref</c> extension method does; a <c>ref</c> receiver passed on as itself is converted.
/// </summary>
public class RecursionExtensionBlockLookAlikeTests
{
    private const string NotRecursive = """
        using System;
        static class SizeExtensions
        {
            extension(int n)
            {
                public int Size() => n < 0 ? 1 + (-n).ToString().Size() : n.ToString().Size();

                public static int Size(int a, int b) => a + b;
            }

            extension(string s)
            {
                public int Size() => s.Length;

                public int Twice(int k) => k == 0 ? 0 : s.Length + int.Size(k, 1);
            }

            extension(Type type)
            {
                public bool IsSubclassOf2(Type other) => type.BaseType is { } b && b.FullName!.Length.Size() > 0 && other.Name.Size() > 0;
            }
        }
        """;

    [Fact]
    public Task Same_name_on_another_receiver_type_is_not_recursion_PERF004() =>
        AnalyzerVerifier<PerfAnalyzers.Rules.PERF004NonTailRecursionAnalyzer>.VerifyAsync(NotRecursive);

    [Fact]
    public Task Same_name_on_another_receiver_type_is_not_recursion_PERF005() =>
        AnalyzerVerifier<PerfAnalyzers.Rules.PERF005TailRecursionAnalyzer>.VerifyAsync(NotRecursive);

    [Fact]
    public Task No_fix_for_a_call_on_another_instantiation_of_a_generic_block() => Verify4.VerifyNoFixAsync("""
        using System.Collections.Generic;
        using System.Linq;
        static class ListExtensions
        {
            extension<T>(IReadOnlyList<T> list)
            {
                public int Depth(int i) => i >= list.Count ? 0 : 1 + [|list.Select(x => (object?)x).ToList().Depth(i + 1)|];
            }
        }
        """);

    [Fact]
    public Task No_fix_for_a_ref_or_in_receiver_that_changes() => Verify5.VerifyNoFixAsync("""
        public struct S
        {
            public int X;
        }

        static class StructExtensions
        {
            extension(ref S s)
            {
                public int Up(int n)
                {
                    if (n == 0) return s.X;
                    var t = new S { X = s.X + 1 };
                    return [|t.Up(n - 1)|];
                }
            }

            extension(in S s)
            {
                public int Down(int n) => n == 0 ? s.X : [|new S { X = s.X - 1 }.Down(n - 1)|];
            }
        }
        """);

    [Fact]
    public Task No_fix_for_a_classic_ref_receiver_that_changes() => Verify5.VerifyNoFixAsync("""
        public struct S
        {
            public int X;
        }

        static class StructExtensions
        {
            public static int Up(this ref S s, int n)
            {
                if (n == 0) return s.X;
                var t = new S { X = s.X + 1 };
                return [|t.Up(n - 1)|];
            }
        }
        """);

    [Fact]
    public Task A_ref_receiver_passed_on_as_itself_is_converted() => Verify5.VerifyFixAsync("""
        public struct S
        {
            public int X;
        }

        static class StructExtensions
        {
            extension(ref S s)
            {
                public int Count(int n)
                {
                    if (n == 0) return s.X;
                    s.X++;
                    return [|s.Count(n - 1)|];
                }
            }
        }
        """, """
        public struct S
        {
            public int X;
        }

        static class StructExtensions
        {
            extension(ref S s)
            {
                public int Count(int n)
                {
                    while (true)
                    {
                        if (n == 0) return s.X;
                        s.X++;
                        n = n - 1;
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Broken_extension_blocks_do_not_throw() => new CodeFixTest<PerfAnalyzers.Rules.PERF004NonTailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF004IntroduceAccumulatorCodeFix>
    {
        TestCode = Broken4,
        FixedCode = Broken4,
        AllowCompilerErrors = true,
    }.RunAsync();

    [Fact]
    public Task Broken_extension_blocks_do_not_throw_PERF005() => new CodeFixTest<PerfAnalyzers.Rules.PERF005TailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF005ConvertTailRecursionToLoopCodeFix>
    {
        TestCode = Broken5,
        // Errors already in the code do not block a fix (as for any method); the receiver keeps its parentheses, as a
        // classic extension method's does.
        FixedCode = BrokenCode.Replace("public int Twice(int n) => n == 0 ? k : (k + 1).Twice(n - 1)", string.Join("\n", new[]
        {
            "public int Twice(int n)",
            "        {",
            "            while (true)",
            "            {",
            "                if (n == 0)",
            "                {",
            "                    return k;",
            "                }",
            "",
            "                (k, n) = ((k + 1), n - 1);",
            "            }",
            "        }",
        })),
        AllowCompilerErrors = true,
    }.RunAsync();

    private static readonly string Broken4 = BrokenCode
        .Replace("typeof(int).Depth(n - 1)", "{|PERF004:typeof(int).Depth(n - 1)|}")
        .Replace("a.Both(n - 1)", "{|PERF004:a.Both(n - 1)|}");

    private static readonly string Broken5 = BrokenCode.Replace("(k + 1).Twice(n - 1)", "{|PERF005:(k + 1).Twice(n - 1)|}");

    // A receiver without a name, a half-typed call, a block with two parameters, a member outside any block.
    private const string BrokenCode = """
        using System;
        static class Broken
        {
            extension(Type)
            {
                public int Depth(int n) => n == 0 ? 0 : 1 + typeof(int).Depth(n - 1);
            }

            extension(string s)
            {
                public int Skip(int n) => n == 0 ? s.Length : s.Substring(1).Skip(n - 1, ;
            }

            extension(string a, string b)
            {
                public int Both(int n) => n == 0 ? 0 : 1 + a.Both(n - 1);
            }

            extension(int k)
            {
                public int Twice(int n) => n == 0 ? k : (k + 1).Twice(n - 1)
            }
        }
        """;
}
