using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.Common;

namespace PerfAnalyzers.Rules;

/// <summary>
/// PERF007: a queue or mailbox created without a capacity: <c>Channel.CreateUnbounded&lt;T&gt;()</c>,
/// <c>new BlockingCollection&lt;T&gt;()</c> without a bounded capacity, and TPL Dataflow blocks without
/// <c>BoundedCapacity</c> (or with <c>DataflowBlockOptions.Unbounded</c>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PERF007UnboundedQueueAnalyzer : DiagnosticAnalyzer
{
    internal const string RuleId = "PERF007";

    /// <summary>Diagnostic property: the capacity the fix writes (from <c>perf_analyzers.default_queue_capacity</c>).</summary>
    internal const string CapacityProperty = "Capacity";

    /// <summary>Diagnostic property: which kind of creation was found (one of the <c>Kind*</c> values).</summary>
    internal const string KindProperty = "Kind";

    internal const string KindChannel = "Channel";
    internal const string KindBlockingCollection = "BlockingCollection";
    internal const string KindDataflowBlock = "DataflowBlock";

    /// <summary>Diagnostic property, dataflow only: set when the options exist and only <c>BoundedCapacity</c> must change or be added.</summary>
    internal const string HasOptionsProperty = "HasOptions";

    internal const string CapacityOption = "default_queue_capacity";
    internal const int DefaultCapacity = 1024;

    /// <summary><c>DataflowBlockOptions.Unbounded</c>.</summary>
    private const int DataflowUnbounded = -1;

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.PERF007UnboundedQueue);

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
        // In a test project a queue is a test double: not reported (the rule is Info already; nothing lower would show).
        if (TestProjects.IsTestProject(context.Options))
        {
            return;
        }

        var compilation = context.Compilation;
        var channel = compilation.GetTypeByMetadataName("System.Threading.Channels.Channel");
        var blockingCollection = compilation.GetTypeByMetadataName("System.Collections.Concurrent.BlockingCollection`1");
        var blockOptions = compilation.GetTypeByMetadataName("System.Threading.Tasks.Dataflow.DataflowBlockOptions");
        var blocks = ImmutableHashSet.CreateBuilder<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        if (blockOptions is not null)
        {
            foreach (var name in new[] { "BufferBlock`1", "ActionBlock`1", "TransformBlock`2", "TransformManyBlock`2", "BatchBlock`1" })
            {
                if (compilation.GetTypeByMetadataName("System.Threading.Tasks.Dataflow." + name) is { } block)
                {
                    blocks.Add(block);
                }
            }
        }

        var known = new KnownTypes(channel, blockingCollection, blockOptions, blocks.ToImmutable());
        if (channel is not null)
        {
            context.RegisterOperationAction(c => AnalyzeInvocation(c, known), OperationKind.Invocation);
        }

        if (blockingCollection is not null || known.Blocks.Count > 0)
        {
            context.RegisterOperationAction(c => AnalyzeCreation(c, known), OperationKind.ObjectCreation);
        }
    }

    private sealed class KnownTypes(INamedTypeSymbol? channel, INamedTypeSymbol? blockingCollection, INamedTypeSymbol? blockOptions, ImmutableHashSet<INamedTypeSymbol> blocks)
    {
        public INamedTypeSymbol? Channel { get; } = channel;

        public INamedTypeSymbol? BlockingCollection { get; } = blockingCollection;

        public INamedTypeSymbol? BlockOptions { get; } = blockOptions;

        public ImmutableHashSet<INamedTypeSymbol> Blocks { get; } = blocks;
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, KnownTypes known)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (method.Name != "CreateUnbounded" || !SymbolEqualityComparer.Default.Equals(method.ContainingType, known.Channel))
        {
            return;
        }

        var display = "Channel.CreateUnbounded<" + Display(method.TypeArguments) + ">";
        Report(context, invocation.Syntax, display, KindChannel, hasOptions: false);
    }

    private static void AnalyzeCreation(OperationAnalysisContext context, KnownTypes known)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (creation.Type is not INamedTypeSymbol { IsGenericType: true } type || creation.Constructor is not { } constructor)
        {
            return;
        }

        var definition = type.OriginalDefinition;
        if (SymbolEqualityComparer.Default.Equals(definition, known.BlockingCollection))
        {
            foreach (var parameter in constructor.Parameters)
            {
                if (parameter.Name == "boundedCapacity")
                {
                    return;
                }
            }

            Report(context, creation.Syntax, "new BlockingCollection<" + Display(type.TypeArguments) + ">", KindBlockingCollection, hasOptions: false);
            return;
        }

        if (!known.Blocks.Contains(definition))
        {
            return;
        }

        IOperation? options = null;
        foreach (var argument in creation.Arguments)
        {
            if (argument.Parameter is { } parameter && IsBlockOptions(parameter.Type, known.BlockOptions!))
            {
                options = argument.ArgumentKind == ArgumentKind.DefaultValue ? null : argument.Value;
            }
        }

        var display = "new " + type.Name + "<" + Display(type.TypeArguments) + ">";
        if (options is null)
        {
            Report(context, creation.Syntax, display, KindDataflowBlock, hasOptions: false);
            return;
        }

        // Only options written in place can be judged; a variable or a call may well be bounded.
        if (Loops.Unwrap(options) is not IObjectCreationOperation optionsCreation)
        {
            return;
        }

        if (optionsCreation.Initializer is { } initializer)
        {
            foreach (var member in initializer.Initializers)
            {
                if (member is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "BoundedCapacity" } } assignment)
                {
                    var value = assignment.Value.ConstantValue;
                    if (value.HasValue && value.Value is int capacity && capacity == DataflowUnbounded)
                    {
                        Report(context, creation.Syntax, display, KindDataflowBlock, hasOptions: true);
                    }

                    return;
                }
            }
        }

        Report(context, creation.Syntax, display, KindDataflowBlock, hasOptions: true);
    }

    private static bool IsBlockOptions(ITypeSymbol type, INamedTypeSymbol blockOptions)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, blockOptions))
            {
                return true;
            }
        }

        return false;
    }

    private static string Display(ImmutableArray<ITypeSymbol> typeArguments)
    {
        var parts = new string[typeArguments.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = typeArguments[i].ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
        }

        return string.Join(", ", parts);
    }

    private static void Report(OperationAnalysisContext context, SyntaxNode syntax, string display, string kind, bool hasOptions)
    {
        if (TestProjects.IsTestCode(context.Options, syntax.SyntaxTree))
        {
            return;
        }

        var capacity = RuleOptions.GetInt32(context.Options, syntax.SyntaxTree, RuleId, CapacityOption, DefaultCapacity, min: 1);
        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        properties.Add(CapacityProperty, capacity.ToString(CultureInfo.InvariantCulture));
        properties.Add(KindProperty, kind);
        if (hasOptions)
        {
            properties.Add(HasOptionsProperty, "true");
        }

        context.ReportDiagnostic(Diagnostic.Create(Descriptors.PERF007UnboundedQueue, syntax.GetLocation(), properties.ToImmutable(), display));
    }
}
