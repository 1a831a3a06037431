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

        source = Loops.UnwrapConversions(source);

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
        var unwrapped = Loops.UnwrapConversions(value);

        if (unwrapped is IInvocationOperation { TargetMethod.Name: "Empty", Arguments.Length: 0 } ||
            (Loops.TryGetCollectionCount(unwrapped, out var count) && count <= threshold))
        {
            return true;
        }

        return IsCutByConstantTake(unwrapped, threshold, depth);
    }

    /// <summary>A local whose initializer and every assignment in the method are cut by a constant <c>Take</c>, and that does not grow afterwards.</summary>
    private static bool IsCutLocal(ILocalReferenceOperation reference, long threshold, int depth) =>
        EveryValueOfLocal(reference, value => IsSmallOrEmpty(value, threshold, depth), rejectGrowth: true);
}
