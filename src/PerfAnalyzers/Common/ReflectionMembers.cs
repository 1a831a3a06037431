using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.Common;

/// <summary>
/// A sequence whose count is fixed by the code, not by data (issue #18 section 2, a shape that proves N small): the
/// members of one type read by reflection, <c>typeof(UserLicense).GetProperties(..)</c> or <c>GetType().GetFields()</c>,
/// then filtered, ordered or projected one to one (<c>Where</c>, <c>OrderBy</c>, <c>Select</c>, ...). bitwarden's
/// licence files join their properties this way. The count is the type's member count: a few dozen at most.
/// </summary>
internal static class ReflectionMembers
{
    public static bool IsMembersOfOneType(IOperation? source)
    {
        for (var depth = 0; depth < 12 && source is not null; depth++)
        {
            source = Loops.Unwrap(source);
            if (source is ILocalReferenceOperation local)
            {
                // var fields = instance.GetType().GetFields(); foreach (var field in fields) (smartstore SerializationUtils).
                source = SettingsCollections.SingleInitializer(local);
                continue;
            }

            if (source is not IInvocationOperation call)
            {
                return false;
            }

            var method = call.TargetMethod;
            if (method.Name is "GetProperties" or "GetFields" or "GetMembers" or "GetMethods" or "GetEvents" or "GetConstructors" &&
                IsSystemType(method.ContainingType))
            {
                return true;
            }

            // Operators that keep one element per element or fewer (no SelectMany, Concat, Repeat).
            if (method.ContainingType is not { Name: "Enumerable", ContainingNamespace: { Name: "Linq", ContainingNamespace.Name: "System" } } ||
                method.Name is not ("Where" or "Select" or "OrderBy" or "OrderByDescending" or "ThenBy" or "ThenByDescending" or "Distinct" or
                    "DistinctBy" or "OfType" or "Cast" or "ToList" or "ToArray" or "AsEnumerable" or "Reverse" or "Skip" or "Take" or "SkipWhile" or "TakeWhile"))
            {
                return false;
            }

            source = call.Instance ?? (call.Arguments.Length > 0 ? call.Arguments[0].Value : null);
        }

        return false;
    }

    private static bool IsSystemType(INamedTypeSymbol? type)
    {
        for (; type is not null; type = type.BaseType)
        {
            if (type is { Name: "Type" or "TypeInfo", ContainingNamespace.Name: "System" or "Reflection" })
            {
                return true;
            }
        }

        return false;
    }
}
