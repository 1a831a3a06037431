using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.Common;

namespace PerfAnalyzers.Rules;

/// <summary>
/// PERF009 findings that are true but whose cost the code shows to be small (issue #18, section 2: warnings only where the
/// problem can be large). They are reported at Info with the same ID and fix.
/// </summary>
public sealed partial class PERF009IntermediateCollectionAnalyzer
{
    /// <summary>The element count up to which a source counts as small: the constant fan-out limit of issue #18.</summary>
    internal const int SmallSourceLimit = 64;

    /// <summary>
    /// The source is provably small, the code runs once at startup, or the materialisation is a plain copy of a collection
    /// held in a field or property that a <c>foreach</c> walks (a snapshot of shared state).
    /// </summary>
    private static bool IsHarmless(IOperation source, IInvocationOperation? consumer, ISymbol containingSymbol) =>
        IsProvablySmall(source) || IsStartupCode(containingSymbol) || (consumer is null && IsMemberSnapshot(source));

    /// <summary>
    /// At most <see cref="SmallSourceLimit"/> elements: a constant-size array literal, <c>Enum.GetValues</c>/
    /// <c>GetNames</c>, a <c>readonly</c> array field with literal elements, or anything cut by <c>Take(k)</c> with a constant
    /// k — through operators that never yield more elements than they read (not <c>SelectMany</c>, <c>Concat</c>, joins, ...).
    /// </summary>
    private static bool IsProvablySmall(IOperation source)
    {
        var current = (IOperation?)source;
        for (var depth = 0; current is not null && depth < 32; depth++)
        {
            switch (current)
            {
                case IConversionOperation conversion:
                    current = conversion.Operand;
                    continue;
                case IParenthesizedOperation parenthesized:
                    current = parenthesized.Operand;
                    continue;
                case IInvocationOperation call when IsLinqOperator(call.TargetMethod):
                    var name = call.TargetMethod.Name;
                    if (name == "Take" && call.Arguments.Length == 2 && call.Arguments[1].Value.ConstantValue is { HasValue: true, Value: int k })
                    {
                        return k <= SmallSourceLimit;
                    }

                    if (!IsNonExpanding(name))
                    {
                        return false;
                    }

                    current = SourceArgument(call);
                    continue;
                case IInvocationOperation { TargetMethod: { Name: "GetValues" or "GetNames" or "GetValuesAsUnderlyingType", ContainingType.SpecialType: SpecialType.System_Enum } }:
                    return true;
                case IArrayCreationOperation { Initializer: { } initializer }:
                    return initializer.ElementValues.Length <= SmallSourceLimit;
                case IFieldReferenceOperation field:
                    return ConstantLengthFields.TryGetCount(field.Field, out var count) && count <= SmallSourceLimit;
                default:
                    return false;
            }
        }

        return false;
    }

    /// <summary>Enumerable operators whose output has at most as many elements as their (first) source.</summary>
    private static bool IsNonExpanding(string name) =>
        name is "Where" or "Select" or "OfType" or "Cast" or "Distinct" or "DistinctBy" or "OrderBy" or "OrderByDescending"
            or "ThenBy" or "ThenByDescending" or "Order" or "OrderDescending" or "Reverse" or "Skip" or "SkipWhile" or "TakeWhile"
            or "SkipLast" or "TakeLast" or "GroupBy" or "ToList" or "ToArray" or "ToHashSet" or "AsEnumerable" or "Except"
            or "ExceptBy" or "Intersect" or "IntersectBy";

    /// <summary>
    /// Registration code that runs once at startup: the method receives a service collection, container builder, model
    /// builder or application builder (smartstore <c>ConfigureContainer(ContainerBuilder, ...)</c>, EF Core
    /// <c>OnModelCreating(ModelBuilder)</c>). The collections it builds are built once per process.
    /// </summary>
    private static bool IsStartupCode(ISymbol containingSymbol)
    {
        if (containingSymbol is not IMethodSymbol method)
        {
            return false;
        }

        foreach (var parameter in method.Parameters)
        {
            // By name: the types are in packages a project may not resolve (Autofac), and an unresolved type keeps its name.
            if (parameter.Type.Name is "IServiceCollection" or "ContainerBuilder" or "ModelBuilder" or "IApplicationBuilder"
                or "WebApplicationBuilder" or "IHostBuilder" or "IHostApplicationBuilder" or "IEndpointRouteBuilder")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <c>foreach (var child in Children.ToList())</c>: a plain copy (no operator before it) of a collection held in a field
    /// or property. The copy is the only effect, and it is what makes the loop safe when another thread or a callee changes
    /// the collection meanwhile (jellyfin <c>Folder.GetActualChildrenDictionary</c>): a snapshot, cheap next to the loop.
    /// </summary>
    private static bool IsMemberSnapshot(IOperation source)
    {
        while (source is IConversionOperation or IParenthesizedOperation)
        {
            source = source is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)source).Operand;
        }

        return source is IFieldReferenceOperation or IPropertyReferenceOperation;
    }
}
