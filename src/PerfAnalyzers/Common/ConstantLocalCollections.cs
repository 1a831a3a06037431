using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.Common;

/// <summary>
/// A <c>foreach</c> over a local initialised with k literal elements and never changed (issue #18: Sonarr's
/// <c>TaskManager</c>, <c>var defaultTasks = new List&lt;ScheduledTask&gt; { new ScheduledTask { .. }, .. }</c> with 11
/// tasks, then one <c>Upsert</c> per task; smartstore's <c>20221028120000_PriceSettings</c>, <c>var moveSettingProps =
/// new[] { "ShowBasePriceInProductLists", .. }</c> with 10 names): the loop runs exactly k times, as over the same literal
/// written in the <c>foreach</c>. The local must be initialised once with an array or collection literal
/// (<see cref="Loops.TryGetCollectionCount"/>), and every other use of it must only read it: the loop's collection,
/// in-memory LINQ (<c>defaultTasks.Any(..)</c>), <c>Count</c>/<c>Length</c>, an element read. Anything else (an
/// <c>Add</c>, a call that receives the list, a reassignment) may change the count: not matched.
/// </summary>
internal static class ConstantLocalCollections
{
    public static bool TryGetCount(in LoopContext loop, out long count)
    {
        count = 0;
        if (loop.Loop is not IForEachLoopOperation { IsAsynchronous: false } forEach ||
            Loops.UnwrapConversions(forEach.Collection) is not ILocalReferenceOperation local ||
            SettingsCollections.SingleInitializer(local) is not { } initializer ||
            !Loops.TryGetCollectionCount(initializer, out var literalCount))
        {
            return false;
        }

        IOperation root = local;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        foreach (var operation in root.Descendants())
        {
            if (operation is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local.Local) &&
                !IsReadOnlyUse(reference, forEach))
            {
                return false;
            }
        }

        count = literalCount;
        return true;
    }

    private static bool IsReadOnlyUse(ILocalReferenceOperation reference, IForEachLoopOperation loop)
    {
        IOperation use = reference;
        while (use.Parent is IConversionOperation or IParenthesizedOperation)
        {
            use = use.Parent;
        }

        switch (use.Parent)
        {
            case IForEachLoopOperation each when ReferenceEquals(each.Collection, use):
                return true;
            case IVariableInitializerOperation:
                return true; // its own declaration
            case IPropertyReferenceOperation { Property.Name: "Count" or "Length" }:
            case IPropertyReferenceOperation { Property.IsIndexer: true, Parent: not ISimpleAssignmentOperation }:
            case IArrayElementReferenceOperation { Parent: not ISimpleAssignmentOperation }:
                return true;
            case IArgumentOperation { Parent: IInvocationOperation { TargetMethod.ContainingType: { Name: "Enumerable", ContainingNamespace.Name: "Linq" } } }:
                return true;
            default:
                return false;
        }
    }
}
