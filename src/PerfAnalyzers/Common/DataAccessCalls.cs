using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.Common;

/// <summary>What a call to a method of the code base does on the database, seen through its body or its receiver.</summary>
internal readonly struct RoundTripCall
{
    public static readonly RoundTripCall None = default;

    public RoundTripCall(DatabaseCallKind kind, string? innerCall)
    {
        Kind = kind;
        InnerCall = innerCall;
    }

    public DatabaseCallKind Kind { get; }

    /// <summary>The database API the callee reaches (<c>QueryAsync</c>, <c>SaveChanges</c>), or null when only the receiver's type says so.</summary>
    public string? InnerCall { get; }

    public bool IsRoundTrip => Kind != DatabaseCallKind.None;
}

/// <summary>
/// Calls that reach the database through a method of the code base (PERF003 through calls), for one compilation:
/// <list type="bullet">
/// <item>a method, local function or extension of this compilation whose body executes a round-trip (EF Core query
/// materialisation, <c>SaveChanges</c>, <c>ExecuteUpdate/Delete</c>, Dapper, ADO.NET), directly or through further such
/// calls up to <see cref="MaxCallDepth"/>; computed once per method and cached;</item>
/// <item>a method without a visible body (an interface or abstract member, or another assembly's) on a data-access
/// abstraction: a type whose name ends in <c>Repository</c>, or that matches <c>perf_analyzers.PERF003.data_access_types</c>,
/// returning a task or a sequence.</item>
/// </list>
/// A method named <c>SaveChanges</c>/<c>SaveChangesAsync</c> that is not EF Core's is never taken for a round-trip
/// (a unit of work's own save is the batched form).
/// </summary>
internal sealed class DataAccessCalls
{
    private const int MaxCallDepth = 3;
    private const int MaxBodyOperations = 4000;

    private readonly Compilation _compilation;
    private readonly DatabaseApis _apis;
    private readonly INamedTypeSymbol? _expressionOfT;
    private readonly INamedTypeSymbol? _task;
    private readonly INamedTypeSymbol? _taskOfT;
    private readonly INamedTypeSymbol? _valueTask;
    private readonly INamedTypeSymbol? _valueTaskOfT;
    private readonly INamedTypeSymbol? _iAsyncEnumerable;
    private readonly ConcurrentDictionary<IMethodSymbol, RoundTripCall> _byMethod = new(SymbolEqualityComparer.Default);
    private readonly ConcurrentDictionary<string, TypePatterns> _patterns = new(StringComparer.Ordinal);
    private readonly SyntaxNameIndex _names;
    private readonly TypePatterns _defaultPatterns;

    private readonly DispatchTargets _dispatch;

    public DataAccessCalls(Compilation compilation, DatabaseApis apis, Microsoft.CodeAnalysis.Diagnostics.AnalyzerOptions? options = null)
    {
        _compilation = compilation;
        _apis = apis;
        _dispatch = new DispatchTargets(compilation, options);
        _expressionOfT = compilation.GetTypeByMetadataName("System.Linq.Expressions.Expression`1");
        _task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        _taskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        _valueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        _valueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        _iAsyncEnumerable = compilation.GetTypeByMetadataName("System.Collections.Generic.IAsyncEnumerable`1");
        _defaultPatterns = TypePatterns.Parse(string.Empty, this);
        _names = new SyntaxNameIndex(compilation);
    }

    /// <summary>True when <paramref name="lambda"/> is converted to an expression tree (it runs as SQL or is inspected, never called).</summary>
    public bool IsExpressionTree(IAnonymousFunctionOperation lambda)
    {
        var parent = lambda.Parent;
        if (parent is IDelegateCreationOperation)
        {
            parent = parent.Parent;
        }

        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            if (parent.Type is INamedTypeSymbol type && IsExpressionType(type))
            {
                return true;
            }

            parent = parent.Parent;
        }

