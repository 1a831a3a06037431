using Microsoft.CodeAnalysis;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF004NonTailRecursionAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF004 shapes from real code that were warnings but harmless (issue #18 section 2): walks over code structure
/// (expression trees, types: Sonarr ExpressionExtensions.ToPath, Newtonsoft JsonSchemaGenerator, smartstore
/// IsNumericType) and up a folder path (Sonarr CreateFolder) at Info; one-level recursion through a local (a sign
/// switch: Sonarr SizeSuffix; a re-lookup of the same entity by its key: smartstore LoadCollectionAsync) not reported;
/// with the nearest look-alikes still warnings.
/// </summary>
public class PERF004RealCodeShapesTests
{
    private static DiagnosticResult Diag() => Expect.Diagnostic("PERF004");

    [Fact]
    public Task Expression_tree_and_type_walks_are_info() => Verify.VerifyAsync("""
        using System;
        using System.Collections.Generic;
        using System.Linq.Expressions;
        static class ExpressionExtensions
        {
            internal static string ToPath(this MemberExpression e)
            {
                var path = "";
                if (e.Expression is MemberExpression parent)
                {
                    path = {|#0:parent.ToPath()|} + ".";
                }

                return path + e.Member.Name;
            }

            public static bool IsNumericType(this Type type)
            {
                switch (Type.GetTypeCode(type))
                {
                    case TypeCode.Int32:
                        return true;
                    case TypeCode.Object:
                        return IsNullable(type, out var underlyingType) && {|#1:underlyingType.IsNumericType()|};
                    default:
                        return false;
                }
            }

            static bool IsNullable(Type t, out Type u) { u = Nullable.GetUnderlyingType(t) ?? t; return u != t; }

            public static string Schema(Type type)
            {
                var item = type.IsArray ? type.GetElementType() : null;
                if (item == null) return type.Name;
                return "[" + {|#2:Schema(item)|} + "]";
            }
        }
        """,
        Diag().WithLocation(0).WithArguments("ToPath").WithSeverity(DiagnosticSeverity.Info),
        Diag().WithLocation(1).WithArguments("IsNumericType").WithSeverity(DiagnosticSeverity.Info),
        Diag().WithLocation(2).WithArguments("Schema").WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Walk_up_a_folder_path_is_info() => Verify.VerifyAsync("""
        using System.IO;
        class OsPath
        {
            public OsPath(string path) => FullPath = path;
            public string FullPath { get; }
            public OsPath Directory => new OsPath(Path.GetDirectoryName(FullPath) ?? "");
        }

        class Mover
        {
            private void CreateFolder(string directoryName)
            {
                var parentFolder = new OsPath(directoryName).Directory.FullPath;
                if (!System.IO.Directory.Exists(parentFolder))
                {
                    {|#0:CreateFolder(parentFolder)|};
                }

                System.IO.Directory.CreateDirectory(directoryName);
            }

            private void WithExistingFolder(string path, bool exists = true)
            {
                var dir = Path.GetDirectoryName(path);
                if (exists && !string.IsNullOrWhiteSpace(dir))
                {
                    {|#1:WithExistingFolder(dir)|};
                }

                System.Console.WriteLine(path);
            }
        }
        """,
        Diag().WithLocation(0).WithArguments("CreateFolder").WithSeverity(DiagnosticSeverity.Info),
        Diag().WithLocation(1).WithArguments("WithExistingFolder").WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Data_walks_stay_warnings() => Verify.VerifyAsync("""
        using System;
        using System.Collections.Generic;
        class Node { public Node? Next; public int Value; }
        static class Walks
        {
            // A string walked one character per call: data, whatever the parameter's name.
            public static int Count(string typeName, int i) => i >= typeName.Length ? 0 : 1 + {|#0:Count(typeName, i + 1)|};

            // A list of types is data: the depth is the list's length.
            public static int Sum(List<Type> types, int i) => i >= types.Count ? 0 : types[i].Name.Length + {|#1:Sum(types, i + 1)|};

            public static int Length(Node? n) => n is null ? 0 : n.Value + {|#2:Length(n.Next)|};
        }
        """,
        Diag().WithLocation(0).WithArguments("Count"),
        Diag().WithLocation(1).WithArguments("Sum"),
        Diag().WithLocation(2).WithArguments("Length"));

    [Fact]
    public Task Sign_switch_is_one_level_and_not_reported() => Verify.VerifyAsync("""
        using System;
        static class NumberExtensions
        {
            public static string SizeSuffix(this long bytes)
            {
                if (bytes == 0) return "0 B";
                if (bytes == long.MinValue) return "-" + SizeSuffix(long.MaxValue);
                if (bytes < 0) return "-" + SizeSuffix(Math.Abs(bytes));
                return bytes + " B";
            }

            public static string Words(int n)
            {
                if (n < 0)
                {
                    return "minus " + Words(-n);
                }

                return n.ToString();
            }
        }
        """);

    [Fact]
    public Task Sign_switch_look_alikes_are_reported() => Verify.VerifyAsync("""
        using System;
        static class NumberExtensions
        {
            // The guard does not test the sign: -n flips forever or walks.
            public static string Words(int n)
            {
                if (n != 0)
                {
                    return "x" + {|#0:Words(n > 0 ? n - 1 : -n)|};
                }

                return "";
            }

            // Negated, but the guard keeps it running on positives.
            public static int Steps(int n)
            {
                if (n > 0) return 1 + {|#1:Steps(-n + 1)|};
                return 0;
            }
        }
        """,
        Diag().WithLocation(0).WithArguments("Words"),
        Diag().WithLocation(1).WithArguments("Steps"));

    [Fact]
    public Task Re_lookup_of_the_same_entity_by_its_key_is_not_reported() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        using System.Threading.Tasks;
        class Entity { public int Id; public bool Attached; public Entity? Next; public List<int>? Items; }
        class Context
        {
            public Entity? FindTracked(int id) => null;
        }
        static class Navigation
        {
            public static async Task<List<int>?> LoadCollectionAsync(this Context ctx, Entity entity, bool force = false)
            {
                if (entity.Id == 0) return null;
                if (!entity.Attached)
                {
                    var other = ctx.FindTracked(entity.Id);
                    if (other != null)
                    {
                        var otherCollection = await ctx.LoadCollectionAsync(other, force);
                        entity.Items = otherCollection;
                        force = false;
                        return otherCollection;
                    }
                }

                await Task.Yield();
                return entity.Items;
            }

            // Looked up by another entity's key: a walk along the chain.
            public static async Task<int> ChainAsync(this Context ctx, Entity entity)
            {
                if (entity.Next is null) return 0;
                var next = ctx.FindTracked(entity.Next.Id);
                if (next is null) return 0;
                return 1 + await {|#0:ctx.ChainAsync(next)|};
            }
        }
        """,
        Diag().WithLocation(0).WithArguments("ChainAsync"));
}
