using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.Common;

namespace PerfAnalyzers.Rules;

public sealed partial class PERF002UnboundedTaskSpawningAnalyzer
{
    /// <summary>
    /// True when the source of a fan-out is cut to a small constant count: <c>Take(k)</c> with a constant k at or below
    /// the threshold, followed only by operators that do not add elements (<c>Where</c>, <c>OrderBy</c>, <c>Select</c>,
    /// <c>ToArray</c>, ...), directly or in the value of a local every write of which is such a sequence (bitwarden's
    /// <c>links = ...?.Take(_maxRetrievedIcons).ToArray() ?? Array.Empty&lt;IconLink&gt;()</c>, issue #13).
    /// </summary>
    private static bool IsCutByConstantTake(IOperation? source, long threshold, int depth)
    {
        if (source is null || depth > 12)
        {
            return false;
        }

        source = Loops.Unwrap(source);
        while (source is IConversionOperation conversion)
        {
            source = Loops.Unwrap(conversion.Operand);
        }

        switch (source)
        {
            case ICoalesceOperation coalesce:
                return IsCutByConstantTake(coalesce.Value, threshold, depth + 1) && IsSmallOrEmpty(coalesce.WhenNull, threshold, depth + 1);

            case IConditionalAccessOperation access:
                return IsCutByConstantTake(access.WhenNotNull, threshold, depth + 1);

            case IConditionalOperation conditional when conditional.WhenFalse is not null:
                return IsSmallOrEmpty(conditional.WhenTrue, threshold, depth + 1) && IsSmallOrEmpty(conditional.WhenFalse, threshold, depth + 1);

            case IInvocationOperation call when call.TargetMethod.ContainingType is { Name: "Enumerable", ContainingNamespace: { Name: "Linq", ContainingNamespace.Name: "System" } }:
                if (call.TargetMethod.Name == "Take" && call.Arguments.Length == 2 &&
                    call.Arguments[1].Value.ConstantValue is { HasValue: true, Value: int taken } && taken <= threshold)
                {
                    return true;
                }

                return call.TargetMethod.Name is "Take" or "Where" or "Select" or "OrderBy" or "OrderByDescending" or "ThenBy"
                           or "ThenByDescending" or "Distinct" or "DistinctBy" or "Skip" or "Reverse" or "AsEnumerable"
                           or "ToArray" or "ToList" or "ToHashSet" or "Cast" or "OfType" &&
                       call.Arguments.Length > 0 &&
                       IsCutByConstantTake(call.Arguments[0].Value, threshold, depth + 1);

            case ILocalReferenceOperation local:
                return IsCutLocal(local, threshold, depth + 1);

            default:
                return false;
        }
    }

    private static bool IsSmallOrEmpty(IOperation value, long threshold, int depth)
    {
        var unwrapped = Loops.Unwrap(value);
        while (unwrapped is IConversionOperation conversion)
        {
            unwrapped = Loops.Unwrap(conversion.Operand);
        }

        if (unwrapped is IInvocationOperation { TargetMethod.Name: "Empty", Arguments.Length: 0 } ||
            (Loops.TryGetCollectionCount(unwrapped, out var count) && count <= threshold))
        {
            return true;
        }

        return IsCutByConstantTake(unwrapped, threshold, depth);
    }

    /// <summary>A local whose initializer and every assignment in the method are cut by a constant <c>Take</c>.</summary>
    private static bool IsCutLocal(ILocalReferenceOperation reference, long threshold, int depth)
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
                        if (!IsSmallOrEmpty(initializer.Value, threshold, depth))
                        {
                            return false;
                        }

                        values++;
                    }

                    break;
                case IAssignmentOperation assignment when assignment.Target is ILocalReferenceOperation target && SymbolEqualityComparer.Default.Equals(target.Local, reference.Local):
                    if (assignment is not ISimpleAssignmentOperation simple || !IsSmallOrEmpty(simple.Value, threshold, depth))
                    {
                        return false;
                    }

                    values++;
                    break;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out, Value: ILocalReferenceOperation passed }
                    when SymbolEqualityComparer.Default.Equals(passed.Local, reference.Local):
                    return false;
                case IInvocationOperation { Instance: ILocalReferenceOperation grown } call
                    when SymbolEqualityComparer.Default.Equals(grown.Local, reference.Local) &&
                         (call.TargetMethod.Name.StartsWith("Add", System.StringComparison.Ordinal) ||
                          call.TargetMethod.Name is "Insert" or "InsertRange" or "Push" or "Enqueue"):
                    return false; // a list that grows after the cut
            }
        }

        return values > 0;
    }
}
