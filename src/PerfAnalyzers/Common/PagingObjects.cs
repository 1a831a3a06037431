using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.Common;

/// <summary>
/// PERF003 through calls (issue #13, Kavita <c>GetFullSeriesForLibraryIdAsync(library.Id, new UserParams { PageNumber =
/// chunk, PageSize = size })</c>): an argument that is an object built in place, whose only members set from the iteration
/// are paging members (<c>PageNumber</c>, <c>Skip</c>, <c>Offset</c>, ...), carries a page, not a key.
/// </summary>
internal static class PagingObjects
{
    public static bool SetsOnlyPagingMembers(IOperation value, Func<IOperation, bool> dependsOnIteration, Func<string, bool> isPagingName)
    {
        while (value is IConversionOperation conversion)
        {
            value = conversion.Operand;
        }

        if (value is not IObjectCreationOperation { Initializer: { } initializer } creation)
        {
            return false;
        }

        foreach (var argument in creation.Arguments)
        {
            if (dependsOnIteration(argument.Value))
            {
                return false;
            }
        }

        var paging = false;
        foreach (var initialization in initializer.Initializers)
        {
            if (!dependsOnIteration(initialization))
            {
                continue;
            }

            if (initialization is not ISimpleAssignmentOperation { Target: IMemberReferenceOperation member } || !isPagingName(member.Member.Name))
            {
                return false;
            }

            paging = true;
        }

        return paging;
    }
}
