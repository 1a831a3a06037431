using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PerfAnalyzers.Common;

/// <summary>
/// A syntax-only pre-filter for PERF003's through calls: which method names may reach the database, so that only their
/// bodies are bound. A name may reach it when a method declared with that name calls a database API by name, or calls,
/// up to <see cref="Depth"/> calls deep, a method name that may. Names only: an over-approximation that the bound body
/// then confirms or refutes (<see cref="DataAccessCalls"/> follows at most as many calls, so every chain it can confirm
/// passes this filter).
/// <para>
/// Built on demand (issue #18): the first question lists the compilation's method declarations by name (a walk over
/// namespaces and types only, never into bodies), and each name's bodies are read only when a question reaches that
/// name. An earlier version read every syntax node of the compilation up front, about a third of PERF003's time on
/// EF-heavy code. The answer for a name is a pure function of the compilation, whatever asked first or concurrently.
/// </para>
/// </summary>
internal sealed class SyntaxNameIndex
{
    /// <summary>Calls deep that a name may reach the database through (as deep as <see cref="DataAccessCalls"/> follows calls).</summary>
    public const int Depth = 3;

    /// <summary>Names that are database APIs wherever they appear (EF Core's async operators, saves, Dapper, ADO.NET).</summary>
    private static readonly HashSet<string> StrongNames = new(StringComparer.Ordinal)
    {
        "SaveChanges", "SaveChangesAsync", "FindAsync", "LoadAsync",
        "ExecuteUpdate", "ExecuteUpdateAsync", "ExecuteDelete", "ExecuteDeleteAsync",
        "ExecuteSql", "ExecuteSqlAsync", "ExecuteSqlRaw", "ExecuteSqlRawAsync", "ExecuteSqlInterpolated", "ExecuteSqlInterpolatedAsync",
        "ExecuteReader", "ExecuteReaderAsync", "ExecuteScalar", "ExecuteScalarAsync", "ExecuteNonQuery", "ExecuteNonQueryAsync",
        "Execute", "ExecuteAsync", "Query", "QueryAsync", "QueryFirst", "QueryFirstAsync", "QueryFirstOrDefault", "QueryFirstOrDefaultAsync",
        "QuerySingle", "QuerySingleAsync", "QuerySingleOrDefault", "QuerySingleOrDefaultAsync", "QueryMultiple", "QueryMultipleAsync",
        "QueryUnbufferedAsync", "ToListAsync", "ToArrayAsync", "ToDictionaryAsync", "ToHashSetAsync", "FirstAsync", "FirstOrDefaultAsync",
        "SingleAsync", "SingleOrDefaultAsync", "LastAsync", "LastOrDefaultAsync", "ElementAtAsync", "ElementAtOrDefaultAsync",
        "CountAsync", "LongCountAsync", "AnyAsync", "AllAsync", "ContainsAsync", "SumAsync", "MinAsync", "MaxAsync", "AverageAsync",
        "ForEachAsync", "AsAsyncEnumerable",
    };

    /// <summary>Operators that run a query on a database source, and are also in-memory LINQ.</summary>
    private static readonly HashSet<string> LinqNames = new(StringComparer.Ordinal)
    {
        "ToList", "ToArray", "ToDictionary", "ToHashSet", "ToLookup", "First", "FirstOrDefault", "Single", "SingleOrDefault",
        "Last", "LastOrDefault", "ElementAt", "ElementAtOrDefault", "Count", "LongCount", "Any", "All", "Contains",
        "Sum", "Min", "Max", "Average", "Aggregate", "Find", "Load",
    };

    private readonly Compilation _compilation;
    private readonly Lazy<Dictionary<string, List<MethodDeclarationSyntax>>> _methodsByName;
    private readonly ConcurrentDictionary<string, BodyNames> _byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<SyntaxNode, BodyNames> _byScope = new();
    private readonly ConcurrentDictionary<string, bool>[] _reach;

    public SyntaxNameIndex(Compilation compilation)
    {
        _compilation = compilation;
        _methodsByName = new Lazy<Dictionary<string, List<MethodDeclarationSyntax>>>(ListMethods, LazyThreadSafetyMode.ExecutionAndPublication);
        _reach = new ConcurrentDictionary<string, bool>[Depth + 1];
        for (var i = 0; i < _reach.Length; i++)
        {
            _reach[i] = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        }
    }

    /// <summary>True when a method declared as <paramref name="methodName"/> may reach the database.</summary>
    public bool MayReachDatabase(string methodName) => Reaches(methodName, Depth);

