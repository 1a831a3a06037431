using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
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

    /// <summary>Property bag key, present on diagnostics for a call that reaches the database through a method of the code base or a data-access abstraction ("Call"); the batch-query fix is not offered for those.</summary>
    internal const string ViaProperty = "Via";

    /// <summary>Property bag key: the database API reached through the call, when the callee's body shows it.</summary>
    internal const string InnerCallProperty = "InnerCall";

    /// <summary>Property bag key, present when <c>perf_analyzers.PERF003.batch_size</c> is set to a valid value: the fix loads keys in chunks of this size.</summary>
    internal const string BatchSizeProperty = "BatchSize";

    /// <summary>The option the fix's chunk size comes from; unset means one query for all keys.</summary>
    internal const string BatchSizeOption = "batch_size";

    /// <summary>Loops with a constant count above the retry bound and at most this are reported as suggestions (Info): N is small by construction.</summary>
    internal const int MaxSmallConstantIterations = 64;

    private const string ReadAdvice = "load the data for all elements in one query before the loop";
    private const string WriteAdvice = "batch the writes and send them once after the loop";
    private const string SaveAdvice = "batch the writes and save once after the loop";
    private const string CallReadAdvice = "add a batched method that loads the data for all elements in one query and call it once before the loop";
    private const string CallWriteAdvice = "add a batched method that writes all elements in one round-trip and call it once after the loop";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.PERF003NPlusOneQuery);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        // Not analysed in generated code, which the driver skips itself. ReportDiagnostics rather than None: with None the
        // driver, on the first diagnostic reported in each tree, looks up every declaration of the tree for [GeneratedCode]
        // (about 0.8 ms per tree, most of PERF003's own time on EF-heavy code); the diagnostics reported are the same,
        // since they lie within the analysed operation (issue #18).
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.RegisterCompilationStartAction(start =>
        {
            // The database types are resolved on the first call or loop inside a repetition, not at compilation start:
            // the compilation's first GetTypeByMetadataName calls load the namespace tables of every referenced assembly,
            // which the binder has mostly done by the time a method's operations are analysed (issue #18).
            var compilation = start.Compilation;
            var options = start.Options;
            var state = new Lazy<State?>(
                () => DatabaseApis.TryCreate(compilation) is { } apis ? new State(apis, new DataAccessCalls(compilation, apis, options)) : null,
                System.Threading.LazyThreadSafetyMode.ExecutionAndPublication);
            start.RegisterOperationAction(c => AnalyzeInvocation(c, state), OperationKind.Invocation);
            start.RegisterOperationAction(c => AnalyzeForEach(c, state), OperationKind.Loop);
        });
    }

    /// <summary>Everything one compilation's callbacks share: known types, and the facts that cost a walk, cached.</summary>
    private sealed class State
    {
        private readonly ConditionalWeakTable<IOperation, IterationDependence> _dependence = new();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<SyntaxTree, TreeSettings> _settingsByTree = new();
        private readonly Func<ITypeSymbol?, bool> _isSharedState;

        public State(DatabaseApis apis, DataAccessCalls calls)
        {
            Apis = apis;
            Calls = calls;
            var repositories = calls.GetPatterns(null);
            Func<ITypeSymbol?, bool> isShared = type => apis.IsDbContext(type) || apis.IsDbSet(type) || (type is { TypeKind: TypeKind.Interface or TypeKind.Class } && repositories.Matches(type));
            // Answered once per type and compilation: every loop's dependence asks it for the same few receiver types.
            _isSharedState = type => type is null ? isShared(null) : _sharedTypes.GetOrAdd(type, isShared);
        }

        private readonly System.Collections.Concurrent.ConcurrentDictionary<ITypeSymbol, bool> _sharedTypes = new(SymbolEqualityComparer.Default);

        public DatabaseApis Apis { get; }

        public DataAccessCalls Calls { get; }

        /// <summary>What the options say for a syntax tree, read once per tree.</summary>
        public TreeSettings SettingsOf(AnalyzerOptions options, SyntaxTree tree)
        {
            if (_settingsByTree.TryGetValue(tree, out var settings))
            {
                return settings;
            }

            return _settingsByTree.GetOrAdd(tree, new TreeSettings(options, tree, Calls));
        }

        /// <summary>The iteration dependence of a loop or per-element lambda, computed once per repetition.</summary>
        public IterationDependence DependenceOf(in LoopContext loop)
        {
            var key = loop.Loop is not null ? (IOperation)loop.Loop : loop.Lambda!;
            if (_dependence.TryGetValue(key, out var cached))
            {
                return cached;
            }

            var computed = IterationDependence.Compute(loop, _isSharedState);
            return _dependence.GetValue(key, _ => computed);
        }
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, Lazy<State?> lazyState)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (!Loops.TryGetEnclosingLoop(invocation, PerElementCalls.IsPerElementCall, out _))
        {
            return; // cheap: most calls are not in a loop
        }

        if (lazyState.Value is not { } state)
        {
            return; // the compilation references no database API
        }

        if (!IsReported(context, invocation, state, out var kind, out var through, out var isSaveChanges, out var loop, out var severity))
        {
            return;
        }

        // `useAsync ? await q.FirstAsync(..) : q.First(..)`: one round-trip per element whichever branch runs, reported once,
        // on the first branch (smartstore's DataProvider, LanguageResolver: two warnings at one site before).
        if (OtherBranchCall(invocation) is { } first &&
            IsReported(context, first, state, out _, out _, out _, out _, out _))
        {
            return;
        }

        if (through.IsRoundTrip)
        {
            var what = through.InnerCall is { } inner
                ? "'" + DescribeCall(invocation) + "' reaches the database through '" + inner + "' and"
                : "'" + DescribeCall(invocation) + "' is a data-access call that";
            var advice = kind == DatabaseCallKind.Write ? CallWriteAdvice : CallReadAdvice;
            Report(context, state, InvocationLocation(invocation), what, loop, kind, advice, severity, through.InnerCall ?? string.Empty);
            return;
        }

        var directAdvice = isSaveChanges ? SaveAdvice : kind == DatabaseCallKind.Write ? WriteAdvice : ReadAdvice;
        Report(context, state, InvocationLocation(invocation), "'" + DescribeCall(invocation) + "'", loop, kind, directAdvice, severity, innerCall: null);
    }

    /// <summary>Whether <paramref name="invocation"/> (inside a repetition) is a round-trip PERF003 reports, and how.</summary>
    private static bool IsReported(OperationAnalysisContext context, IInvocationOperation invocation, State state, out DatabaseCallKind kind,
        out RoundTripCall through, out bool isSaveChanges, out LoopContext loop, out DiagnosticSeverity severity)
    {
        through = RoundTripCall.None;
        isSaveChanges = false;
        loop = default;
        severity = default;
        kind = DatabaseCallKind.None;
        if (state.Calls.IsInsideExpressionTree(invocation))
        {
            return false; // part of a query translated to SQL, whatever lambda encloses it in the tree (checked first: it is cheaper than classifying)
        }

        if (MockSetups.IsMockCall(invocation))
        {
            return false; // a call on a test double that configures or checks it (NSubstitute `Returns`, `Received()`): no round-trip
        }

        var settings = state.SettingsOf(context.Options, context.Operation.Syntax.SyntaxTree);
        kind = state.Apis.Classify(invocation, settings.Patterns.IsQuerySource);
        if (kind == DatabaseCallKind.None)
        {
            through = state.Calls.Classify(invocation, settings.Patterns);
            if (!through.IsRoundTrip)
            {
                return false;
            }

            kind = through.Kind;
        }

        isSaveChanges = !through.IsRoundTrip && invocation.TargetMethod.Name is "SaveChanges" or "SaveChangesAsync";
        return TryFindPerElementRepetition(invocation, state, settings, isSaveChanges, through.IsRoundTrip, out loop, out severity);
    }

    /// <summary>
    /// When <paramref name="invocation"/> is the value of the <c>else</c> branch of <c>c ? a : b</c> (through <c>await</c>,
    /// conversions, <c>ConfigureAwait</c>), the call that is the value of its <c>then</c> branch the same way; otherwise null.
    /// </summary>
    private static IInvocationOperation? OtherBranchCall(IInvocationOperation invocation)
    {
        IOperation child = invocation;
        var parent = invocation.Parent;
        while (parent is IAwaitOperation or IConversionOperation or IParenthesizedOperation ||
               parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure && configure.Instance == child)
        {
            child = parent;
            parent = parent.Parent;
        }

        if (parent is not IConditionalOperation { WhenFalse: { } whenFalse } conditional || whenFalse != child)
        {
            return null;
        }

        return Loops.UnwrapAwaited(conditional.WhenTrue) as IInvocationOperation;
    }

    private static void AnalyzeForEach(OperationAnalysisContext context, Lazy<State?> lazyState)
    {
        if (context.Operation is not IForEachLoopOperation forEach || forEach.Syntax is not CommonForEachStatementSyntax syntax)
        {
            return;
        }

        if (!Loops.TryGetEnclosingLoop(forEach, PerElementCalls.IsPerElementCall, out _) || lazyState.Value is not { } state)
        {
            return;
        }

        var settings = state.SettingsOf(context.Options, context.Operation.Syntax.SyntaxTree);
        if (!state.Apis.IsDatabaseQuery(forEach.Collection, settings.Patterns.IsQuerySource))
        {
            return;
        }

        if (!TryFindPerElementRepetition(forEach, state, settings, isSaveChanges: false, isThroughCall: false, out var loop, out var severity))
        {
            return;
        }

        var what = "'foreach' over '" + Shorten(syntax.Expression.ToString()) + "'";
        Report(context, state, syntax.ForEachKeyword.GetLocation(), what, loop, DatabaseCallKind.Read, ReadAdvice, severity, innerCall: null);
    }

    /// <summary>
    /// PERF003's options for one syntax tree. Read once per tree and compilation (issue #18): each read of an option
    /// builds its key and looks it up in the tree's options, which PERF003 did several times per call in a loop.
    /// </summary>
    private sealed class TreeSettings
    {
        public TreeSettings(AnalyzerOptions options, SyntaxTree tree, DataAccessCalls calls)
        {
            RuleOptions.TryGetRaw(options, tree, RuleId, "data_access_types", out var raw);
            Patterns = calls.GetPatterns(raw);
            MaxConstantIterations = RuleOptions.GetInt32(options, tree, RuleId, "max_constant_iterations", DefaultMaxConstantIterations, min: 0);
            var batchSize = RuleOptions.GetInt32(options, tree, RuleId, BatchSizeOption, 0, min: 1);
            BatchSize = batchSize > 0 ? batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            ReferenceDataNames = ReferenceDataTypes.NamesFor(options, tree, RuleId);
            IsTestCode = TestProjects.IsTestCode(options, tree);
        }

        public TypePatterns Patterns { get; }

        public int MaxConstantIterations { get; }

        /// <summary><c>batch_size</c> as the diagnostic's property carries it, or null when not set to a valid value.</summary>
        public string? BatchSize { get; }

        public HashSet<string> ReferenceDataNames { get; }

        public bool IsTestCode { get; }
    }

    /// <summary>The kind and context properties of every diagnostic, built once per (kind, loop or lambda) pair rather than per diagnostic.</summary>
    private static readonly ImmutableDictionary<string, string?>[] BaseProperties = BuildBaseProperties();

    private static ImmutableDictionary<string, string?>[] BuildBaseProperties()
    {
        DatabaseCallKind[] kinds = [DatabaseCallKind.None, DatabaseCallKind.Read, DatabaseCallKind.Write];
        var result = new ImmutableDictionary<string, string?>[kinds.Length * 2];
        foreach (var kind in kinds)
        {
            foreach (var isLambda in new[] { false, true })
            {
                result[((int)kind * 2) + (isLambda ? 1 : 0)] = ImmutableDictionary<string, string?>.Empty
                    .Add(KindProperty, kind.ToString())
                    .Add(ContextProperty, isLambda ? "Lambda" : "Loop");
            }
        }

        return result;
    }

    private static void Report(OperationAnalysisContext context, State state, Location location, string what, in LoopContext loop, DatabaseCallKind kind, string advice, DiagnosticSeverity severity, string? innerCall)
    {
        var settings = state.SettingsOf(context.Options, location.SourceTree ?? context.Operation.Syntax.SyntaxTree);
        var properties = BaseProperties[((int)kind * 2) + (loop.IsLambda ? 1 : 0)];
        if (innerCall is not null)
        {
            properties = properties.Add(ViaProperty, "Call");
            if (innerCall.Length > 0)
            {
                properties = properties.Add(InnerCallProperty, innerCall);
            }
        }

        if (settings.BatchSize is { } batchSize)
        {
            properties = properties.Add(BatchSizeProperty, batchSize);
        }

        var descriptor = Descriptors.PERF003NPlusOneQuery;
        severity = TestProjects.LowerInTestCode(severity, settings.IsTestCode, context.ContainingSymbol);
        context.ReportDiagnostic(Diagnostic.Create(
            descriptor, location, severity, additionalLocations: null, properties, what, DescribeLoop(loop), advice));
    }

    /// <summary>
    /// The innermost enclosing loop or per-element lambda in which <paramref name="query"/> runs once per element and
    /// depends on the element. Retry loops (small constant count) and loops the query does not depend on are skipped
    /// in favour of an outer repetition. A call flushed every N iterations is not per element at all.
    /// <paramref name="severity"/> is Info when the repetition is small by construction (a constant count up to
    /// <see cref="MaxSmallConstantIterations"/>, or a collection of injected services).
    /// </summary>
    private static bool TryFindPerElementRepetition(IOperation query, State state, TreeSettings settings, bool isSaveChanges, bool isThroughCall, out LoopContext found, out DiagnosticSeverity severity)
    {
        var apis = state.Apis;
        severity = DiagnosticSeverity.Warning;
        var maxConstant = settings.MaxConstantIterations;
        IOperation current = query;
        var exited = ExitedFunction(query);
        var broken = BrokenLoops.LoopBrokenAfter(query.Syntax);
        for (var depth = 0; depth < 16 && Loops.TryGetEnclosingLoop(current, PerElementCalls.IsPerElementCall, out var loop); depth++)
        {
            current = loop.Operation;
            if (exited is not null && IsWithin(loop.Operation, exited))
            {
                continue; // the query's statement leaves this loop (return, throw): at most once per run of the function
            }

            if (broken is not null && loop.Loop is not null && loop.Loop.Syntax == broken)
            {
                continue; // a break of this loop always follows the query: at most once per run of the loop
            }

            if (SingleRowReaders.ReadsAtMostOneRow(loop))
            {
                continue; // while (reader.Read()) over a "LIMIT 1" command: at most one pass
            }

            var isSmallConstant = false;
            if (TryGetConstantCount(loop, out var count) || ConstantLocalCollections.TryGetCount(loop, out count))
            {
                if (count <= maxConstant)
                {
                    continue;
                }

                isSmallConstant = count <= MaxSmallConstantIterations;
            }

            var dependence = state.DependenceOf(loop);
            if (dependence.IsEmpty)
            {
                continue;
            }

            if (IsGuardedByCounter(query, loop, dependence))
            {
                break; // flushed every N iterations: the batched form (and so for every outer loop too)
            }

            bool perElement;
            if (isSaveChanges)
            {
                // SaveChanges reads no element itself: it saves what the iteration changed, unless the iteration is a chunk or a page.
                perElement = dependence.IsReferencedIn(loop.Body) && !IteratesBatches(loop, dependence, apis);
            }
            else
            {
                var queryPart = query is IForEachLoopOperation forEach ? forEach.Collection : query;
                perElement = (DependsPerElement(queryPart, loop, dependence, apis) || apis.SetsCommandParameterPerIteration(query, loop.Body, dependence)) &&
                             !IsPaging(queryPart, dependence) &&
                             !(isThroughCall && PassesOnlyPagingArguments((IInvocationOperation)query, dependence));
            }

            if (!perElement)
            {
                continue;
            }

            found = loop;
            if (isSmallConstant || IsOverServices(loop) || ProviderFactories.IsOverFactoryProviders(loop) || SettingsCollections.IsOverSettings(loop) ||
                ReferenceDataTypes.IsOverReferenceData(loop, settings.ReferenceDataNames))
            {
                severity = DiagnosticSeverity.Info;
            }

            return true;
        }

        found = default;
        return false;
    }

    /// <summary>
    /// The function (method, lambda or local function) that <paramref name="query"/>'s own statement leaves: the query is
    /// part of a <c>return</c> (not <c>yield return</c>) or a <c>throw</c> of that function, so every loop inside the
    /// function runs it at most once (Kavita: <c>foreach (var ip in ...) if (!IPAddress.TryParse(..)) return
    /// BadRequest(await _localizationService.Translate(..));</c>). A lambda's <c>return</c> leaves only that call of the
    /// lambda: a per-element lambda around it still repeats it. Null when the query does not leave its function.
    /// </summary>
    private static IOperation? ExitedFunction(IOperation query)
    {
        var exits = false;
        for (var parent = query.Parent; parent is not null; parent = parent.Parent)
        {
            switch (parent)
            {
                case IReturnOperation { Kind: OperationKind.Return, IsImplicit: false }:
                case IThrowOperation:
                    exits = true;
                    break;
                case IAnonymousFunctionOperation:
                case ILocalFunctionOperation:
                case IMethodBodyBaseOperation:
                    return exits ? parent : null;
            }
        }

        return null;
    }

    private static bool IsWithin(IOperation operation, IOperation ancestor)
    {
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            if (ReferenceEquals(parent, ancestor))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryGetConstantCount(in LoopContext loop, out long count)
    {
        if (loop.Loop is not null)
        {
            return Loops.TryGetConstantIterationCount(loop.Loop, out count);
        }

        var call = loop.PerElementCall!;
        var source = call.Instance ?? (call.Arguments.Length > 0 ? call.Arguments[0].Value : null);
        count = 0;
        return source is not null && Loops.TryGetCollectionCount(source, out count);
    }

    /// <summary>
    /// A repetition over a field or property holding services (its elements are of an interface type:
    /// <c>foreach (var provider in _providers)</c>): one per registered implementation, a handful by construction.
    /// </summary>
    private static bool IsOverServices(in LoopContext loop)
    {
        IOperation? source = loop.Loop is IForEachLoopOperation forEach
            ? forEach.Collection
            : loop.PerElementCall is { } call ? call.Instance ?? DatabaseApis.ReceiverOf(call) : null;
        if (source is null)
        {
            return false;
        }

        if (!IsMemberSource(source, 0))
        {
            return false;
        }

        return loop.ElementType is { TypeKind: TypeKind.Interface };
    }

    /// <summary>
    /// A field or property of the type, possibly filtered or ordered in memory (<c>_providers.Where(p =&gt; p.Enabled).ToList()</c>),
    /// directly or through a local initialised with it.
    /// </summary>
    private static bool IsMemberSource(IOperation source, int depth)
    {
        for (; depth < 8; depth++)
        {
            source = Loops.UnwrapConversions(source);

            switch (source)
            {
                case IFieldReferenceOperation:
                case IPropertyReferenceOperation:
                    return true;
                case IInvocationOperation { TargetMethod.ContainingType: { Name: "Enumerable", ContainingNamespace.Name: "Linq" } } call
                    when DatabaseApis.ReceiverOf(call) is { } receiver:
                    source = receiver;
                    continue;
                case ILocalReferenceOperation local when LocalInitializer(local) is { } initializer:
                    source = initializer;
                    continue;
                default:
                    return false;
            }
        }

        return false;
    }

    private static IOperation? LocalInitializer(ILocalReferenceOperation reference)
    {
        var root = (IOperation)reference;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        IOperation? found = null;
        foreach (var operation in root.Descendants())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation { Initializer: { } initializer } declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, reference.Local):
                    found = initializer.Value;
                    break;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } when SymbolEqualityComparer.Default.Equals(target.Local, reference.Local):
                    return null; // reassigned: not known
            }
        }

        return found;
    }

    /// <summary>
    /// True when the call runs only when a counter reaches a bound: <c>if (++pending &gt;= BatchSize) { db.SaveChanges(); pending = 0; }</c>,
    /// <c>if (i % 100 == 0)</c>. A guard on an element's property (<c>if (order.IsDirty)</c>) is still per element.
    /// </summary>
    private static bool IsGuardedByCounter(IOperation query, in LoopContext loop, IterationDependence dependence)
    {
        var body = loop.Body;
        IOperation child = query;
        for (var parent = query.Parent; parent is not null && !ReferenceEquals(child, body); child = parent, parent = parent.Parent)
        {
            if (parent is IConditionalOperation conditional && ReferenceEquals(child, conditional.WhenTrue) &&
                IsCounterTest(conditional.Condition, loop, dependence, 0))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsCounterTest(IOperation condition, in LoopContext loop, IterationDependence dependence, int depth)
    {
        condition = Loops.Unwrap(condition);
        if (depth > 4 || condition is not IBinaryOperation binary)
        {
            return false;
        }

        switch (binary.OperatorKind)
        {
            case BinaryOperatorKind.ConditionalAnd:
                return IsCounterTest(binary.LeftOperand, loop, dependence, depth + 1) || IsCounterTest(binary.RightOperand, loop, dependence, depth + 1);
            case BinaryOperatorKind.ConditionalOr:
                // Every side a counter test or a condition that reads no element (cancellation, the last index).
                var left = IsCounterTest(binary.LeftOperand, loop, dependence, depth + 1);
                var right = IsCounterTest(binary.RightOperand, loop, dependence, depth + 1);
                return (left || right) &&
                       (left || !ReadsElement(binary.LeftOperand, loop, dependence, depth)) &&
                       (right || !ReadsElement(binary.RightOperand, loop, dependence, depth));
            case BinaryOperatorKind.Equals:
            case BinaryOperatorKind.GreaterThan:
            case BinaryOperatorKind.GreaterThanOrEqual:
            case BinaryOperatorKind.LessThan:
            case BinaryOperatorKind.LessThanOrEqual:
                return (IsCounterExpression(binary.LeftOperand, loop, depth) && !ReadsElement(binary.RightOperand, loop, dependence, depth)) ||
                       (IsCounterExpression(binary.RightOperand, loop, depth) && !ReadsElement(binary.LeftOperand, loop, dependence, depth));
            default:
                return false;
        }
    }

    /// <summary>A bound: reads nothing that changes per iteration other than counters (<c>BatchSize</c>, <c>items.Count - 1</c>, <c>0</c>).</summary>
    private static bool ReadsElement(IOperation operation, in LoopContext loop, IterationDependence dependence, int depth)
    {
        foreach (var descendant in operation.DescendantsAndSelf())
        {
            if (IterationDependence.ReferencedSymbol(descendant) is { } symbol && dependence.Contains(symbol) &&
                !(symbol is ILocalSymbol local && IsCounter(local, loop)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>pending</c>, <c>++pending</c>, <c>i % 100</c>, <c>(i + 1) % k</c> over a counter local.</summary>
    private static bool IsCounterExpression(IOperation operation, in LoopContext loop, int depth)
    {
        operation = Loops.Unwrap(operation);
        switch (operation)
        {
            case IIncrementOrDecrementOperation increment:
                return Loops.Unwrap(increment.Target) is ILocalReferenceOperation target && IsCounter(target.Local, loop);
            case ILocalReferenceOperation local:
                return IsCounter(local.Local, loop);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Remainder or BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } arithmetic when depth < 4:
                return (IsCounterExpression(arithmetic.LeftOperand, loop, depth + 1) && arithmetic.RightOperand.ConstantValue.HasValue) ||
                       (IsCounterExpression(arithmetic.LeftOperand, loop, depth + 1) && arithmetic.OperatorKind == BinaryOperatorKind.Remainder) ||
                       (arithmetic.OperatorKind != BinaryOperatorKind.Remainder && arithmetic.LeftOperand.ConstantValue.HasValue && IsCounterExpression(arithmetic.RightOperand, loop, depth + 1));
            default:
                return false;
        }
    }

    /// <summary>
    /// A local that outlives one iteration and that the repetition only counts with: every write to it in the loop
    /// (header included) is <c>++</c>/<c>--</c>, a compound <c>+=</c>/<c>-=</c>, or a constant (a reset to 0).
    /// </summary>
    private static bool IsCounter(ILocalSymbol local, in LoopContext loop)
    {
        if (local.Type.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Int16 or SpecialType.System_UInt32 or SpecialType.System_UInt64) ||
            !loop.LifetimeSpansIterations(local))
        {
            return false;
        }

        var region = loop.Loop is not null ? (IOperation)loop.Loop : loop.Lambda!;
        var written = false;
        foreach (var operation in region.Descendants())
        {
            switch (operation)
            {
                case IIncrementOrDecrementOperation increment when IsLocal(increment.Target, local):
                    written = true;
                    break;
                case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } compound when IsLocal(compound.Target, local):
                    written = true;
                    break;
                case ISimpleAssignmentOperation simple when IsLocal(simple.Target, local):
                    if (!simple.Value.ConstantValue.HasValue)
                    {
                        return false;
                    }

                    break;
                case IAssignmentOperation other when IsLocal(other.Target, local):
                    return false;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument when IsLocal(argument.Value, local):
                    return false;
            }
        }

        return written;
    }

    private static bool IsLocal(IOperation operation, ILocalSymbol local) =>
        Loops.Unwrap(operation) is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local);

    /// <summary>
    /// A repetition over batches rather than elements: a <c>foreach</c> (or per-element lambda) whose iteration value
    /// is a collection (<c>Chunk(500)</c>, a page), or a <c>while</c>/<c>for</c> loop that loads a page per pass.
    /// </summary>
    private static bool IteratesBatches(in LoopContext loop, IterationDependence dependence, DatabaseApis apis)
    {
        switch (loop.Loop)
        {
            case IForEachLoopOperation forEach:
                return forEach.Locals.Length == 1 && IsCollectionType(forEach.Locals[0].Type, apis);
            case null:
                return loop.Lambda!.Symbol.Parameters.Length > 0 && IsCollectionType(loop.Lambda.Symbol.Parameters[0].Type, apis);
            default:
                return IsPaging(loop.Body, dependence) || LoadsAPagePerPass(loop.Loop);
        }
    }

    /// <summary>
    /// A <c>while</c>/<c>do</c>/<c>for</c> loop that loads a page per pass through a pager of the code base (smartstore:
    /// <c>while ((await pager.ReadNextPageAsync&lt;T&gt;()).Out(out var page))</c>, <c>query.ToPagedList(++pageIndex, 500)</c>):
    /// a call whose name says it reads a page, in the loop's condition or body (not in a nested loop).
    /// </summary>
    private static bool LoadsAPagePerPass(ILoopOperation loop)
    {
        foreach (var operation in loop.Descendants())
        {
            if (operation is IInvocationOperation call && call.TargetMethod.Name.IndexOf("Page", StringComparison.Ordinal) >= 0 &&
                !IsInNestedLoop(call, loop))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInNestedLoop(IOperation operation, ILoopOperation loop)
    {
        for (var current = operation.Parent; current is not null && !ReferenceEquals(current, loop); current = current.Parent)
        {
            if (current is ILoopOperation)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A call through a method whose only element-dependent arguments go to page parameters
    /// (<c>GetPageAsync(skip: page * 100, take: 100)</c>, <c>after: lastId</c>): paging, not N+1.
    /// </summary>
    private static bool PassesOnlyPagingArguments(IInvocationOperation call, IterationDependence dependence)
    {
        var paging = false;
        foreach (var argument in call.Arguments)
        {
            if (!dependence.IsReferencedIn(argument.Value))
            {
                continue;
            }

            var name = argument.Parameter?.Name ?? string.Empty;
            if (!IsPagingParameter(name) && !PagingObjects.SetsOnlyPagingMembers(argument.Value, dependence.IsReferencedIn, IsPagingParameter))
            {
                return false;
            }

            paging = true;
        }

        return paging && (call.Instance is null || !dependence.IsReferencedIn(call.Instance));
    }

    private static bool IsPagingParameter(string name)
    {
        foreach (var word in PagingWords)
        {
            if (name.IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static readonly string[] PagingWords = { "page", "skip", "offset", "cursor", "after", "continuation", "start" };

    /// <summary>
    /// True when the query reads the iteration's value as a scalar. When every dependent value it reads is a whole
    /// collection that the repetition steps through as a unit (<c>chunk.Contains(p.Id)</c>, <c>new { ids = chunk }</c>, a
    /// BFS frontier, or a query built from one), each round-trip fetches a batch of keys: not N+1. A key collection
    /// derived from the current element (<c>item.Children.Select(c =&gt; c.Id).ToList()</c>) is per element.
    /// </summary>
    private static bool DependsPerElement(IOperation query, in LoopContext loop, IterationDependence dependence, DatabaseApis apis)
    {
        var batch = false;
        var groupKey = false;
        foreach (var operation in query.DescendantsAndSelf())
        {
            if (IterationDependence.ReferencedSymbol(operation) is not { } symbol || !dependence.Contains(symbol))
            {
                continue;
            }

            if (IsBatchUse(operation, symbol, loop, dependence, apis, 0))
            {
                batch = true;
            }
            else if (IsGroupKeyUse(operation, symbol, loop))
            {
                groupKey = true;
            }
            else
            {
                return true;
            }
        }

        // One query per group of a GroupBy that reads the group's rows as a set and its key as a scalar (smartstore:
        // `foreach (var g in deleted.GroupBy(x => x.GetEntityName())) Where(x => ids.Contains(x.EntityId) &&
        // x.KeyGroup == g.Key)`) is one query per partition, the batched form; the key alone is one query per key.
        return groupKey && !batch;
    }

    /// <summary>
    /// The key of the <c>IGrouping</c> the <c>foreach</c> iterates: <c>group.Key</c>, or a local initialised with it
    /// (<c>var entityName = group.Key;</c>).
    /// </summary>
    private static bool IsGroupKeyUse(IOperation reference, ISymbol symbol, in LoopContext loop)
    {
        if (loop.Loop is not IForEachLoopOperation { Locals.Length: 1 } forEach || !IsGrouping(forEach.Locals[0].Type))
        {
            return false;
        }

        var group = forEach.Locals[0];
        if (SymbolEqualityComparer.Default.Equals(symbol, group))
        {
            return reference.Parent is IPropertyReferenceOperation { Property.Name: "Key" };
        }

        return symbol is ILocalSymbol { DeclaringSyntaxReferences.Length: 1 } local &&
               local.DeclaringSyntaxReferences[0].GetSyntax() is VariableDeclaratorSyntax
               {
                   Initializer.Value: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Key", Expression: IdentifierNameSyntax owner },
               } &&
               owner.Identifier.ValueText == group.Name;
    }

    private static bool IsGrouping(ITypeSymbol? type)
    {
        if (type is null)
        {
            return false;
        }

        if (type is INamedTypeSymbol named && IsGroupingInterface(named))
        {
            return true;
        }

        foreach (var implemented in DefinitionInterfaces.Of(type))
        {
            if (IsGroupingInterface(implemented))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsGroupingInterface(INamedTypeSymbol type) =>
        type is { Name: "IGrouping", Arity: 2 } && type.ContainingNamespace?.ToDisplayString() == "System.Linq";

    /// <summary>A reference to a batch-valued symbol used as a whole: a set (<c>Contains</c>, an argument) or, for a query, a sub-select.</summary>
    private static bool IsBatchUse(IOperation reference, ISymbol symbol, in LoopContext loop, IterationDependence dependence, DatabaseApis apis, int depth)
    {
        var type = reference.Type;
        if (apis.IsQueryable(type))
        {
            return IsBatchValued(symbol, loop, dependence, apis, depth);
        }

        if (IsCollectionUse(reference, apis))
        {
            return IsBatchValued(symbol, loop, dependence, apis, depth);
        }

        // An object the iteration builds from batches only, read through a collection it holds (smartstore: `var
        // deletionEvent = new PermanentDeletionRequestedEvent<Product>(productIdsChunk); .. productIds.Except(
        // deletionEvent.DisallowedEntityIds)`): the collection belongs to the batch, not to one element.
        return symbol is ILocalSymbol local && reference.Parent is IMemberReferenceOperation member && IsCollectionUse(member, apis) &&
               !(loop.Loop is IForEachLoopOperation forEach && ContainsLocal(forEach.Locals, local)) &&
               depth <= 4 && IsComputedFromBatches(local, loop, dependence, apis, depth + 1);
    }

    /// <summary>
    /// A symbol whose value is a batch for the whole iteration: the iteration value itself when it is a collection
    /// (a chunk, a page, a group), a collection the loop carries from pass to pass (a BFS frontier reassigned each
    /// pass), or a local computed in the loop only from such batches used whole.
    /// </summary>
    private static bool IsBatchValued(ISymbol symbol, in LoopContext loop, IterationDependence dependence, DatabaseApis apis, int depth)
    {
        if (depth > 4)
        {
            return false;
        }

        switch (symbol)
        {
            case IParameterSymbol parameter when loop.Lambda is not null && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, loop.Lambda.Symbol):
                return IsCollectionType(parameter.Type, apis);
            case ILocalSymbol local when loop.Loop is IForEachLoopOperation forEach && ContainsLocal(forEach.Locals, local):
                return IsCollectionType(local.Type, apis);
            case ILocalSymbol local when loop.Loop is IWhileLoopOperation or IForLoopOperation && loop.LifetimeSpansIterations(local):
                return IsCollectionType(local.Type, apis) || apis.IsQueryable(local.Type);
            case ILocalSymbol local:
                return IsComputedFromBatches(local, loop, dependence, apis, depth + 1);
            default:
                return false;
        }
    }

    private static bool ContainsLocal(System.Collections.Immutable.ImmutableArray<ILocalSymbol> locals, ILocalSymbol local)
    {
        foreach (var candidate in locals)
        {
            if (SymbolEqualityComparer.Default.Equals(candidate, local))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every value the repetition gives <paramref name="local"/> reads dependent values only as batches used whole.</summary>
    private static bool IsComputedFromBatches(ILocalSymbol local, in LoopContext loop, IterationDependence dependence, DatabaseApis apis, int depth)
    {
        var region = loop.Loop is not null ? (IOperation)loop.Loop : loop.Lambda!;
        var any = false;
        foreach (var operation in region.Descendants())
        {
            IOperation? value = operation switch
            {
                IVariableDeclaratorOperation { Initializer: { } initializer } declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local) => initializer.Value,
                ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when SymbolEqualityComparer.Default.Equals(target.Local, local) => assignment.Value,
                // A chunk of a batch, iterated by a nested loop (smartstore: `foreach (var chunk in groupIds.Chunk(128))`
                // inside a loop over GroupBy groups): each element is itself a batch when its type is a collection.
                IForEachLoopOperation inner when ContainsLocal(inner.Locals, local) && IsCollectionType(local.Type, apis) => inner.Collection,
                _ => null,
            };
            if (value is null)
            {
                continue;
            }

            any = true;
            foreach (var read in ValueParts(value))
            {
                if (IterationDependence.ReferencedSymbol(read) is { } symbol && dependence.Contains(symbol) &&
                    !SymbolEqualityComparer.Default.Equals(symbol, local) &&
                    !IsBatchUse(read, symbol, loop, dependence, apis, depth))
                {
                    return false;
                }
            }
        }

        return any;
    }

    /// <summary>
    /// The operations a value is made of. Of a conditional (<c>cond ? a : b</c>), only its two branches: the condition
    /// picks one of them and is not part of the value (smartstore's <c>ProductService.DeleteProductsPermanentAsync</c>:
    /// <c>var idsToDelete = deletionEvent.DisallowedEntityIds.Count &gt; 0 ? productIds.Except(..).ToArray() :
    /// productIdsChunk;</c> is a batch whichever branch runs, though the condition reads a count).
    /// </summary>
    private static IEnumerable<IOperation> ValueParts(IOperation value)
    {
        if (Loops.Unwrap(value) is IConditionalOperation { WhenFalse: { } whenFalse } conditional)
        {
            foreach (var part in conditional.WhenTrue.DescendantsAndSelf())
            {
                yield return part;
            }

            foreach (var part in whenFalse.DescendantsAndSelf())
            {
                yield return part;
            }

            yield break;
        }

        foreach (var part in value.DescendantsAndSelf())
        {
            yield return part;
        }
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
                    if (call.TargetMethod.Name == "Contains")
                    {
                        return true;
                    }

                    // The receiver (an argument would sit in an IArgumentOperation) of a member of the collection: a C# 14
                    // extension member (smartstore's `group.ToDistinctArray(x => x.Entity.Id)`, declared in an
                    // `extension<T>(IEnumerable<T> source)` block, has the group as its receiver, not as a first argument)
                    // or an instance method. A collection comes back (the ids of the group): still a set; one value
                    // (`group.FirstOf(..)`): not.
                    reference = call;
                    continue;
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

        foreach (var implemented in DefinitionInterfaces.Of(type))
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
    /// <summary>
    /// Calls that run a lambda argument once per element: LINQ to Objects operators, <c>List&lt;T&gt;.ForEach</c>,
    /// <c>Array.ForEach</c>, <c>Parallel.For/ForEach/ForEachAsync</c>. Matched by name and namespace, so that no type is
    /// looked up before the first candidate (the result is the same for the framework's types).
    /// </summary>
    private static class PerElementCalls
    {
        public static bool IsPerElementCall(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            var type = method.ContainingType;
            if (type is null)
            {
                return false;
            }

            // Every Enumerable operator that takes a lambda applies it per element (Select, Where, SelectMany, ToDictionary, Any, ...).
            // Queryable operators take expression trees translated to SQL, and are not matched here.
            if (type.Name == "Enumerable" && type.Arity == 0 && IsNamespace(type.ContainingNamespace, "Linq", "System", null))
            {
                return true;
            }

            if (method.Name == "ForEach" &&
                (type.SpecialType == SpecialType.System_Array ||
                 (type.Name == "List" && type.Arity == 1 && IsNamespace(type.ContainingNamespace, "Generic", "Collections", "System"))))
            {
                return true;
            }

            return method.Name is "ForEach" or "ForEachAsync" or "For" &&
                type.Name == "Parallel" && type.Arity == 0 && IsNamespace(type.ContainingNamespace, "Tasks", "Threading", "System");
        }

        /// <summary>True when <paramref name="ns"/> is <c>outer.middle.inner</c> (or <c>middle.inner</c> when <paramref name="outer"/> is null) under the global namespace.</summary>
        private static bool IsNamespace(INamespaceSymbol? ns, string inner, string middle, string? outer)
        {
            if (ns is null || ns.Name != inner || ns.ContainingNamespace is not { } second || second.Name != middle)
            {
                return false;
            }

            var third = second.ContainingNamespace;
            if (outer is null)
            {
                return third is { IsGlobalNamespace: true };
            }

            return third is not null && third.Name == outer && third.ContainingNamespace is { IsGlobalNamespace: true };
        }
    }
}
