using Microsoft.CodeAnalysis;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Verify4 = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF004NonTailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF004IntroduceAccumulatorCodeFix>;
using Verify5 = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF005TailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF005ConvertTailRecursionToLoopCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF004 and PERF005 fixes on members of C# 14 <c>extension(Type type) { ... }</c> blocks (issue #17, smartstore's
/// <c>TypeExtensions</c>): the receiver is the block's parameter and is reassigned like the first parameter of a
/// classic <c>this</c> extension method. Exact output, Fix All (every test, by the testing library) and compiling fixed
/// code; the look-alikes that keep their diagnostic without a fix.
/// </summary>
public class RecursionExtensionBlockFixTests
{
    private static DiagnosticResult Info4(int location) => Expect.Diagnostic("PERF004").WithLocation(location).WithSeverity(DiagnosticSeverity.Info);

    [Fact]
    public Task PERF005_receiver_is_reassigned() => Verify5.VerifyFixAsync("""
        static class StringExtensions
        {
            extension(string s)
            {
                public int Skip(int n) => n == 0 || s.Length == 0 ? s.Length : [|s.Substring(1).Skip(n - 1)|];
            }
        }
        """, """
        static class StringExtensions
        {
            extension(string s)
            {
                public int Skip(int n)
                {
                    while (true)
                    {
                        if (n == 0 || s.Length == 0)
                        {
                            return s.Length;
                        }

                        (s, n) = (s.Substring(1), n - 1);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task PERF005_receiver_passed_on_as_itself_is_not_reassigned() => Verify5.VerifyFixAsync("""
        using System.Collections.Generic;
        static class ListExtensions
        {
            extension<T>(IReadOnlyList<T> list)
            {
                public T LastFrom(int i) => i == list.Count - 1 ? list[i] : [|list.LastFrom(i + 1)|];
            }
        }
        """, """
        using System.Collections.Generic;
        static class ListExtensions
        {
            extension<T>(IReadOnlyList<T> list)
            {
                public T LastFrom(int i)
                {
                    while (true)
                    {
                        if (i == list.Count - 1)
                        {
                            return list[i];
                        }

                        i = i + 1;
                    }
                }
            }
        }
        """);

    [Fact]
    public Task PERF004_accumulator_with_a_generic_receiver() => Verify4.VerifyFixAsync("""
        sealed class Node<T>
        {
            public T Value = default!;
            public Node<T>? Next;
        }

        static class NodeExtensions
        {
            extension<T>(Node<T> node)
            {
                public int Length() => node.Next is null ? 1 : 1 + [|node.Next.Length()|];
            }
        }
        """, """
        sealed class Node<T>
        {
            public T Value = default!;
            public Node<T>? Next;
        }

        static class NodeExtensions
        {
            extension<T>(Node<T> node)
            {
                public int Length()
                {
                    var acc = 0;
                    while (true)
                    {
                        if (node.Next is null)
                        {
                            return acc + 1;
                        }

                        (acc, node) = (acc + 1, node.Next);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task PERF004_explicit_stack_keeps_the_receiver_in_the_frame() => Verify4.VerifyFixAsync("""
        using System;
        static class TypeExtensions
        {
            extension(Type type)
            {
                public string Path()
                {
                    if (type.BaseType is null)
                    {
                        return type.Name;
                    }

                    var parent = {|#0:type.BaseType.Path()|};
                    return parent + "/" + type.Name;
                }
            }
        }
        """, """
        using System;
        using System.Collections.Generic;
        static class TypeExtensions
        {
            extension(Type type)
            {
                public string Path()
                {
                    var frames = new Stack<Type>();
                    string result;
                    while (true)
                    {
                        if (type.BaseType is null)
                        {
                            result = type.Name;
                            break;
                        }

                        frames.Push(type);
                        type = type.BaseType;
                    }

                    while (frames.Count > 0)
                    {
                        type = frames.Pop();
                        var parent = result;
                        result = parent + "/" + type.Name;
                    }

                    return result;
                }
            }
        }
        """, Info4(0));

    [Fact]
    public Task PERF004_smartstore_IsNumericType_in_an_extension_block() => Verify4.VerifyFixAsync("""
        using System;
        static class TypeExtensions
        {
            extension(Type type)
            {
                public bool IsNullableType(out Type underlyingType)
                {
                    underlyingType = Nullable.GetUnderlyingType(type) ?? type;
                    return underlyingType != type;
                }

                public bool IsNumericType()
                {
                    switch (Type.GetTypeCode(type))
                    {
                        case TypeCode.Int32:
                        case TypeCode.Double:
                            return true;
                        case TypeCode.Object:
                            return type.IsNullableType(out var underlyingType) && {|#0:underlyingType.IsNumericType()|};
                        default:
                            return false;
                    }
                }
            }
        }
        """, """
        using System;
        static class TypeExtensions
        {
            extension(Type type)
            {
                public bool IsNullableType(out Type underlyingType)
                {
                    underlyingType = Nullable.GetUnderlyingType(type) ?? type;
                    return underlyingType != type;
                }

                public bool IsNumericType()
                {
                    while (true)
                    {
                        switch (Type.GetTypeCode(type))
                        {
                            case TypeCode.Int32:
                            case TypeCode.Double:
                                return true;
                            case TypeCode.Object:
                                if (!type.IsNullableType(out var underlyingType))
                                {
                                    return false;
                                }

                                type = underlyingType;
                                continue;
                            default:
                                return false;
                        }
                    }
                }
            }
        }
        """, Info4(0));

    [Fact]
    public Task PERF005_captured_receiver_gets_a_copy_per_round() => Verify5.VerifyFixAsync("""
        using System;
        using System.Collections.Generic;
        static class ListExtensions
        {
            extension<T>(IReadOnlyList<T> list)
            {
                public List<Func<int>> Counters(int i, List<Func<int>> output)
                {
                    if (i == list.Count) return output;
                    output.Add(() => list.Count + i);
                    return [|new List<T>(list).Counters(i + 1, output)|];
                }
            }
        }
        """, """
        using System;
        using System.Collections.Generic;
        static class ListExtensions
        {
            extension<T>(IReadOnlyList<T> list)
            {
                public List<Func<int>> Counters(int i, List<Func<int>> output)
                {
                    while (true)
                    {
                        var listCopy = list;
                        var iCopy = i;
                        if (i == list.Count) return output;
                        output.Add(() => listCopy.Count + iCopy);
                        (list, i) = (new List<T>(list), i + 1);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Fix_all_converts_every_member_and_a_classic_extension_method() => new CodeFixTest<PERF004NonTailRecursionAnalyzer, PERF004IntroduceAccumulatorCodeFix>
    {
        TestCode = """
            static class StringExtensions
            {
                extension(string s)
                {
                    public int CountOf(char c) => s.Length == 0 ? 0 : (s[0] == c ? 1 : 0) + [|s.Substring(1).CountOf(c)|];

                    public long Digits() => s.Length == 0 ? 0L : (s[0] - '0') + [|s.Substring(1).Digits()|];
                }

                public static int Spaces(this string t) => t.Length == 0 ? 0 : (t[0] == ' ' ? 1 : 0) + [|t.Substring(1).Spaces()|];
            }
            """,
        FixedCode = """
            static class StringExtensions
            {
                extension(string s)
                {
                    public int CountOf(char c)
                    {
                        var acc = 0;
                        while (true)
                        {
                            if (s.Length == 0)
                            {
                                return acc;
                            }

                            (acc, s) = (acc + (s[0] == c ? 1 : 0), s.Substring(1));
                        }
                    }

                    public long Digits()
                    {
                        var acc = 0L;
                        while (true)
                        {
                            if (s.Length == 0)
                            {
                                return acc;
                            }

                            (acc, s) = (acc + (s[0] - '0'), s.Substring(1));
                        }
                    }
                }

                public static int Spaces(this string t)
                {
                    var acc = 0;
                    while (true)
                    {
                        if (t.Length == 0)
                        {
                            return acc;
                        }

                        (acc, t) = (acc + (t[0] == ' ' ? 1 : 0), t.Substring(1));
                    }
                }
            }
            """,
    }.RunAsync();
}