    /// <summary>
    /// True when <paramref name="method"/> may reach the database: by its name, or for a local function (which only its
    /// own member can call) by what its enclosing member's body calls, local functions and all.
    /// </summary>
    public bool MayReachDatabase(IMethodSymbol method)
    {
        if (method.MethodKind != MethodKind.LocalFunction)
        {
            return Reaches(method.ExplicitInterfaceImplementations.Length > 0 ? method.ExplicitInterfaceImplementations[0].Name : method.Name, Depth);
        }

        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            var scope = EnclosingScope(reference.GetSyntax());
            if (scope is not null && Reaches(_byScope.GetOrAdd(scope, ScopeNames), Depth))
            {
                return true;
            }
        }

        return false;
    }

    private bool Reaches(string name, int depth)
    {
        if (_reach[depth].TryGetValue(name, out var known))
        {
            return known;
        }

        var result = Reaches(_byName.GetOrAdd(name, NameNames), depth);
        _reach[depth].TryAdd(name, result);
        return result;
    }

    private bool Reaches(BodyNames names, int depth)
    {
        if (names.Direct)
        {
            return true;
        }

        if (depth == 0 || names.Invoked is null)
        {
            return false;
        }

        foreach (var called in names.Invoked)
        {
            if (Reaches(called, depth - 1))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every method declaration of the compilation by name: namespaces and types are walked, bodies are not.</summary>
    private Dictionary<string, List<MethodDeclarationSyntax>> ListMethods()
    {
        var byName = new Dictionary<string, List<MethodDeclarationSyntax>>(StringComparer.Ordinal);
        foreach (var tree in _compilation.SyntaxTrees)
        {
            foreach (var node in tree.GetRoot().DescendantNodes(static n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax or TypeDeclarationSyntax))
            {
                if (node is MethodDeclarationSyntax method)
                {
                    var name = method.Identifier.ValueText;
                    if (!byName.TryGetValue(name, out var list))
                    {
                        list = new List<MethodDeclarationSyntax>(1);
                        byName.Add(name, list);
                    }

                    list.Add(method);
                }
            }
        }

        return byName;
    }

    private BodyNames NameNames(string name)
    {
        if (!_methodsByName.Value.TryGetValue(name, out var methods))
        {
            return BodyNames.None;
        }

        var collector = new Collector();
        foreach (var method in methods)
        {
            if (collector.Add(method))
            {
                break;
            }
        }

        return collector.Result();
    }

    /// <summary>The member (or, for top-level statements, the file's statements) a local function is declared in.</summary>
    private static SyntaxNode? EnclosingScope(SyntaxNode node)
    {
        for (var current = node; current is not null; current = current.Parent)
        {
            if (current is GlobalStatementSyntax)
            {
                return current.Parent;
            }

            if (current is MemberDeclarationSyntax && current.Parent is TypeDeclarationSyntax or BaseNamespaceDeclarationSyntax or CompilationUnitSyntax)
            {
                return current;
            }
        }

        return null;
    }

    private static BodyNames ScopeNames(SyntaxNode scope)
    {
        var collector = new Collector();
        if (scope is CompilationUnitSyntax unit)
        {
            foreach (var member in unit.Members)
            {
                if (member is GlobalStatementSyntax && collector.Add(member))
                {
                    break;
                }
            }
        }
        else
        {
            collector.Add(scope);
        }

        return collector.Result();
    }

    /// <summary>
    /// A call on a data-access abstraction (<see cref="DataAccessCalls"/> counts a call on a type named <c>*Repository</c>
    /// as a round-trip when its body is not visible): by the receiver's name (<c>_userRepository.GetAsync(..)</c>,
    /// <c>repo.Save(..)</c>), or a parameter, field or property of the declaration whose declared type is named like a
    /// repository (<c>IUserRepository users</c>). Syntax only, so an over-approximation of the type check.
    /// </summary>
    private static bool CallsDataAccessReceiver(InvocationExpressionSyntax invocation, SyntaxNode declaration, ref HashSet<string>? dataAccessNames)
    {
        var receiver = invocation.Expression switch
        {
            MemberAccessExpressionSyntax member => member.Expression,
            MemberBindingExpressionSyntax => (invocation.Parent as ConditionalAccessExpressionSyntax)?.Expression,
            _ => null,
        };

        var name = receiver switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            _ => null,
        };

        if (name is null)
        {
            return false;
        }

        if (name.IndexOf("Repo", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            return true;
        }

        dataAccessNames ??= DataAccessNames(declaration);
        return dataAccessNames.Contains(name) || (declaration.Parent is TypeDeclarationSyntax type && TypeDataAccessNames.GetValue(type, CreateMemberDataAccessNames).Contains(name));
    }

    /// <summary>Per type declaration, the names <see cref="MemberDataAccessNames"/> finds: worked out once, not once per method body read (issue #18).</summary>
    private static readonly ConditionalWeakTable<TypeDeclarationSyntax, HashSet<string>> TypeDataAccessNames = new();

    private static readonly ConditionalWeakTable<TypeDeclarationSyntax, HashSet<string>>.CreateValueCallback CreateMemberDataAccessNames = MemberDataAccessNames;

    /// <summary>Names of the parameters of <paramref name="declaration"/> whose declared type is named like a repository.</summary>
    private static HashSet<string> DataAccessNames(SyntaxNode declaration)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var list in declaration.ChildNodes())
        {
            if (list is ParameterListSyntax parameters)
            {
                AddParameters(parameters, names);
            }
        }

        return names;
    }

    /// <summary>Names of the fields, properties and primary-constructor parameters of <paramref name="type"/> whose declared type is named like a repository.</summary>
    private static HashSet<string> MemberDataAccessNames(TypeDeclarationSyntax type)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var child in type.ChildNodes())
        {
            switch (child)
            {
                case ParameterListSyntax parameters:
                    AddParameters(parameters, names);
                    break;
                case FieldDeclarationSyntax field when IsRepositoryTypeName(field.Declaration.Type):
                    foreach (var variable in field.Declaration.Variables)
                    {
                        names.Add(variable.Identifier.ValueText);
                    }

                    break;
                case PropertyDeclarationSyntax property when IsRepositoryTypeName(property.Type):
                    names.Add(property.Identifier.ValueText);
                    break;
            }
        }

        return names;
    }

    private static void AddParameters(ParameterListSyntax parameters, HashSet<string> names)
    {
        foreach (var parameter in parameters.Parameters)
        {
            if (parameter.Type is { } type && IsRepositoryTypeName(type))
            {
                names.Add(parameter.Identifier.ValueText);
            }
        }
    }

    private static bool IsRepositoryTypeName(TypeSyntax type) => type switch
    {
        NullableTypeSyntax nullable => IsRepositoryTypeName(nullable.ElementType),
        QualifiedNameSyntax qualified => IsRepositoryTypeName(qualified.Right),
        AliasQualifiedNameSyntax alias => IsRepositoryTypeName(alias.Name),
        SimpleNameSyntax simple => simple.Identifier.ValueText.EndsWith("Repository", StringComparison.Ordinal),
        _ => false,
    };

    private static bool IsDataHint(string identifier) =>
        identifier.IndexOf("Context", StringComparison.OrdinalIgnoreCase) >= 0 ||
        identifier.IndexOf("Repository", StringComparison.OrdinalIgnoreCase) >= 0 ||
        identifier.StartsWith("db", StringComparison.OrdinalIgnoreCase) || identifier.StartsWith("_db", StringComparison.OrdinalIgnoreCase) ||
        identifier == "Set" || identifier == "Database" || identifier == "Entry";

    private static string? InvokedName(ExpressionSyntax expression) => expression switch
    {
        MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
        MemberBindingExpressionSyntax binding => binding.Name.Identifier.ValueText,
        SimpleNameSyntax simple => simple.Identifier.ValueText,
        _ => null,
    };

    /// <summary>What the bodies of one name (or one local function's scope) call: a database API directly, and which names.</summary>
    private sealed class BodyNames
    {
        public static readonly BodyNames None = new(false, null);

        public BodyNames(bool direct, HashSet<string>? invoked)
        {
            Direct = direct;
            Invoked = invoked;
        }

        public bool Direct { get; }

        public HashSet<string>? Invoked { get; }
    }

    private sealed class Collector
    {
        private bool _direct;
        private HashSet<string>? _invoked;

        /// <summary>Reads one declaration, nested local functions and lambdas included; true once a database API is called directly.</summary>
        public bool Add(SyntaxNode declaration)
        {
            var linqCall = false;
            var dataHint = false;
            HashSet<string>? dataAccessNames = null;
            foreach (var node in declaration.DescendantNodes())
            {
                if (node is IdentifierNameSyntax identifier)
                {
                    dataHint = dataHint || IsDataHint(identifier.Identifier.ValueText);
                    continue;
                }

                if (node is not InvocationExpressionSyntax invocation || InvokedName(invocation.Expression) is not { } called)
                {
                    continue;
                }

                if (StrongNames.Contains(called) || CallsDataAccessReceiver(invocation, declaration, ref dataAccessNames))
                {
                    _direct = true;
                    return true;
                }

                linqCall = linqCall || LinqNames.Contains(called);
                (_invoked ??= new HashSet<string>(StringComparer.Ordinal)).Add(called);
            }

            // In-memory LINQ shares these names: only with a sign of a context, set or repository in the body.
            if (linqCall && dataHint)
            {
                _direct = true;
            }

            return _direct;
        }

        public BodyNames Result() => _direct ? new BodyNames(true, null) : _invoked is null ? BodyNames.None : new BodyNames(false, _invoked);
    }
}
