using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF003 fix, top-n per element: <c>Where(r =&gt; r.ProductId == item.Id).OrderByDescending(r =&gt; r.CreatedAt).Take(3)[.Select(..)].ToList()</c>.
/// The batch query keeps the filter, the orderings and the projection but not the <c>Take</c>; the lookup holds each
/// key's rows in that order, and <c>lookup[key].Take(3).ToList()</c> takes the same first rows the per-element query
/// did. Only with an ordering (without one, which rows come first is the database's choice), a constant count of at
/// least 0, and only before <c>ToList</c>/<c>ToArray</c>. The batch loads every row of each key, not only the first n.
/// </summary>
public sealed partial class PERF003BatchQueryCodeFix
{
    private sealed partial class PredicateMatch
    {
        /// <summary>The <c>Take(n)</c> after the orderings, applied per key to the lookup; null when none.</summary>
        public IInvocationOperation? Take { get; set; }

        /// <summary>The count of <see cref="Take"/>: a constant of at least 0 (it stays in the loop, read as before).</summary>
        public IOperation? TakeCount => Take is null ? null : TakeCountOf(Take);
    }

    /// <summary>Peels <c>Queryable.Take(source, int count)</c> off <paramref name="receiver"/>; null when the receiver is not one.</summary>
    private static IInvocationOperation? PeelTake(ref IOperation receiver)
    {
        if (IsQueryableCall(receiver, "Take") is not { } take || TakeCountOf(take) is null)
        {
            return null;
        }

        foreach (var argument in take.Arguments)
        {
            if (argument.Parameter?.Ordinal == 0)
            {
                receiver = StripConversions(argument.Value);
                return take;
            }
        }

        return null;
    }

    private static IOperation? TakeCountOf(IInvocationOperation take)
    {
        foreach (var argument in take.Arguments)
        {
            // A constant of at least 0: Take(-1) is LIMIT -1 (no limit) on SQLite and an error on SQL Server, but empty
            // in memory, and a variable count could be negative.
            if (argument.Parameter is { Ordinal: 1, Type.SpecialType: SpecialType.System_Int32 })
            {
                return argument.Value.ConstantValue is { HasValue: true, Value: int count } && count >= 0 ? argument.Value : null;
            }
        }

        return null;
    }

    /// <summary><c>.Take(n)</c> with the per-element query's own count text, or nothing.</summary>
    private static string TakeText(PredicateMatch? match) =>
        match?.TakeCount is { } count ? ".Take(" + count.Syntax.ToString() + ")" : string.Empty;
}