        // A lambda passed to a call that does not bind (half-typed code, or a type the compilation cannot see) has no known
        // target: it may be an expression tree that runs as SQL, so nothing in it is taken for per-element work.
        return parent is IInvalidOperation ||
            (parent is IArgumentOperation { Parameter: { } parameter } && DeclaredType(parameter) is INamedTypeSymbol parameterType && IsExpressionType(parameterType));
    }

    /// <summary>
    /// A parameter's type as its generic definition declares it when that is a named type (<c>Expression&lt;Func&lt;TSource, bool&gt;&gt;</c>
    /// is an expression type exactly when the constructed one is), built once; a constructed method's own parameter
    /// types are built anew at every call site (issue #18). A declared type parameter can become anything: the
    /// constructed type is used then.
    /// </summary>
    private static ITypeSymbol DeclaredType(IParameterSymbol parameter)
    {
        var declared = parameter.OriginalDefinition.Type;
        return declared is INamedTypeSymbol ? declared : parameter.Type;
    }

    /// <summary>True when any lambda enclosing <paramref name="operation"/> (within its method) is an expression tree.</summary>
    public bool IsInsideExpressionTree(IOperation operation)
    {
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            switch (parent.Kind) // Kind, not interface tests: this walks every ancestor of every call in a loop
            {
                case OperationKind.AnonymousFunction when IsExpressionTree((IAnonymousFunctionOperation)parent):
                    return true;
                case OperationKind.LocalFunction:
                case OperationKind.MethodBody:
                case OperationKind.ConstructorBody:
                    return false;
            }
        }

        return false;
    }

    private bool IsExpressionType(INamedTypeSymbol type)
    {
        if (_expressionOfT is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, _expressionOfT))
        {
            return true;
        }

        return type.Name == "LambdaExpression" && type.ContainingNamespace is { Name: "Expressions", ContainingNamespace.Name: "Linq" };
    }

    /// <summary>
    /// What <paramref name="invocation"/> (not itself a database API call) does on the database through the callee's
    /// body or, when no body is visible, through a data-access receiver named by <paramref name="patterns"/>.
    /// </summary>
    public RoundTripCall Classify(IInvocationOperation invocation, TypePatterns patterns)
    {
        var method = invocation.TargetMethod;
        if (method.Name is "SaveChanges" or "SaveChangesAsync")
        {
            return RoundTripCall.None; // not EF Core's (DatabaseApis classifies that one): a unit of work's own save
        }

        if (!method.IsVirtualDispatch(invocation))
        {
            if (HasVisibleBody(method))
            {
                // The syntax index says, by name alone, which bodies may reach the database: the others are never bound.
                return _names.MayReachDatabase(method) ? WithCalleeKind(FromBody(method, 0), method) : RoundTripCall.None;
            }
        }
        else if (_names.MayReachDatabase(method.Name) || IsDataAccessCall(invocation, patterns))
        {
            // Virtual dispatch: the implementations this compilation holds (a repository behind its interface, the generic
            // base's method). A round-trip only when every one of them runs one: an implementation that reads a cache, or
            // does no I/O, makes the call not a round-trip per element (its body is visible).
            var implementations = _dispatch.Resolve(method, invocation.Instance?.Type);
            if (implementations.Length > 0)
            {
                var found = FromImplementations(implementations, out var unknown);
                if (found.IsRoundTrip || !unknown)
                {
                    return WithCalleeKind(found, method);
                }

                // An implementation whose body does not bind (a package the compilation cannot see, half-typed code) cannot
                // say it makes no round-trip: the receiver's name decides, as for a body not visible.
            }
        }

        return IsDataAccessCall(invocation, patterns) ? new RoundTripCall(ReturnsSequence(method.ReturnType) ? DatabaseCallKind.Read : GuessKind(method), null) : RoundTripCall.None;
    }

    /// <summary>The option's patterns for a syntax tree's configuration value (parsed once per distinct value).</summary>
    public TypePatterns GetPatterns(string? raw) => raw is null or "" ? _defaultPatterns : _patterns.GetOrAdd(raw, r => TypePatterns.Parse(r, this));

    /// <summary>A query source returned by a data-access abstraction: <c>_repository.Query()</c>, <c>_repository.Table</c>.</summary>
    public bool IsDataAccessQuery(IOperation expression, TypePatterns patterns)
    {
        expression = Loops.Unwrap(expression);
        if (!_apis.IsQueryable(expression.Type))
        {
            return false;
        }

        switch (expression)
        {
            case IInvocationOperation call:
                return (call.Instance is { } instance && patterns.Matches(instance.Type)) || (call.Instance is null && patterns.Matches(call.TargetMethod.ContainingType) && !call.TargetMethod.IsExtensionMethod);
            case IPropertyReferenceOperation { Instance: { } owner }:
                return patterns.Matches(owner.Type);
            default:
                return false;
        }
    }

    private bool IsDataAccessCall(IInvocationOperation invocation, TypePatterns patterns)
    {
        var method = invocation.TargetMethod;
        if (method.ReturnsVoid || !(IsTaskLike(method.ReturnType) || ReturnsSequence(method.ReturnType)))
        {
            return false;
        }

        if (_apis.IsQueryable(method.ReturnType))
        {
            return false; // a query handed back, not run: its executing operator is the round-trip
        }

        var receiverType = invocation.Instance?.Type ?? (method.IsExtensionMethod ? null : method.ContainingType);
        return receiverType is not null && patterns.Matches(receiverType);
    }

    private static DatabaseCallKind GuessKind(IMethodSymbol method)
    {
        var name = method.Name;
        foreach (var prefix in WritePrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return DatabaseCallKind.Write;
            }
        }

        return DatabaseCallKind.Read;
    }

    private static readonly string[] WritePrefixes = { "Add", "Insert", "Create", "Update", "Upsert", "Save", "Delete", "Remove", "Set", "Replace", "Mark", "Bulk" };

    private bool IsTaskLike(ITypeSymbol type)
    {
        var definition = type.OriginalDefinition;
        return SymbolEqualityComparer.Default.Equals(definition, _task) || SymbolEqualityComparer.Default.Equals(definition, _taskOfT) ||
               SymbolEqualityComparer.Default.Equals(definition, _valueTask) || SymbolEqualityComparer.Default.Equals(definition, _valueTaskOfT);
    }

    private bool ReturnsSequence(ITypeSymbol type)
    {
        if (type.SpecialType == SpecialType.System_String)
        {
            return false;
        }

        if (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, _iAsyncEnumerable) || type is IArrayTypeSymbol)
        {
            return true;
        }

        if (type.SpecialType == SpecialType.System_Collections_IEnumerable)
        {
            return true;
        }

        foreach (var implemented in DefinitionInterfaces.Of(type))
        {
            if (implemented.SpecialType == SpecialType.System_Collections_IEnumerable)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A write-named callee (<c>Insert</c>, <c>Delete</c>) that reaches a query API (Dapper's <c>QuerySingle</c> returning the new key) is a write.</summary>
    private static RoundTripCall WithCalleeKind(RoundTripCall found, IMethodSymbol callee) =>
        found.Kind == DatabaseCallKind.Read && GuessKind(callee) == DatabaseCallKind.Write
            ? new RoundTripCall(DatabaseCallKind.Write, found.InnerCall)
            : found;

    /// <summary>Every implementation reaches a round-trip: the first one's answer; otherwise none.</summary>
    private RoundTripCall FromImplementations(ImmutableArray<IMethodSymbol> implementations, out bool unknown)
    {
        unknown = false;
        var first = RoundTripCall.None;
        foreach (var implementation in implementations)
        {
            if (!HasVisibleBody(implementation) || !_names.MayReachDatabase(implementation))
            {
                unknown = false;
                return RoundTripCall.None;
            }

            var result = FromBody(implementation, 0);
            if (!result.IsRoundTrip)
            {
                if (FactsOf(Normalize(implementation)).HasInvalid)
                {
                    unknown = true; // its body does not bind everywhere: neither yes nor no
                    continue;
                }

                unknown = false;
                return RoundTripCall.None;
            }

            if (!first.IsRoundTrip)
            {
                first = result;
            }
        }

        return unknown ? RoundTripCall.None : first;
    }

    private static bool HasVisibleBody(IMethodSymbol method) =>
        !method.IsAbstract && !method.IsExtern && method.DeclaringSyntaxReferences.Length > 0;

    /// <summary>
    /// What the body of <paramref name="method"/> executes, directly or through calls of this compilation up to
    /// <see cref="MaxCallDepth"/> deep: a breadth-first search over the cached facts of each method's own body, so the
    /// answer does not depend on which caller asked first.
    /// </summary>
    private RoundTripCall FromBody(IMethodSymbol method, int depth)
    {
        method = Normalize(method);
        if (_byMethod.TryGetValue(method, out var cached))
        {
            return cached;
        }

        // A search that reaches a dispatch group asks for each implementation's answer, which may lead back here (a
        // recursive repository helper): a method already being searched on this thread counts as no round-trip.
        var inProgress = s_inProgress ??= new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        if (!inProgress.Add(method))
        {
            return RoundTripCall.None;
        }

        try
        {
            var result = Search(method);
            return _byMethod.GetOrAdd(method, result);
        }
        finally
        {
            inProgress.Remove(method);
        }
    }

    [ThreadStatic]
    private static HashSet<IMethodSymbol>? s_inProgress;

    private RoundTripCall Search(IMethodSymbol start)
    {
        var visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default) { start };
        var level = new List<IMethodSymbol> { start };
        for (var depth = 0; depth <= MaxCallDepth && level.Count > 0; depth++)
        {
            var next = new List<IMethodSymbol>();
            for (var i = 0; i < level.Count; i++)
            {
                var method = level[i];
                var facts = FactsOf(method);
                if (facts.Direct.IsRoundTrip)
                {
                    // Name the database API reached; at depth 0 that is the callee's own call.
                    return facts.Direct;
                }

                foreach (var callee in facts.Callees)
                {
                    if (visited.Add(callee))
                    {
                        // A repository's own helpers (Sonarr's BasicRepository<T>.Get -> Find -> Query(where) -> Query(builder))
                        // are one step of the caller's: only calls outside data-access types count towards the depth.
                        (_defaultPatterns.Matches(callee.ContainingType) ? level : next).Add(callee);
                    }
                }

                foreach (var group in facts.Groups)
                {
                    // A virtual call inside the body with several implementations: a round-trip when every one runs one.
                    var grouped = FromImplementations(group, out _);
                    if (grouped.IsRoundTrip)
                    {
                        return grouped;
                    }
                }
            }

            level = next;
        }

        return RoundTripCall.None;
    }

    private static IMethodSymbol Normalize(IMethodSymbol method) => (method.ReducedFrom ?? method).OriginalDefinition;

    private readonly ConcurrentDictionary<IMethodSymbol, BodyFacts> _facts = new(SymbolEqualityComparer.Default);

    private sealed class BodyFacts
    {
        public static readonly BodyFacts Empty = new(RoundTripCall.None, Array.Empty<IMethodSymbol>(), Array.Empty<ImmutableArray<IMethodSymbol>>(), hasInvalid: false);

        public BodyFacts(RoundTripCall direct, IReadOnlyList<IMethodSymbol> callees, IReadOnlyList<ImmutableArray<IMethodSymbol>> groups, bool hasInvalid)
        {
            Direct = direct;
            Callees = callees;
            Groups = groups;
            HasInvalid = hasInvalid;
        }

        /// <summary>The body holds code that does not bind (an unresolved call or type): what it runs is not fully known.</summary>
        public bool HasInvalid { get; }

        /// <summary>A database API the body calls itself.</summary>
        public RoundTripCall Direct { get; }

        /// <summary>Methods of this compilation the body calls without virtual dispatch, or through virtual dispatch with one implementation here.</summary>
        public IReadOnlyList<IMethodSymbol> Callees { get; }

        /// <summary>Virtual calls of the body with several implementations here: each group is a round-trip when all of its members are.</summary>
        public IReadOnlyList<ImmutableArray<IMethodSymbol>> Groups { get; }
    }

    /// <summary>The facts of one method's own body, computed once. A body whose syntax calls nothing is not bound.</summary>
    private BodyFacts FactsOf(IMethodSymbol method)
    {
        if (_facts.TryGetValue(method, out var cached))
        {
            return cached;
        }

        return _facts.GetOrAdd(method, ComputeFacts(method));
    }

    private BodyFacts ComputeFacts(IMethodSymbol method)
    {
        if (!HasVisibleBody(method))
        {
            return BodyFacts.Empty;
        }

        var found = new ScanResult();
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax();
            if (!_compilation.ContainsSyntaxTree(syntax.SyntaxTree) || !_names.MayReachDatabase(method))
            {
                continue;
            }

#pragma warning disable RS1030 // The callee's body lives in another tree than the callback's; the driver caches semantic models per tree.
            var model = _compilation.GetSemanticModel(syntax.SyntaxTree);
#pragma warning restore RS1030
            var body = model.GetOperation(syntax);
            if (body is null)
            {
                continue;
            }

            Scan(body, found);
            if (found.Direct.IsRoundTrip)
            {
                break;
            }
        }

        return found.Direct.IsRoundTrip || found.Callees is not null || found.Groups is not null || found.HasInvalid
            ? new BodyFacts(found.Direct, (IReadOnlyList<IMethodSymbol>?)found.Callees ?? Array.Empty<IMethodSymbol>(), (IReadOnlyList<ImmutableArray<IMethodSymbol>>?)found.Groups ?? Array.Empty<ImmutableArray<IMethodSymbol>>(), found.HasInvalid)
            : BodyFacts.Empty;
    }

    private sealed class ScanResult
    {
        public RoundTripCall Direct;
        public List<IMethodSymbol>? Callees;
        public List<ImmutableArray<IMethodSymbol>>? Groups;
        public bool HasInvalid;
    }

    private void Scan(IOperation body, ScanResult found)
    {
        var pending = new Stack<IOperation>();
        pending.Push(body);
        var seen = 0;
        while (pending.Count > 0 && seen++ < MaxBodyOperations)
        {
            var operation = pending.Pop();
            switch (operation)
            {
                case IAnonymousFunctionOperation lambda when IsExpressionTree(lambda):
                    continue; // translated, not executed
                case IInvocationOperation invocation:
                {
                    var kind = _apis.Classify(invocation);
                    if (kind != DatabaseCallKind.None)
                    {
                        found.Direct = new RoundTripCall(kind, invocation.TargetMethod.Name);
                        return;
                    }

                    var target = invocation.TargetMethod;
                    if (target.Name is not ("SaveChanges" or "SaveChangesAsync"))
                    {
                        if (!target.IsVirtualDispatch(invocation))
                        {
                            if (HasVisibleBody(target))
                            {
                                (found.Callees ??= new List<IMethodSymbol>()).Add(Normalize(target));
                            }
                        }
                        else
                        {
                            var implementations = _names.MayReachDatabase(target.Name)
                                ? _dispatch.Resolve(target, invocation.Instance?.Type)
                                : ImmutableArray<IMethodSymbol>.Empty;
                            if (implementations.Length == 1)
                            {
                                (found.Callees ??= new List<IMethodSymbol>()).Add(implementations[0]);
                            }
                            else if (implementations.Length > 1)
                            {
                                (found.Groups ??= new List<ImmutableArray<IMethodSymbol>>()).Add(implementations);
                            }
                            else if (IsDataAccessCall(invocation, _defaultPatterns))
                            {
                                // A repository whose implementation this compilation does not hold (another project's).
                                found.Direct = new RoundTripCall(ReturnsSequence(target.ReturnType) ? DatabaseCallKind.Read : GuessKind(target), target.Name);
                                return;
                            }
                        }
                    }

                    if (CacheLookups.IsCacheCall(invocation))
                    {
                        // GetOrAdd(key, () => load(key)), _cache.Get(key, () => ...): the factory runs on a miss only.
                        CacheLookups.PushAllButFactories(invocation, pending);
                        continue;
                    }

                    break;
                }

                case IConditionalOperation conditional when CacheLookups.IsMemoizingTest(conditional):
                    // if (_details == null) { _details = await load(); }: loaded once per instance, not per call.
                    pending.Push(conditional.Condition);
                    if (conditional.WhenFalse is { } otherwise)
                    {
                        pending.Push(otherwise);
                    }

                    continue;
                case ICoalesceAssignmentOperation coalesce when CacheLookups.IsMemoizingAssignment(coalesce):
                    continue; // _details ??= await load(): loaded once per instance
                case IConditionalOperation conditional when CacheLookups.IsCacheTest(conditional.Condition):
                    // if (!_cache.TryGetValue(key, out var value)) { value = load(key); ... }: the load runs on a miss only.
                    pending.Push(conditional.Condition);
                    continue;
                case IBlockOperation block:
                    // if (_cache.TryGetValue(key, out var value)) return value; ... load: what follows the test is the miss path.
                    foreach (var statement in block.Operations)
                    {
                        pending.Push(statement);
                        if (statement is IConditionalOperation test && CacheLookups.IsCacheTest(test.Condition))
                        {
                            break;
                        }
                    }

                    continue;
                case IForEachLoopOperation forEach when _apis.IsDatabaseQuery(forEach.Collection):
                    found.Direct = new RoundTripCall(DatabaseCallKind.Read, "foreach");
                    return;
                case IInvalidOperation:
                    found.HasInvalid = true;
                    break;
            }

            foreach (var child in operation.ChildOperations)
            {
                pending.Push(child);
            }
        }
    }
}

