using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
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
public sealed class PERF002UnboundedTaskSpawningAnalyzer : DiagnosticAnalyzer
{
    internal const string RuleId = "PERF002";

    internal const string MaxConstantIterationsOption = "max_constant_iterations";
    internal const int DefaultMaxConstantIterations = 8;

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

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.PERF002UnboundedTaskSpawning);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
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

        public static bool Is(ITypeSymbol? type, INamedTypeSymbol? known) =>
            known is not null && SymbolEqualityComparer.Default.Equals(type, known);
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, KnownTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;

        if (method.Name == "Select" && KnownTypes.Is(method.ContainingType, types.Enumerable))
        {
            AnalyzeSelect(context, invocation, types);
            return;
        }

        var spawn = types.SpawnName(method);
        if (spawn is null && !types.IsTaskLike(method.ReturnType))
        {
            return;
        }

        if (!Loops.TryGetEnclosingLoop(invocation, types.IsPerElementCall, out var loop))
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

        if (IsBoundedRepetition(context, loop, types) || ContainsThrottle(loop.Body, types))
        {
            return;
        }

        Report(context, invocation, name, form);
    }

    private static void AnalyzeSelect(OperationAnalysisContext context, IInvocationOperation select, KnownTypes types)
    {
        if (select.Arguments.Length != 2 || !types.IsTaskLike(select.TargetMethod.ReturnType is INamedTypeSymbol { TypeArguments.Length: 1 } sequence ? sequence.TypeArguments[0] : null))
        {
            return;
        }

        // What consumes the sequence of tasks: WhenAll/WhenAny/WaitAll/WaitAny, or ToList/ToArray.
        var consumer = Parent(select);
        string? form = null;
        if (consumer is IArgumentOperation { Parent: IInvocationOperation call })
        {
            var name = call.TargetMethod.Name;
            if (KnownTypes.Is(call.TargetMethod.ContainingType, types.Task) && name is "WhenAll" or "WhenAny" or "WaitAll" or "WaitAny")
            {
                form = FormWhenAllSelect;
            }
            else if (KnownTypes.Is(call.TargetMethod.ContainingType, types.Enumerable) && name is "ToList" or "ToArray")
            {
                form = FormMaterializedSelect;
            }
        }

        if (form is null)
        {
            return;
        }

        var source = Loops.Unwrap(select.Arguments[0].Value);
        var threshold = RuleOptions.GetInt32(context.Options, select.Syntax.SyntaxTree, RuleId, MaxConstantIterationsOption, DefaultMaxConstantIterations, min: 0);
        if ((Loops.TryGetCollectionCount(source, out var count) && count <= threshold) ||
            IsProcessorCountRange(source, types) ||
            IsChunk(source) ||
            ContainsThrottle(select.Arguments[1].Value, types))
        {
            return;
        }

        Report(context, select, "Select", form);
    }

    private static void Report(OperationAnalysisContext context, IOperation operation, string name, string form)
    {
        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        properties.Add(FormProperty, form);
        var maxConcurrency = RuleOptions.GetInt32(context.Options, operation.Syntax.SyntaxTree, RuleId, MaxConcurrencyOption, 0, min: 1);
        if (maxConcurrency > 0)
        {
            properties.Add(MaxConcurrencyProperty, maxConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        context.ReportDiagnostic(Diagnostic.Create(Descriptors.PERF002UnboundedTaskSpawning, operation.Syntax.GetLocation(), properties.ToImmutable(), name));
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

    private static bool IsBoundedRepetition(in OperationAnalysisContext context, in LoopContext loop, KnownTypes types)
    {
        var threshold = RuleOptions.GetInt32(context.Options, loop.Operation.Syntax.SyntaxTree, RuleId, MaxConstantIterationsOption, DefaultMaxConstantIterations, min: 0);
        if (Loops.HasConstantCountAtMost(loop, threshold))
        {
            return true;
        }

        switch (loop.Loop)
        {
            case IForEachLoopOperation forEach:
                var collection = Loops.Unwrap(forEach.Collection);
                return IsProcessorCountRange(collection, types) || IsChunk(collection);
            case IForLoopOperation { Condition: IBinaryOperation condition }:
                return IsProcessorCount(condition.RightOperand, types);
            case null when loop.PerElementCall is { } call:
                var source = call.Instance ?? (call.Arguments.Length > 0 ? call.Arguments[0].Value : null);
                return source is not null && IsChunk(Loops.Unwrap(source));
            default:
                return false;
        }
    }

    private static bool IsProcessorCount(IOperation operation, KnownTypes types) =>
        Loops.Unwrap(operation) is IPropertyReferenceOperation { Property.Name: "ProcessorCount" } property &&
        KnownTypes.Is(property.Property.ContainingType, types.Environment);

    /// <summary><c>Enumerable.Range(start, Environment.ProcessorCount)</c>.</summary>
    private static bool IsProcessorCountRange(IOperation collection, KnownTypes types)
    {
        if (collection is IInvocationOperation { TargetMethod.Name: "Range" } range &&
            KnownTypes.Is(range.TargetMethod.ContainingType, types.Enumerable))
        {
            foreach (var argument in range.Arguments)
            {
                if (argument.Parameter?.Ordinal == 1 && IsProcessorCount(argument.Value, types))
                {
                    return true;
                }
            }
        }

        return false;
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
