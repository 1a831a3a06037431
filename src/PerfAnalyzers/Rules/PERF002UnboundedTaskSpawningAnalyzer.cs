using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.Common;

namespace PerfAnalyzers.Rules;

/// <summary>
/// PERF002: work started once per element of a collection of unknown size with no concurrency limit: <c>Task.Run</c>,
/// <c>Task.Factory.StartNew</c>, <c>Thread.Start</c> or <c>ThreadPool.QueueUserWorkItem</c> in a loop and not awaited
/// in the iteration; a task-returning call in a loop whose task is stored or discarded; and
/// <c>Task.WhenAll</c>/<c>WhenAny</c>/<c>WaitAll</c>/<c>WaitAny</c> over, or <c>ToList</c>/<c>ToArray</c> of,
/// <c>source.Select(x =&gt; &lt;task&gt;)</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed partial class PERF002UnboundedTaskSpawningAnalyzer : DiagnosticAnalyzer
{
    internal const string RuleId = "PERF002";

    internal const string MaxConstantIterationsOption = "max_constant_iterations";
    /// <summary>
    /// A compile-time constant count is never unbounded: only a large constant fan-out (above this) is reported.
    /// </summary>
    internal const int DefaultMaxConstantIterations = 64;

    /// <summary>Pack-wide option read by the fix: the N it writes.</summary>
    internal const string MaxConcurrencyOption = "default_max_concurrency";

    /// <summary>Diagnostic property: which shape was found (one of the <c>Form*</c> values).</summary>
    internal const string FormProperty = "Form";

    /// <summary>Diagnostic property: <c>perf_analyzers.default_max_concurrency</c> when set to a positive integer.</summary>
    internal const string MaxConcurrencyProperty = "MaxConcurrency";

    internal const string FormSpawnInLoop = "SpawnInLoop";
    internal const string FormStoredInLoop = "StoredInLoop";
    internal const string FormWhenAllSelect = "WhenAllSelect";
    internal const string FormMaterializedSelect = "MaterializedSelect";

    /// <summary><c>var tasks = source.Select(...)</c> (or a field set once) later passed to WhenAll/WaitAll or materialised.</summary>
    internal const string FormSelectThroughLocal = "SelectThroughLocal";

    /// <summary><c>tasks.AddRange(source.Select(...))</c> or <c>new List&lt;Task&gt;(source.Select(...))</c>.</summary>
    internal const string FormStoredSelect = "StoredSelect";

    /// <summary>An iterator (<c>yield return</c> of one task per element of a loop) passed to WhenAll/WaitAll.</summary>
    internal const string FormIterator = "Iterator";

    /// <summary>Diagnostic property: set to <c>Observers</c> when the fan-out is over a field of subscribers/handlers (reported as Info).</summary>
    internal const string SourceProperty = "Source";
    internal const string SourceObservers = "Observers";

    /// <summary>Diagnostic property: set to <c>FewElements</c> when the source is a list filled by a few <c>Add</c> calls outside loops (reported as Info).</summary>
    internal const string SourceFewElements = "FewElements";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.PERF002UnboundedTaskSpawning);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        // Generated code is not analysed (the driver skips it); ReportDiagnostics spares the per-tree [GeneratedCode] lookup on
        // the first diagnostic of each tree. The diagnostics lie in the analysed operation, so the same are reported (issue #18).
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.RegisterCompilationStartAction(Start);
    }

    private static void Start(CompilationStartAnalysisContext context)
    {
        var types = KnownTypes.Create(context.Compilation);
        if (types is null)
        {
            return;
        }

        context.RegisterOperationAction(c => AnalyzeInvocation(c, types), OperationKind.Invocation);
    }

    internal sealed class KnownTypes
    {
        public INamedTypeSymbol Task { get; private set; } = null!;
        public INamedTypeSymbol? TaskOfT { get; private set; }
        public INamedTypeSymbol? ValueTask { get; private set; }
        public INamedTypeSymbol? ValueTaskOfT { get; private set; }
        public INamedTypeSymbol? TaskFactory { get; private set; }
        public INamedTypeSymbol? TaskFactoryOfT { get; private set; }
        public INamedTypeSymbol? Thread { get; private set; }
        public INamedTypeSymbol? ThreadPool { get; private set; }
        public INamedTypeSymbol? Enumerable { get; private set; }
        public INamedTypeSymbol? SemaphoreSlim { get; private set; }
        public INamedTypeSymbol? Semaphore { get; private set; }
        public INamedTypeSymbol? RateLimiter { get; private set; }
        public INamedTypeSymbol? List { get; private set; }
        public INamedTypeSymbol? Array { get; private set; }
        public INamedTypeSymbol? Environment { get; private set; }
        public INamedTypeSymbol? IEnumerableOfT { get; private set; }
        public INamedTypeSymbol? ChannelReader { get; private set; }
        public INamedTypeSymbol? BlockingCollection { get; private set; }

        public static KnownTypes? Create(Compilation compilation)
        {
            var task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
            if (task is null)
            {
                return null;
            }

            return new KnownTypes
            {
                Task = task,
                TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1"),
                ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask"),
                ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1"),
                TaskFactory = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory"),
                TaskFactoryOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory`1"),
                Thread = compilation.GetTypeByMetadataName("System.Threading.Thread"),
                ThreadPool = compilation.GetTypeByMetadataName("System.Threading.ThreadPool"),
                Enumerable = compilation.GetTypeByMetadataName("System.Linq.Enumerable"),
                SemaphoreSlim = compilation.GetTypeByMetadataName("System.Threading.SemaphoreSlim"),
                Semaphore = compilation.GetTypeByMetadataName("System.Threading.Semaphore"),
                RateLimiter = compilation.GetTypeByMetadataName("System.Threading.RateLimiting.RateLimiter"),
                List = compilation.GetTypeByMetadataName("System.Collections.Generic.List`1"),
                Array = compilation.GetTypeByMetadataName("System.Array"),
                Environment = compilation.GetTypeByMetadataName("System.Environment"),
                IEnumerableOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.IEnumerable`1"),
                ChannelReader = compilation.GetTypeByMetadataName("System.Threading.Channels.ChannelReader`1"),
                BlockingCollection = compilation.GetTypeByMetadataName("System.Collections.Concurrent.BlockingCollection`1"),
            };
        }

        public bool IsTaskLike(ITypeSymbol? type)
        {
            if (type is not INamedTypeSymbol named)
            {
                return false;
            }

            var definition = named.OriginalDefinition;
            return Is(definition, Task) || Is(definition, TaskOfT) || Is(definition, ValueTask) || Is(definition, ValueTaskOfT);
        }

        /// <summary>The display name when <paramref name="method"/> starts work on another thread, else null.</summary>
        public string? SpawnName(IMethodSymbol method)
        {
            var type = method.ContainingType?.OriginalDefinition;
            switch (method.Name)
            {
                case "Run" when Is(type, Task):
                    return "Task.Run";
                case "StartNew" when Is(type, TaskFactory) || Is(type, TaskFactoryOfT):
                    return "Task.Factory.StartNew";
                case "Start" or "UnsafeStart" when Is(type, Thread):
                    return "Thread.Start";
                case "QueueUserWorkItem" or "UnsafeQueueUserWorkItem" when Is(type, ThreadPool):
                    return "ThreadPool.QueueUserWorkItem";
                default:
                    return null;
            }
        }

        /// <summary>A call that waits for a slot: SemaphoreSlim.Wait/WaitAsync, Semaphore.WaitOne, RateLimiter.AcquireAsync.</summary>
        public bool IsThrottle(IMethodSymbol method)
        {
            for (var type = method.ContainingType; type is not null; type = type.BaseType)
            {
                if ((Is(type, SemaphoreSlim) && method.Name is "Wait" or "WaitAsync") ||
                    (Is(type, Semaphore) && method.Name == "WaitOne") ||
                    (Is(type, RateLimiter) && method.Name is "AcquireAsync" or "AttemptAcquire"))
                {
                    return true;
                }
            }

            return false;
        }

        public bool IsPerElementCall(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            return method.Name == "ForEach" &&
                   (Is(method.ContainingType?.OriginalDefinition, List) || Is(method.ContainingType, Array));
        }

        /// <summary>Task.WhenAll/WhenAny/WaitAll/WaitAny.</summary>
        public bool IsCombinator(IMethodSymbol method) =>
            method.Name is "WhenAll" or "WhenAny" or "WaitAll" or "WaitAny" && Is(method.ContainingType, Task);

        /// <summary>The T of an <c>IEnumerable&lt;T&gt;</c> the type is or implements.</summary>
        public ITypeSymbol? ElementType(ITypeSymbol? type)
        {
            if (type is null || IEnumerableOfT is null)
            {
                return null;
            }

            if (type is IArrayTypeSymbol array)
            {
                return array.ElementType;
            }

            if (type is INamedTypeSymbol named && Is(named.OriginalDefinition, IEnumerableOfT))
            {
                return named.TypeArguments[0];
            }

            foreach (var candidate in type.AllInterfaces)
            {
                if (Is(candidate.OriginalDefinition, IEnumerableOfT))
                {
                    return candidate.TypeArguments[0];
                }
            }

            return null;
        }

        public static bool Is(ITypeSymbol? type, INamedTypeSymbol? known) =>
            known is not null && SymbolEqualityComparer.Default.Equals(type, known);
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, KnownTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;

        if (method.Name is "Select" or "SelectMany" && KnownTypes.Is(method.ContainingType, types.Enumerable))
        {
            AnalyzeSelect(context, invocation, types);
            return;
        }

        if (types.IsCombinator(method))
        {
            AnalyzeIteratorArguments(context, invocation, types);
        }

        if (AnalyzeParallelForEach(context, invocation))
        {
            return;
        }

        // The enclosing-loop walk first (cost, issue #18): most calls are in no loop, and asking a call for its return
        // type builds a new type symbol each time. Both tests are pure, so the order does not change what is reported.
        if (!Loops.TryGetEnclosingLoop(invocation, types.IsPerElementCall, out var loop))
        {
            return;
        }

        var spawn = types.SpawnName(method);
        if (spawn is null && !types.IsTaskLike(method.ReturnType))
        {
            return;
        }

        string form;
        string name;
        if (spawn is not null)
        {
            if (IsConsumedInIteration(invocation, loop, types, 0))
            {
                return;
            }

            form = FormSpawnInLoop;
            name = spawn;
        }
        else
        {
            if (!IsStoredOrDiscarded(invocation, loop))
            {
                return;
            }

            form = FormStoredInLoop;
            name = "'" + method.Name + "'";
        }

        if (IsBoundedRepetition(context, loop, types, Holder(invocation)) ||
            ContainsThrottle(loop.Body, types) ||
            YieldsThrottledCall(invocation, Root(invocation), types) ||
            (loop.Loop is not null && ContainsWhenAnyThrottle(loop.Body, types)) ||
            StartsConsumer(invocation, spawn is not null, types))
        {
            return;
        }

        Report(context, invocation, name, form, IsObserverSource(LoopSource(loop), types));
    }

    private static void AnalyzeSelect(OperationAnalysisContext context, IInvocationOperation select, KnownTypes types)
    {
        if (select.Arguments.Length < 2 || !types.IsTaskLike(select.TargetMethod.ReturnType is INamedTypeSymbol { TypeArguments.Length: 1 } sequence ? sequence.TypeArguments[0] : null))
        {
            return;
        }

        var form = SelectForm(select, types);
        if (form is null)
        {
            return;
        }

        var source = Loops.Unwrap(select.Arguments[0].Value);
        var threshold = RuleOptions.GetInt32(context.Options, select.Syntax.SyntaxTree, RuleId, MaxConstantIterationsOption, DefaultMaxConstantIterations, min: 0);
        if ((Loops.TryGetCollectionCount(source, out var count) && count <= threshold) ||
            IsLimitRange(source, types) ||
            IsChunk(source) ||
            IsCutByConstantTake(source, threshold, 0))
        {
            return;
        }

        for (var i = 1; i < select.Arguments.Length; i++)
        {
            if (ContainsThrottle(select.Arguments[i].Value, types))
            {
                return;
            }
        }

        Report(context, select, select.TargetMethod.Name, form, IsObserverSource(source, types), BoundedBuilders.HasFewAdds(source, threshold));
    }

    /// <summary>
    /// How the sequence of tasks is consumed, when that starts them all at once: WhenAll/WhenAny/WaitAll/WaitAny,
    /// ToList/ToArray, AddRange or a List constructor; or through a local (or a field set once) that reaches one of
    /// those. Null when the sequence is never started as a whole (enumerated one by one, or not at all).
    /// </summary>
    private static string? SelectForm(IInvocationOperation select, KnownTypes types)
    {
        var consumer = Parent(select);
        var direct = StartsAll(consumer, types);
        if (direct is not null)
        {
            return direct;
        }

        ISymbol? holder = consumer switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } => local.Local,
            ISimpleAssignmentOperation { Target: IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field } => field.Field,
            _ => null,
        };

        if (holder is null)
        {
            return null;
        }

        IOperation top = select;
        while (top.Parent is not null)
        {
            top = top.Parent;
        }

        var writes = 0;
        var startsAll = false;
        foreach (var operation in top.Descendants())
        {
            ISymbol? referenced = operation switch
            {
                ILocalReferenceOperation local => local.Local,
                IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
                _ => null,
            };

            if (referenced is null || !SymbolEqualityComparer.Default.Equals(referenced, holder))
            {
                continue;
            }

            var parent = Parent(operation);
            if (parent is IAssignmentOperation assignment && ReferenceEquals(Strip(assignment.Target), operation))
            {
                writes++;
                continue;
            }

            if (StartsAll(parent, types) is not null)
            {
                startsAll = true;
            }
        }

        // A field written more than once in the method may hold something else when it is joined.
        if (!startsAll && writes <= 1 && holder is IFieldSymbol heldIn && consumer is not null)
        {
            // Joined in another method of the type, the field written only here (issue #13).
            startsAll = FieldTaskJoins.IsJoinedInAnotherMethod(consumer, heldIn, c => StartsAll(c, types) is not null, Parent);
        }

        return startsAll && (holder is ILocalSymbol || writes <= 1) ? FormSelectThroughLocal : null;
    }

    /// <summary>The form when <paramref name="consumer"/> (the parent of a sequence of tasks) starts every task at once.</summary>
    private static string? StartsAll(IOperation? consumer, KnownTypes types)
    {
        switch (consumer)
        {
            case IArgumentOperation { Parent: IInvocationOperation call }:
                var name = call.TargetMethod.Name;
                if (types.IsCombinator(call.TargetMethod))
                {
                    return FormWhenAllSelect;
                }

                if (KnownTypes.Is(call.TargetMethod.ContainingType, types.Enumerable) && name is "ToList" or "ToArray" or "ToHashSet")
                {
                    return FormMaterializedSelect;
                }

                if (name == "AddRange" && call.Instance is not null)
                {
                    return FormStoredSelect;
                }

                return null;

            case IArgumentOperation { Parent: IObjectCreationOperation creation }
                when KnownTypes.Is(creation.Type?.OriginalDefinition, types.List):
                return FormStoredSelect;

            default:
                return null;
        }
    }

    /// <summary>
    /// Task.WhenAll(Sends()) where Sends is a local function or a method of this type that yields one task per
    /// element of a loop: the tasks start as WhenAll enumerates, all at once.
    /// </summary>
    private static void AnalyzeIteratorArguments(OperationAnalysisContext context, IInvocationOperation combinator, KnownTypes types)
    {
        foreach (var argument in combinator.Arguments)
        {
            if (Strip(argument.Value) is not IInvocationOperation call ||
                !types.IsTaskLike(types.ElementType(call.TargetMethod.ReturnType)) ||
                types.IsTaskLike(call.TargetMethod.ReturnType))
            {
                continue;
            }

            var body = IteratorBody(call);
            if (body is null)
            {
                continue;
            }

            foreach (var operation in body.Descendants())
            {
                if (operation is not IReturnOperation { Kind: OperationKind.YieldReturn, ReturnedValue: { } value } ||
                    !types.IsTaskLike(Strip(value)?.Type) ||
                    !Loops.TryGetEnclosingLoop(operation, types.IsPerElementCall, out var loop) ||
                    IsBoundedRepetition(context, loop, types, holder: null) ||
                    ContainsThrottle(loop.Body, types) ||
                    YieldsThrottledCall(value, body, types))
                {
                    continue;
                }

                Report(context, call, "'" + call.TargetMethod.Name + "'", FormIterator, IsObserverSource(LoopSource(loop), types));
                break;
            }
        }
    }

    /// <summary>The body of a local function, or of a method of the calling type declared in the same file.</summary>
    private static IOperation? IteratorBody(IInvocationOperation call)
    {
        var method = call.TargetMethod.OriginalDefinition;
        if (method.MethodKind == MethodKind.LocalFunction)
        {
            IOperation top = call;
            while (top.Parent is not null)
            {
                top = top.Parent;
            }

            foreach (var operation in top.Descendants())
            {
                if (operation is ILocalFunctionOperation local && SymbolEqualityComparer.Default.Equals(local.Symbol, method))
                {
                    return local.Body;
                }
            }

            return null;
        }

        if (method.MethodKind != MethodKind.Ordinary || call.SemanticModel is not { } model ||
            !SymbolEqualityComparer.Default.Equals(method.ContainingType, model.GetEnclosingSymbol(call.Syntax.SpanStart)?.ContainingType))
        {
            return null;
        }

        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == call.Syntax.SyntaxTree)
            {
                return model.GetOperation(reference.GetSyntax());
            }
        }

        return null;
    }

    private static void Report(OperationAnalysisContext context, IOperation operation, string name, string form, bool observers = false, bool fewElements = false)
    {
        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        properties.Add(FormProperty, form);
        var maxConcurrency = RuleOptions.GetInt32(context.Options, operation.Syntax.SyntaxTree, RuleId, MaxConcurrencyOption, 0, min: 1);
        if (maxConcurrency > 0)
        {
            properties.Add(MaxConcurrencyProperty, maxConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // Severity by evidence: a fan-out over the type's own subscribers/handlers is sized by registrations, not by data.
        var severity = Descriptors.PERF002UnboundedTaskSpawning.DefaultSeverity;
        if (observers)
        {
            properties.Add(SourceProperty, SourceObservers);
            severity = DiagnosticSeverity.Info;
        }
        else if (fewElements)
        {
            // A list filled by a few Adds outside loops (issue #18 section 2): provably small.
            properties.Add(SourceProperty, SourceFewElements);
            severity = DiagnosticSeverity.Info;
        }

        severity = TestProjects.LowerInTestCode(severity, context.Options, operation.Syntax.SyntaxTree, context.ContainingSymbol);
        context.ReportDiagnostic(Diagnostic.Create(Descriptors.PERF002UnboundedTaskSpawning, operation.Syntax.GetLocation(), severity, null, properties.ToImmutable(), name));
    }

    private static IOperation? Parent(IOperation operation)
    {
        var parent = operation.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            parent = parent.Parent;
        }

        return parent;
    }

    /// <summary>True when the task is awaited or waited for before the iteration ends.</summary>
    private static bool IsConsumedInIteration(IOperation value, in LoopContext loop, KnownTypes types, int depth)
    {
        if (depth > 4)
        {
            return false;
        }

        var current = value;
        var parent = Parent(current);
        while (true)
        {
            switch (parent)
            {
                case IAwaitOperation:
                    return true;
                case IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure when ReferenceEquals(Strip(configure.Instance), current):
                case IInvocationOperation { TargetMethod.Name: "GetAwaiter" } awaiter when ReferenceEquals(Strip(awaiter.Instance), current):
                    current = parent;
                    parent = Parent(current);
                    continue;
                case IInvocationOperation { TargetMethod.Name: "Wait" or "GetResult" } wait when ReferenceEquals(Strip(wait.Instance), current):
                case IPropertyReferenceOperation { Property.Name: "Result" } result when ReferenceEquals(Strip(result.Instance), current):
                    return true;
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    return IsLocalConsumedInIteration(declarator.Symbol, loop, types, depth);
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when ReferenceEquals(Strip(assignment.Value), current):
                    return IsLocalConsumedInIteration(target.Local, loop, types, depth);
                default:
                    return IsCombinatorArgumentConsumed(parent, loop, types, depth);
            }
        }
    }

    /// <summary>
    /// An argument of Task.WhenAll/WhenAny/WaitAll/WaitAny, directly or through its params array, span or collection
    /// expression: consumed when that call is (WaitAll/WaitAny block, so always).
    /// </summary>
    private static bool IsCombinatorArgumentConsumed(IOperation? parent, in LoopContext loop, KnownTypes types, int depth)
    {
        var outer = parent;
        for (var level = 0; level < 5 && outer is not null and not IInvocationOperation; level++)
        {
            if (outer is IAnonymousFunctionOperation or IBlockOperation or IExpressionStatementOperation or IVariableDeclaratorOperation or IAwaitOperation or IAssignmentOperation)
            {
                return false;
            }

            outer = outer.Parent;
        }

        if (outer is IInvocationOperation combinator && KnownTypes.Is(combinator.TargetMethod.ContainingType, types.Task) &&
            combinator.TargetMethod.Name is "WhenAll" or "WhenAny" or "WaitAll" or "WaitAny")
        {
            return combinator.TargetMethod.Name.StartsWith("Wait", System.StringComparison.Ordinal) ||
                   IsConsumedInIteration(combinator, loop, types, depth + 1);
        }

        return false;
    }

    private static bool IsLocalConsumedInIteration(ILocalSymbol local, in LoopContext loop, KnownTypes types, int depth)
    {
        if (loop.LifetimeSpansIterations(local))
        {
            return false;
        }

        foreach (var operation in loop.Body.Descendants())
        {
            if (operation is ILocalReferenceOperation reference &&
                SymbolEqualityComparer.Default.Equals(reference.Local, local) &&
                IsConsumedInIteration(reference, loop, types, depth + 1))
            {
                return true;
            }
        }

        return false;
    }

    private static IOperation? Strip(IOperation? operation) => operation is null ? null : Loops.Unwrap(operation);

    /// <summary><c>tasks.Add(F(x))</c> into a collection that outlives the iteration, <c>array[i] = F(x)</c>, or <c>_ = F(x)</c>.</summary>
    private static bool IsStoredOrDiscarded(IInvocationOperation call, in LoopContext loop)
    {
        var parent = Parent(call);
        switch (parent)
        {
            case IArgumentOperation { Parent: IInvocationOperation add } when add.TargetMethod.Name == "Add":
                var target = add.Instance ?? (add.Arguments.Length > 1 ? add.Arguments[0].Value : null);
                return target is not null && OutlivesIteration(Loops.Unwrap(target), loop);
            case ISimpleAssignmentOperation assignment when ReferenceEquals(Strip(assignment.Value), call):
                switch (assignment.Target)
                {
                    case IDiscardOperation:
                        return true;
                    case IArrayElementReferenceOperation element:
                        return OutlivesIteration(Loops.Unwrap(element.ArrayReference), loop);
                    case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } instance }:
                        return OutlivesIteration(Loops.Unwrap(instance), loop);
                    default:
                        return false;
                }

            default:
                return false;
        }
    }

    private static bool OutlivesIteration(IOperation target, in LoopContext loop) => target switch
    {
        ILocalReferenceOperation local => loop.LifetimeSpansIterations(local.Local),
        IParameterReferenceOperation parameter => loop.LifetimeSpansIterations(parameter.Parameter),
        IFieldReferenceOperation or IPropertyReferenceOperation => true,
        _ => false,
    };

    /// <summary>
    /// True when the repetition starts a bounded number of tasks: a constant count (the product of the counts of the
    /// nested loops over which <paramref name="holder"/> lives, when it is a collection; of all enclosing loops when
    /// the task escapes) at or below the threshold, a count taken from a concurrency limit, or a chunk.
    /// </summary>
    private static bool IsBoundedRepetition(in OperationAnalysisContext context, in LoopContext loop, KnownTypes types, ISymbol? holder)
    {
        var threshold = RuleOptions.GetInt32(context.Options, loop.Operation.Syntax.SyntaxTree, RuleId, MaxConstantIterationsOption, DefaultMaxConstantIterations, min: 0);
        long product;
        if (Loops.TryGetConstantCount(loop, out var count))
        {
            product = count;
        }
        else if (IsLimitSized(loop, types))
        {
            return true;
        }
        else
        {
            return false;
        }

        if (product > threshold)
        {
            return false;
        }

        // Nested constant loops multiply (5 × 5 tasks into one list), as long as the tasks outlive the outer iteration.
        var inner = loop;
        while (Loops.TryGetEnclosingLoop(inner.Operation, types.IsPerElementCall, out var outer))
        {
            if (holder is not null && (!outer.LifetimeSpansIterations(holder) || JoinsInIteration(outer, holder, types)))
            {
                return true;
            }

            if (!Loops.TryGetConstantCount(outer, out count))
            {
                return holder is null && ContainsJoin(outer.Body, types);
            }

            if (count > threshold)
            {
                return false;
            }

            product *= count;
            if (product > threshold)
            {
                return false;
            }

            inner = outer;
        }

        return true;
    }

    /// <summary>The collection, array or map the task is stored into, when it is one; null when it escapes otherwise.</summary>
    private static ISymbol? Holder(IInvocationOperation call)
    {
        var parent = Parent(call);
        IOperation? target = parent switch
        {
            IArgumentOperation { Parent: IInvocationOperation add } when add.TargetMethod.Name == "Add" =>
                add.Instance ?? (add.Arguments.Length > 1 ? add.Arguments[0].Value : null),
            ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation element } => element.ArrayReference,
            ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } instance } } => instance,
            _ => null,
        };

        return target is null ? null : Strip(target) switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation field => field.Field,
            _ => null,
        };
    }

    /// <summary>The outer iteration waits for the collection (WhenAll/WaitAll over it) before the next one starts.</summary>
    private static bool JoinsInIteration(in LoopContext outer, ISymbol holder, KnownTypes types)
    {
        foreach (var operation in outer.Body.Descendants())
        {
            if (operation is IInvocationOperation call && types.IsCombinator(call.TargetMethod))
            {
                foreach (var argument in call.Arguments)
                {
                    foreach (var part in argument.Value.DescendantsAndSelf())
                    {
                        if (part is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(local.Local, holder) ||
                            part is IFieldReferenceOperation field && SymbolEqualityComparer.Default.Equals(field.Field, holder) ||
                            part is IParameterReferenceOperation parameter && SymbolEqualityComparer.Default.Equals(parameter.Parameter, holder))
                        {
                            return true;
                        }
                    }
                }
            }
        }

        return false;
    }

    private static bool ContainsJoin(IOperation body, KnownTypes types)
    {
        foreach (var operation in body.Descendants())
        {
            if (operation is IAwaitOperation || (operation is IInvocationOperation call && types.IsCombinator(call.TargetMethod)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A loop that keeps at most N tasks in flight by waiting for one with <c>Task.WhenAny</c>/<c>WaitAny</c> before
    /// starting the next.
    /// </summary>
    private static bool ContainsWhenAnyThrottle(IOperation body, KnownTypes types)
    {
        foreach (var operation in body.Descendants())
        {
            if (operation is IInvocationOperation { TargetMethod.Name: "WhenAny" or "WaitAny" } call && types.IsCombinator(call.TargetMethod))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The collection a repetition runs over: the foreach collection or the per-element call's source.</summary>
    private static IOperation? LoopSource(in LoopContext loop)
    {
        if (loop.Loop is IForEachLoopOperation forEach)
        {
            return Loops.Unwrap(forEach.Collection);
        }

        // for (var i = 0; i < _listeners.Length; i++): the collection whose length bounds the index.
        if (loop.Loop is IForLoopOperation { Condition: IBinaryOperation condition } &&
            Loops.Unwrap(condition.RightOperand) is IPropertyReferenceOperation { Property.Name: "Length" or "Count", Instance: { } indexed })
        {
            return Loops.Unwrap(indexed);
        }

        if (loop.PerElementCall is { } call)
        {
            var source = call.Instance ?? (call.Arguments.Length > 0 ? call.Arguments[0].Value : null);
            return source is null ? null : Loops.Unwrap(source);
        }

        return null;
    }

    private static readonly string[] ObserverWords = { "subscriber", "handler", "listener", "observer", "callback", "notifier", "sink", "hook", "plugin", "watcher", "interceptor", "provider" };

    /// <summary>
    /// A field or property of the type holding its subscribers/handlers/listeners: delegates, or services (interfaces,
    /// abstract classes) injected as <c>IEnumerable&lt;T&gt;</c> or named as observers. Their number is set by
    /// registrations, not by data, so a fan-out over them is reported as Info.
    /// </summary>
    private static bool IsObserverSource(IOperation? source, KnownTypes types, int indirection = 0)
    {
        // Elements that are the type's own subscription tokens, wherever the collection comes from (issue #18, eShop).
        if (source is not null && ObserverSources.IsCallbackSubscription(types.ElementType(source.Type)))
        {
            return true;
        }

        // cond ? _factory.A() : _factory.B(): observers only when both branches are (issue #18, Sonarr ReleaseSearchService).
        if (source is IConditionalOperation { WhenFalse: { } whenFalse } conditional)
        {
            return indirection < 3 &&
                   IsObserverSource(Loops.Unwrap(conditional.WhenTrue), types, indirection + 1) &&
                   IsObserverSource(Loops.Unwrap(whenFalse), types, indirection + 1);
        }

        for (var depth = 0; depth < 6 && source is IInvocationOperation call; depth++)
        {
            if (call.TargetMethod.Name == "GetInvocationList")
            {
                return true;
            }

            // _handlers.ToList(), _handlers.Where(...), _handlers.OfType<T>(); an order or a subset of the same elements
            // (jellyfin LyricManager: `_lyricProviders.Where(..).OrderBy(..).ToArray()`).
            if (!KnownTypes.Is(call.TargetMethod.ContainingType, types.Enumerable) ||
                call.TargetMethod.Name is not ("ToList" or "ToArray" or "Where" or "OfType" or "Cast" or "AsEnumerable" or "OrderBy" or
                    "OrderByDescending" or "ThenBy" or "ThenByDescending" or "Distinct" or "Reverse"))
            {
                return ObserverSources.IsObserverGetter(call.TargetMethod.Name) ||
                       ProviderFactories.HandsOutProviders(call, types.ElementType(call.Type));
            }

            source = call.Instance ?? (call.Arguments.Length > 0 ? Loops.Unwrap(call.Arguments[0].Value) : null);
        }

        ISymbol? member;
        ITypeSymbol? declaredType;
        switch (source)
        {
            case IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field:
                member = field.Field;
                declaredType = field.Field.Type;
                break;
            case IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation, Property.Parameters.Length: 0 } property:
                member = property.Property;
                declaredType = property.Property.Type;
                break;
            default:
                // Through a local, a private method's parameter, or another object's handlers (issue #18).
                return source is not null && indirection < 3 &&
                       ObserverSources.IsIndirect(source, types, value => IsObserverSource(value, types, indirection + 1));
        }

        var element = types.ElementType(declaredType);
        if (element is null)
        {
            return false;
        }

        if (element.TypeKind == TypeKind.Delegate)
        {
            return true;
        }

        if (element.TypeKind == TypeKind.Error)
        {
            // A service type the compilation cannot see (a package not restored): the injected form still tells
            // (bitwarden NotificationHubClientProxy: `IEnumerable<INotificationHubClient> _clients = clients`).
            return declaredType is INamedTypeSymbol { OriginalDefinition: var definition } && KnownTypes.Is(definition, types.IEnumerableOfT) &&
                   IsAssignedFromInjectedServices(member);
        }

        if (element.TypeKind != TypeKind.Interface && !element.IsAbstract)
        {
            return false;
        }

        if (declaredType is INamedTypeSymbol named && KnownTypes.Is(named.OriginalDefinition, types.IEnumerableOfT))
        {
            return true;
        }

        var name = member.Name;
        foreach (var word in ObserverWords)
        {
            if (name.IndexOf(word, System.StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }

        return IsAssignedFromInjectedServices(member);
    }

    /// <summary>
    /// The DI shape: <c>_services = services.ToArray();</c> (or <c>.ToList()</c>, or the parameter itself) where
    /// <c>services</c> is a parameter declared as <c>IEnumerable&lt;T&gt;</c>. Read from syntax, in the member's type only.
    /// </summary>
    private static bool IsAssignedFromInjectedServices(ISymbol member)
    {
        // private readonly IFoo[] _foos = foos.ToArray(); with a primary constructor parameter.
        foreach (var reference in member.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: { } initial } declarator &&
                InjectedParameterName(initial) is { } injected && IsEnumerableParameter(declarator, injected))
            {
                return true;
            }
        }

        foreach (var typeReference in member.ContainingType.DeclaringSyntaxReferences)
        {
            foreach (var node in typeReference.GetSyntax().DescendantNodes())
            {
                if (node is not AssignmentExpressionSyntax assignment ||
                    TargetName(assignment.Left) != member.Name)
                {
                    continue;
                }

                if (InjectedParameterName(assignment.Right) is { } injected && IsEnumerableParameter(assignment, injected))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary><c>services</c>, <c>services.ToArray()</c>, <c>services.ToList()</c>: the identifier, else null.</summary>
    private static string? InjectedParameterName(ExpressionSyntax value)
    {
        // services.ToArray(), also a subset or an order of them first (smartstore HybridCacheManager:
        // `_stores = stores.Distinct().OrderBy(x => x.IsDistributed).ToArray()`, issue #18).
        for (var depth = 0; depth < 8 && value is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } call; depth++)
        {
            var arguments = call.ArgumentList.Arguments.Count;
            var kept = access.Name.Identifier.ValueText switch
            {
                "ToArray" or "ToList" or "ToImmutableArray" or "Distinct" or "Reverse" or "AsEnumerable" => arguments == 0,
                "Where" or "OrderBy" or "OrderByDescending" or "ThenBy" or "ThenByDescending" => arguments == 1,
                _ => access.Name is GenericNameSyntax { Identifier.ValueText: "OfType" or "Cast" } && arguments == 0,
            };

            if (!kept)
            {
                return null;
            }

            value = access.Expression;
        }

        return value is IdentifierNameSyntax identifier ? identifier.Identifier.ValueText : null;
    }

    private static string? TargetName(ExpressionSyntax target) => target switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access => access.Name.Identifier.ValueText,
        _ => null,
    };

    private static bool IsEnumerableParameter(SyntaxNode site, string name)
    {
        for (var node = site.Parent; node is not null and not TypeDeclarationSyntax; node = node.Parent)
        {
            var parameters = node switch
            {
                BaseMethodDeclarationSyntax method => method.ParameterList,
                _ => null,
            };

            if (parameters is null)
            {
                continue;
            }

            foreach (var parameter in parameters.Parameters)
            {
                if (parameter.Identifier.ValueText == name &&
                    parameter.Type is GenericNameSyntax { Identifier.ValueText: "IEnumerable" } or QualifiedNameSyntax { Right: GenericNameSyntax { Identifier.ValueText: "IEnumerable" } })
                {
                    return true;
                }
            }

            return false;
        }

        // A primary constructor's parameter list sits on the type declaration.
        if (site.FirstAncestorOrSelf<TypeDeclarationSyntax>() is { } type &&
            type.ChildNodes().OfType<ParameterListSyntax>().FirstOrDefault() is { } primary)
        {
            foreach (var parameter in primary.Parameters)
            {
                if (parameter.Identifier.ValueText == name && parameter.Type is GenericNameSyntax { Identifier.ValueText: "IEnumerable" })
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// A worker loop: the started delegate (or the task-returning method) loops over a channel reader or a
    /// <c>BlockingCollection</c>. Workers that share one queue are a pool, bounded by their count whatever it is.
    /// </summary>
    private static bool StartsConsumer(IInvocationOperation invocation, bool isSpawn, KnownTypes types)
    {
        if (types.ChannelReader is null && types.BlockingCollection is null)
        {
            return false;
        }

        if (!isSpawn)
        {
            return IsConsumerMethod(invocation, invocation.TargetMethod, types);
        }

        // Task.Run(work), StartNew(work), QueueUserWorkItem(work), new Thread(work).Start().
        IOperation? work = null;
        if (invocation.TargetMethod.Name is "Start" or "UnsafeStart" && Strip(invocation.Instance) is IObjectCreationOperation { Arguments.Length: > 0 } thread)
        {
            work = thread.Arguments[0].Value;
        }
        else
        {
            foreach (var argument in invocation.Arguments)
            {
                if (argument.Parameter?.Type.TypeKind == TypeKind.Delegate)
                {
                    work = argument.Value;
                    break;
                }
            }
        }

        while (work is IConversionOperation or IDelegateCreationOperation)
        {
            work = work is IConversionOperation conversion ? conversion.Operand : ((IDelegateCreationOperation)work).Target;
        }

        switch (work)
        {
            case IAnonymousFunctionOperation lambda:
                if (IsConsumerBody(lambda.Body, types))
                {
                    return true;
                }

                // () => ConsumeAsync(ct): one call to a consumer method.
                foreach (var operation in lambda.Body.Descendants())
                {
                    if (operation is IInvocationOperation call && IsConsumerMethod(invocation, call.TargetMethod, types))
                    {
                        return true;
                    }
                }

                return false;
            case IMethodReferenceOperation reference:
                return IsConsumerMethod(invocation, reference.Method, types);
            default:
                return false;
        }
    }

    private static bool IsConsumerMethod(IOperation site, IMethodSymbol method, KnownTypes types)
    {
        if (site.SemanticModel is not { } model)
        {
            return false;
        }

        foreach (var reference in method.OriginalDefinition.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == site.Syntax.SyntaxTree &&
                model.GetOperation(reference.GetSyntax()) is { } body &&
                IsConsumerBody(body, types))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A loop that reads a ChannelReader or a BlockingCollection.</summary>
    private static bool IsConsumerBody(IOperation body, KnownTypes types)
    {
        foreach (var operation in body.Descendants())
        {
            if (operation is ILoopOperation loop)
            {
                foreach (var part in loop.DescendantsAndSelf())
                {
                    if (part is IInvocationOperation call && IsQueueRead(call.TargetMethod, types))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static bool IsQueueRead(IMethodSymbol method, KnownTypes types)
    {
        var type = method.ContainingType?.OriginalDefinition;
        return (KnownTypes.Is(type, types.ChannelReader) && method.Name is "ReadAllAsync" or "ReadAsync" or "WaitToReadAsync" or "TryRead") ||
               (KnownTypes.Is(type, types.BlockingCollection) && method.Name is "GetConsumingEnumerable" or "Take" or "TryTake");
    }

    /// <summary>
    /// A loop whose count comes from a concurrency limit: <c>for (...; i &lt; limit; ...)</c>,
    /// <c>foreach (var i in Enumerable.Range(0, limit))</c>, where the limit is <c>Environment.ProcessorCount</c>, an
    /// option or setting, or arithmetic on them (see <see cref="IsLimit"/>).
    /// </summary>
    private static bool IsLimitSized(in LoopContext loop, KnownTypes types)
    {
        switch (loop.Loop)
        {
            case IForEachLoopOperation forEach:
                var collection = Loops.Unwrap(forEach.Collection);
                return IsLimitRange(collection, types) || IsChunk(collection);
            case IForLoopOperation { Condition: IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual } condition }:
                return IsVariableLimit(condition.RightOperand, types);
            case IWhileLoopOperation { Condition: IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual } condition }:
                // while (workers.Count < limit)
                return IsVariableLimit(condition.RightOperand, types);
            case null when loop.PerElementCall is { } call:
                var source = call.Instance ?? (call.Arguments.Length > 0 ? call.Arguments[0].Value : null);
                return source is not null && (IsChunk(Loops.Unwrap(source)) || IsLimitRange(Loops.Unwrap(source), types));
            default:
                return false;
        }
    }

    /// <summary><c>Enumerable.Range(start, limit)</c> (or <c>Repeat(x, limit)</c>) with a limit as its count.</summary>
    private static bool IsLimitRange(IOperation collection, KnownTypes types)
    {
        if (collection is IInvocationOperation { TargetMethod.Name: "Range" or "Repeat" } range &&
            KnownTypes.Is(range.TargetMethod.ContainingType, types.Enumerable))
        {
            foreach (var argument in range.Arguments)
            {
                if (argument.Parameter?.Ordinal == 1 && IsVariableLimit(argument.Value, types))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>A limit that is not a compile-time constant (constants are judged by <c>max_constant_iterations</c>).</summary>
    private static bool IsVariableLimit(IOperation operation, KnownTypes types) =>
        !operation.ConstantValue.HasValue && IsLimit(operation, types, 0);

    private static readonly string[] SettingsTypeSuffixes = { "Options", "Settings", "Setting", "Config", "Configuration", "Parameters" };

    /// <summary>
    /// A value that is a concurrency limit rather than a data count: <c>Environment.ProcessorCount</c>; a member of an
    /// options/settings/configuration type (<c>_options.Value.WorkerCount</c>), <c>IConfiguration</c>'s
    /// <c>GetValue</c>; a readonly or constant integer field; constants; arithmetic, <c>Math.Min</c> (either side) and
    /// <c>Math.Max</c> (both sides) on them; a local whose every assignment is one; a parameterless private method of
    /// this type returning one.
    /// </summary>
    private static bool IsLimit(IOperation operation, KnownTypes types, int depth)
    {
        if (depth > 6)
        {
            return false;
        }

        operation = Loops.Unwrap(operation);
        if (operation.ConstantValue.HasValue)
        {
            return true;
        }

        switch (operation)
        {
            case IConversionOperation conversion:
                return IsLimit(conversion.Operand, types, depth + 1);
            case IPropertyReferenceOperation { Property.Name: "ProcessorCount" } property when KnownTypes.Is(property.Property.ContainingType, types.Environment):
                return true;
            case IPropertyReferenceOperation property:
                return IsSettingsMember(property.Property.ContainingType, property.Instance);
            case IFieldReferenceOperation field:
                return (field.Field.IsReadOnly && field.Field.Type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64) ||
                       IsSettingsMember(field.Field.ContainingType, field.Instance);
            case IBinaryOperation binary when binary.OperatorKind is BinaryOperatorKind.Add or BinaryOperatorKind.Subtract or BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide or BinaryOperatorKind.RightShift or BinaryOperatorKind.LeftShift:
                return IsLimit(binary.LeftOperand, types, depth + 1) && IsLimit(binary.RightOperand, types, depth + 1);
            case ICoalesceOperation coalesce:
                return IsLimit(coalesce.Value, types, depth + 1) && IsLimit(coalesce.WhenNull, types, depth + 1);
            case IConditionalOperation { WhenFalse: { } whenFalse } conditional:
                return IsLimit(conditional.WhenTrue, types, depth + 1) && IsLimit(whenFalse, types, depth + 1);
            case IInvocationOperation call:
                return IsLimitCall(call, types, depth);
            case ILocalReferenceOperation local:
                return IsLimitLocal(local, types, depth);
            default:
                return false;
        }
    }

    private static bool IsLimitCall(IInvocationOperation call, KnownTypes types, int depth)
    {
        var method = call.TargetMethod;
        if (method.ContainingType is { Name: "Math", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } && call.Arguments.Length == 2)
        {
            var left = IsLimit(call.Arguments[0].Value, types, depth + 1);
            var right = IsLimit(call.Arguments[1].Value, types, depth + 1);
            return method.Name switch
            {
                "Min" => left || right,
                "Max" or "Clamp" => left && right,
                _ => false,
            };
        }

        if (method.Name is "Clamp" && method.ContainingType is { Name: "Math" } && call.Arguments.Length == 3)
        {
            return IsLimit(call.Arguments[2].Value, types, depth + 1);
        }

        // configuration.GetValue<int>("Workers"), options.Get(...).X handled as members.
        if (method.Name is "GetValue" or "Get" or "GetSection" && method.ContainingType is { } configType &&
            (configType.Name.Contains("Configuration") || IsExtensionOnConfiguration(method)))
        {
            return true;
        }

        // int WorkerCount() => Math.Max(1, Environment.ProcessorCount / 2); in this type, private, parameterless.
        if (method.Parameters.Length == 0 && method.DeclaredAccessibility == Accessibility.Private && call.SemanticModel is { } model)
        {
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree != call.Syntax.SyntaxTree || model.GetOperation(reference.GetSyntax()) is not { } body)
                {
                    continue;
                }

                var returns = 0;
                foreach (var operation in body.Descendants())
                {
                    if (operation is IReturnOperation { ReturnedValue: { } value })
                    {
                        if (!IsLimit(value, types, depth + 2))
                        {
                            return false;
                        }

                        returns++;
                    }
                }

                return returns > 0;
            }
        }

        return false;
    }

    private static bool IsExtensionOnConfiguration(IMethodSymbol method) =>
        method.IsExtensionMethod && method.Parameters.Length > 0 && method.Parameters[0].Type.Name.Contains("Configuration");

    /// <summary>A member of an options/settings/configuration type, or read through an instance of one (<c>_options.Value.Workers</c>).</summary>
    private static bool IsSettingsMember(INamedTypeSymbol? containingType, IOperation? instance)
    {
        if (HasSettingsName(containingType))
        {
            return true;
        }

        // items.Count is a data count even when items hangs off an options object.
        if (containingType is not null && containingType.AllInterfaces.Length > 0 && containingType.SpecialType == SpecialType.None &&
            containingType.ContainingNamespace?.ToDisplayString() is "System.Collections.Generic" or "System.Collections.Immutable" or "System")
        {
            return false;
        }

        for (var depth = 0; depth < 3 && instance is not null; depth++)
        {
            instance = Loops.Unwrap(instance);
            if (HasSettingsName(instance.Type as INamedTypeSymbol))
            {
                return true;
            }

            instance = (instance as IMemberReferenceOperation)?.Instance;
        }

        return false;
    }

    private static bool HasSettingsName(INamedTypeSymbol? type)
    {
        if (type is null)
        {
            return false;
        }

        // IOptions<T>, IOptionsMonitor<T>, IOptionsSnapshot<T>: their Value/CurrentValue is T.
        var name = type.Name;
        if (name.StartsWith("IOptions", System.StringComparison.Ordinal))
        {
            return true;
        }

        foreach (var suffix in SettingsTypeSuffixes)
        {
            if (name.EndsWith(suffix, System.StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A local whose declaration and every assignment in the method are limits.</summary>
    private static bool IsLimitLocal(ILocalReferenceOperation reference, KnownTypes types, int depth) =>
        EveryValueOfLocal(reference, value => IsLimit(value, types, depth + 1), rejectGrowth: false);

    /// <summary>
    /// True when <paramref name="reference"/>'s local is given a value at least once in its method (initializer or simple
    /// assignment) and every such value is accepted; never passed by <c>ref</c>/<c>out</c>, and, with
    /// <paramref name="rejectGrowth"/>, never grown in place (<c>Add*</c>, <c>Insert</c>, <c>Push</c>, <c>Enqueue</c>).
    /// </summary>
    private static bool EveryValueOfLocal(ILocalReferenceOperation reference, System.Func<IOperation, bool> accepts, bool rejectGrowth)
    {
        IOperation top = reference;
        while (top.Parent is not null)
        {
            top = top.Parent;
        }

        var values = 0;
        foreach (var operation in top.Descendants())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, reference.Local):
                    var initializer = declarator.Initializer ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer;
                    if (initializer is not null)
                    {
                        if (!accepts(initializer.Value))
                        {
                            return false;
                        }

                        values++;
                    }

                    break;
                case IAssignmentOperation assignment when assignment.Target is ILocalReferenceOperation target && SymbolEqualityComparer.Default.Equals(target.Local, reference.Local):
                    if (assignment is not ISimpleAssignmentOperation simple || !accepts(simple.Value))
                    {
                        return false;
                    }

                    values++;
                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out, Value: ILocalReferenceOperation passed }
                    when SymbolEqualityComparer.Default.Equals(passed.Local, reference.Local):
                    return false;
                case IInvocationOperation { Instance: ILocalReferenceOperation grown } call
                    when rejectGrowth && SymbolEqualityComparer.Default.Equals(grown.Local, reference.Local) &&
                         (call.TargetMethod.Name.StartsWith("Add", System.StringComparison.Ordinal) ||
                          call.TargetMethod.Name is "Insert" or "InsertRange" or "Push" or "Enqueue"):
                    return false; // a list that grows after the cut
            }
        }

        return values > 0;
    }

    /// <summary>The iteration variable of an enclosing <c>foreach (var chunk in xs.Chunk(n))</c>: at most n elements.</summary>
    private static bool IsChunk(IOperation collection)
    {
        if (collection is not ILocalReferenceOperation reference)
        {
            return false;
        }

        for (var parent = collection.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is IForEachLoopOperation forEach)
            {
                foreach (var local in forEach.Locals)
                {
                    if (SymbolEqualityComparer.Default.Equals(local, reference.Local))
                    {
                        return Loops.Unwrap(forEach.Collection) is IInvocationOperation { TargetMethod.Name: "Chunk" };
                    }
                }
            }
        }

        return false;
    }

    private static IOperation Root(IOperation operation)
    {
        while (operation.Parent is not null)
        {
            operation = operation.Parent;
        }

        return operation;
    }

    /// <summary>A yielded or stored call to a local function (of the iterator, or of the method) that waits for a slot: the fix's <c>Throttled(() =&gt; F(x))</c>.</summary>
    private static bool YieldsThrottledCall(IOperation value, IOperation iterator, KnownTypes types)
    {
        if (Strip(value) is not IInvocationOperation { TargetMethod.MethodKind: MethodKind.LocalFunction } call)
        {
            return false;
        }

        foreach (var operation in iterator.Descendants())
        {
            if (operation is ILocalFunctionOperation { Body: { } body } local &&
                SymbolEqualityComparer.Default.Equals(local.Symbol, call.TargetMethod.OriginalDefinition))
            {
                return ContainsThrottle(body, types);
            }
        }

        return false;
    }

    private static bool ContainsThrottle(IOperation body, KnownTypes types)
    {
        foreach (var operation in body.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation call && types.IsThrottle(call.TargetMethod))
            {
                return true;
            }
        }

        return false;
    }
}