internal static class MethodDispatchExtensions
{
    /// <summary>True when the call is dispatched at run time to an implementation this compilation cannot pick (interface, abstract, overridable virtual).</summary>
    public static bool IsVirtualDispatch(this IMethodSymbol method, IInvocationOperation invocation)
    {
        if (method.IsStatic || method.MethodKind == MethodKind.LocalFunction)
        {
            return false;
        }

        if (method.IsAbstract || method.ContainingType?.TypeKind == TypeKind.Interface)
        {
            return true;
        }

        // An overridable method called virtually (base.M() is not).
        return invocation.IsVirtual && (method.IsVirtual || method.IsOverride) && !method.IsSealed && method.ContainingType is { IsSealed: false };
    }
}

/// <summary>
/// Names of data-access abstractions: by default a type or interface whose name ends in <c>Repository</c>, plus the
/// entries of <c>perf_analyzers.PERF003.data_access_types</c> (comma-separated; <c>*Store</c> for a suffix,
/// <c>Dao*</c> for a prefix, <c>MyApp.Data.IQueries</c> for one type by full name or plain name). A type matches when it,
/// a base type or an interface it implements matches.
/// </summary>
internal sealed class TypePatterns
{
    private readonly string[] _entries;

    private TypePatterns(string[] entries, DataAccessCalls calls)
    {
        _entries = entries;
        IsQuerySource = expression => calls.IsDataAccessQuery(expression, this);
    }

