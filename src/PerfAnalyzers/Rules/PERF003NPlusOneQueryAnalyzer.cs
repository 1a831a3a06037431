using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.Common;

namespace PerfAnalyzers.Rules;

/// <summary>
/// PERF003: a database round-trip (EF Core, Dapper, ADO.NET) executed once per element of a loop or of a per-element
/// lambda, where the query depends on the iteration (1 + N queries). Not reported: queries inside <c>IQueryable</c>
/// lambdas (translated to SQL), loops whose query does not change per iteration (polling), loops with a small constant
/// count (retries), paging (keyset or offset with <c>Take</c>) and chunked key batches (<c>chunk.Contains(x.Id)</c>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PERF003NPlusOneQueryAnalyzer : DiagnosticAnalyzer
{
    internal const string RuleId = "PERF003";

    /// <summary>Loops with a constant count at or below this are retries, not N+1 (<c>perf_analyzers.PERF003.max_constant_iterations</c>).</summary>
    internal const int DefaultMaxConstantIterations = 5;

    /// <summary>Property bag key: "Read" or "Write".</summary>
    internal const string KindProperty = "Kind";

    /// <summary>Property bag key: "Loop" or "Lambda", the kind of repetition reported.</summary>
    internal const string ContextProperty = "Context";

    private const string ReadAdvice = "load the data for all elements in one query before the loop";
    private const string WriteAdvice = "batch the writes and send them once after the loop";
    private const string SaveAdvice = "batch the writes and save once after the loop";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.PERF003NPlusOneQuery);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var apis = DatabaseApis.TryCreate(start.Compilation);
            if (apis is null)
            {
                return;
            }

            var perElement = new PerElementCalls(start.Compilation);
            start.RegisterOperationAction(c => AnalyzeInvocation(c, apis, perElement), OperationKind.Invocation);
            start.RegisterOperationAction(c => AnalyzeForEach(c, apis, perElement), OperationKind.Loop);
        });
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, DatabaseApis apis, PerElementCalls perElement)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (!Loops.TryGetEnclosingLoop(invocation, perElement.IsPerElementCall, out _))
        {
            return; // cheap: most calls are not in a loop
        }

        var kind = apis.Classify(invocation);
        if (kind == DatabaseCallKind.None)
        {
            return;
        }

        var isSaveChanges = invocation.TargetMethod.Name is "SaveChanges" or "SaveChangesAsync";
        if (!TryFindPerElementRepetition(context, invocation, apis, perElement, isSaveChanges, out var loop))
        {
            return;
        }

        var advice = isSaveChanges ? SaveAdvice : kind == DatabaseCallKind.Write ? WriteAdvice : ReadAdvice;
        Report(context, InvocationLocation(invocation), "'" + DescribeCall(invocation) + "'", loop, kind, advice);
    }

    private static void AnalyzeForEach(OperationAnalysisContext context, DatabaseApis apis, PerElementCalls perElement)
    {
        if (context.Operation is not IForEachLoopOperation forEach || forEach.Syntax is not CommonForEachStatementSyntax syntax)
        {
            return;
        }

        if (!apis.IsDatabaseQuery(forEach.Collection))
        {
            return;
        }

        if (!TryFindPerElementRepetition(context, forEach, apis, perElement, isSaveChanges: false, out var loop))
        {
            return;
        }

        var what = "'foreach' over '" + Shorten(syntax.Expression.ToString()) + "'";
        Report(context, syntax.ForEachKeyword.GetLocation(), what, loop, DatabaseCallKind.Read, ReadAdvice);
    }

    private static void Report(OperationAnalysisContext context, Location location, string what, in LoopContext loop, DatabaseCallKind kind, string advice)
    {
        var properties = ImmutableDictionary<string, string?>.Empty
            .Add(KindProperty, kind.ToString())
            .Add(ContextProperty, loop.IsLambda ? "Lambda" : "Loop");
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.PERF003NPlusOneQuery, location, properties, what, DescribeLoop(loop), advice));
    }

    /// <summary>
    /// The innermost enclosing loop or per-element lambda in which <paramref name="query"/> runs once per element and
    /// depends on the element. Retry loops (small constant count) and loops the query does not depend on are skipped
    /// in favour of an outer repetition.
    /// </summary>
    private static bool TryFindPerElementRepetition(OperationAnalysisContext context, IOperation query, DatabaseApis apis, PerElementCalls perElement, bool isSaveChanges, out LoopContext found)
    {
        var maxConstant = RuleOptions.GetInt32(context.Options, query.Syntax.SyntaxTree, RuleId, "max_constant_iterations", DefaultMaxConstantIterations, min: 0);
        IOperation current = query;
        for (var depth = 0; depth < 16 && Loops.TryGetEnclosingLoop(current, perElement.IsPerElementCall, out var loop); depth++)
        {
            current = loop.Operation;
            if (Loops.HasConstantCountAtMost(loop, maxConstant))
            {
                continue;
            }

            var dependence = IterationDependence.Compute(loop, type => apis.IsDbContext(type) || apis.IsDbSet(type));
            if (dependence.IsEmpty)
            {
                continue;
            }

            if (isSaveChanges)
            {
                // SaveChanges reads no element itself: it saves what the iteration changed.
                if (dependence.IsReferencedIn(loop.Body))
                {
                    found = loop;
                    return true;
                }

                continue;
            }

            var queryPart = query is IForEachLoopOperation forEach ? forEach.Collection : query;
            if ((DependsPerElement(queryPart, dependence, apis) || apis.SetsCommandParameterPerIteration(query, loop.Body, dependence)) &&
                !IsPaging(queryPart, dependence))
            {
                found = loop;
                return true;
            }
        }

        found = default;
        return false;
    }

    /// <summary>
    /// True when the query reads the iteration's value as a scalar. When every dependent value it reads is a whole
    /// collection (<c>chunk.Contains(p.Id)</c>, <c>new { ids = chunk }</c>), each round-trip fetches a batch of keys: not N+1.
    /// </summary>
    private static bool DependsPerElement(IOperation query, IterationDependence dependence, DatabaseApis apis)
    {
        foreach (var operation in query.DescendantsAndSelf())
        {
            if (IterationDependence.ReferencedSymbol(operation) is not { } symbol || !dependence.Contains(symbol))
            {
                continue;
            }

            if (!IsCollectionUse(operation, apis))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsCollectionUse(IOperation reference, DatabaseApis apis)
    {
        for (var depth = 0; depth < 8; depth++)
        {
            if (!IsCollectionType(reference.Type, apis))
            {
                return false;
            }

            // Used whole (an argument, a Contains receiver), not through one of its members (group.Key).
            var parent = reference.Parent;
            while (parent is IConversionOperation)
            {
                parent = parent.Parent;
            }

            switch (parent)
            {
                case IMemberReferenceOperation:
                    return false;
                case IInvocationOperation call:
                    return call.TargetMethod.Name == "Contains";
                case IArgumentOperation { Parameter.Ordinal: 0, Parent: IInvocationOperation { TargetMethod.IsExtensionMethod: true } call }:
                    if (call.TargetMethod.Name == "Contains")
                    {
                        return true;
                    }

                    // A LINQ call on it: group.Select(g => g.Id) is still a set of keys; group.First() is one element.
                    reference = call;
                    continue;
                default:
                    return true;
            }
        }

        return false;
    }

    private static bool IsCollectionType(ITypeSymbol? type, DatabaseApis apis)
    {
        if (type is null || type.SpecialType == SpecialType.System_String || apis.IsQueryable(type))
        {
            return false;
        }

        if (type is IArrayTypeSymbol)
        {
            return true;
        }

        foreach (var implemented in type.AllInterfaces)
        {
            if (implemented.SpecialType == SpecialType.System_Collections_IEnumerable)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Keyset or offset paging: the query takes a page (<c>Take</c>) and moves by the iteration through <c>Skip</c>
    /// or a range comparison (<c>o.Id &gt; lastId</c>). Each round-trip fetches many rows: batching, not N+1.
    /// </summary>
    private static bool IsPaging(IOperation query, IterationDependence dependence)
    {
        var hasTake = false;
        var movesByIteration = false;
        foreach (var operation in query.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IInvocationOperation call when call.TargetMethod.Name is "Take" or "Skip":
                    if (call.TargetMethod.Name == "Take")
                    {
                        hasTake = true;
                    }
                    else
                    {
                        foreach (var argument in call.Arguments)
                        {
                            if (argument.Parameter?.Ordinal == 1 && dependence.IsReferencedIn(argument.Value))
                            {
                                movesByIteration = true;
                            }
                        }
                    }

                    break;

                case ILiteralOperation { ConstantValue: { HasValue: true, Value: string sql } } when IsPagedSql(sql):
                    // Dapper/ADO.NET SQL with a page clause and a moving bound: "... where Id > @last order by Id limit 500".
                    hasTake = true;
                    movesByIteration = true;
                    break;

                case IBinaryOperation binary when binary.OperatorKind is BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual:
                    if (dependence.IsReferencedIn(binary))
                    {
                        movesByIteration = true;
                    }

                    break;
            }
        }

        return hasTake && movesByIteration;
    }

    /// <summary>SQL text with a page clause (<c>LIMIT</c>, <c>TOP</c>, <c>FETCH</c>) and a range or offset (<c>&gt;</c>, <c>&lt;</c>, <c>OFFSET</c>).</summary>
    private static bool IsPagedSql(string sql)
    {
        var upper = sql.ToUpperInvariant();
        var pages = ContainsWord(upper, "LIMIT") || ContainsWord(upper, "TOP") || ContainsWord(upper, "FETCH");
        var moves = upper.IndexOf('>') >= 0 || upper.IndexOf('<') >= 0 || ContainsWord(upper, "OFFSET");
        return pages && moves;
    }

    private static bool ContainsWord(string text, string word)
    {
        for (var index = text.IndexOf(word, System.StringComparison.Ordinal); index >= 0; index = text.IndexOf(word, index + 1, System.StringComparison.Ordinal))
        {
            var before = index == 0 || !char.IsLetterOrDigit(text[index - 1]);
            var after = index + word.Length == text.Length || !char.IsLetterOrDigit(text[index + word.Length]);
            if (before && after)
            {
                return true;
            }
        }

        return false;
    }

    private static Location InvocationLocation(IInvocationOperation invocation)
    {
        // From the method name to the end of the call: `FirstOrDefault(c => c.Id == id)`.
        if (invocation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member } syntax)
        {
            return Location.Create(syntax.SyntaxTree, Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(member.Name.SpanStart, syntax.Span.End));
        }

        return invocation.Syntax.GetLocation();
    }

    private static string DescribeCall(IInvocationOperation invocation)
    {
        if (invocation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax member })
        {
            var receiver = member.Expression.ToString();
            return receiver.Length <= 40 && receiver.IndexOf('\n') < 0
                ? receiver + "." + member.Name.Identifier.ValueText
                : member.Name.Identifier.ValueText;
        }

        return invocation.TargetMethod.Name;
    }

    private static string DescribeLoop(in LoopContext loop)
    {
        switch (loop.Loop)
        {
            case IForEachLoopOperation { Syntax: CommonForEachStatementSyntax syntax } forEach:
                return "the '" + (forEach.IsAsynchronous ? "await foreach" : "foreach") + "' over '" + Shorten(syntax.Expression.ToString()) + "'";
            case IForLoopOperation:
                return "the 'for' loop";
            case IWhileLoopOperation { ConditionIsTop: false }:
                return "the 'do' loop";
            case IWhileLoopOperation:
                return "the 'while' loop";
        }

        var call = loop.PerElementCall!;
        var source = call.Instance ?? DatabaseApis.ReceiverOf(call);
        return source is null
            ? "the '" + call.TargetMethod.Name + "' lambda"
            : "the '" + call.TargetMethod.Name + "' lambda over '" + Shorten(source.Syntax.ToString()) + "'";
    }

    private static string Shorten(string text)
    {
        text = text.Replace("\r", string.Empty).Replace("\n", " ");
        return text.Length <= 60 ? text : text.Substring(0, 57) + "...";
    }

    /// <summary>Calls that apply a lambda once per element of an in-memory sequence.</summary>
    private sealed class PerElementCalls
    {
        private readonly INamedTypeSymbol? _enumerable;
        private readonly INamedTypeSymbol? _list;
        private readonly INamedTypeSymbol? _array;
        private readonly INamedTypeSymbol? _parallel;

        public PerElementCalls(Compilation compilation)
        {
            _enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable");
            _list = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1");
            _array = compilation.GetSpecialType(SpecialType.System_Array);
            _parallel = compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel");
        }

        public bool IsPerElementCall(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            var type = method.ContainingType;
            if (type is null)
            {
                return false;
            }

            // Every Enumerable operator that takes a lambda applies it per element (Select, Where, SelectMany, ToDictionary, Any, ...).
            // Queryable operators take expression trees translated to SQL, and are not matched here.
            if (SymbolEqualityComparer.Default.Equals(type, _enumerable))
            {
                return true;
            }

            if (method.Name == "ForEach" &&
                (SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, _list) || SymbolEqualityComparer.Default.Equals(type, _array)))
            {
                return true;
            }

            return method.Name is "ForEach" or "ForEachAsync" or "For" && SymbolEqualityComparer.Default.Equals(type, _parallel);
        }
    }
}