    /// <summary>True for a query source handed out by a matching type (<c>_repository.Query()</c>).</summary>
    public Func<IOperation, bool> IsQuerySource { get; }

    public static TypePatterns Parse(string raw, DataAccessCalls calls)
    {
        var entries = new List<string>();
        foreach (var part in raw.Split(new[] { ',', ';' }, StringSplitOptions.RemoveEmptyEntries))
        {
            var entry = part.Trim();
            if (entry.Length > 0 && entry != "*")
            {
                entries.Add(entry);
            }
        }

        return new TypePatterns(entries.ToArray(), calls);
    }

    public bool Matches(ITypeSymbol? type)
    {
        if (type is null || type.SpecialType != SpecialType.None)
        {
            return false;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (MatchesOne(current))
            {
                return true;
            }
        }

        foreach (var implemented in DefinitionInterfaces.Of(type))
        {
            if (MatchesOne(implemented))
            {
                return true;
            }
        }

        return false;
    }

    private bool MatchesOne(ITypeSymbol type)
    {
        var name = type.Name;
        if (name.EndsWith("Repository", StringComparison.Ordinal))
        {
            return true;
        }

        if (_entries.Length == 0)
        {
            return false;
        }

        string? fullName = null;
        foreach (var entry in _entries)
        {
            if (entry[0] == '*')
            {
                if (name.EndsWith(entry.Substring(1), StringComparison.Ordinal))
                {
                    return true;
                }
            }
            else if (entry[entry.Length - 1] == '*')
            {
                if (name.StartsWith(entry.Substring(0, entry.Length - 1), StringComparison.Ordinal))
                {
                    return true;
                }
            }
            else if (entry.IndexOf('.') >= 0)
            {
                fullName ??= FullName(type);
                if (string.Equals(entry, fullName, StringComparison.Ordinal))
                {
                    return true;
                }
            }
            else if (string.Equals(entry, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string FullName(ITypeSymbol type)
    {
        var ns = type.ContainingNamespace;
        return ns is null || ns.IsGlobalNamespace ? type.Name : ns.ToDisplayString() + "." + type.Name;
    }
}
