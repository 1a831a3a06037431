using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.Common;

/// <summary>
/// A repetition over the configured plug-ins a factory hands out (issue #18, Sonarr's <c>NotificationService</c>:
/// <c>foreach (var notification in _notificationFactory.OnGrabEnabled()) { ..; _notificationStatusService.RecordSuccess(notification.Definition.Id); }</c>,
/// <c>MetadataService</c>'s <c>foreach (var consumer in _metadataFactory.Enabled())</c>, the import lists and download
/// clients): the collection is the result of a call on a field or property whose type is named <c>…Factory</c>,
/// <c>…Provider</c> or <c>IProvide…</c>, directly or through in-memory LINQ and locals assigned once, and its elements are
/// of an interface type. One pass per notification, list or client an administrator configured: a handful by
/// construction, as for injected services. Elements of a class type (rows a factory builds) and interface-typed
/// elements from a service or repository of another name are data: not matched.
/// </summary>
internal static class ProviderFactories
{
    public static bool IsOverFactoryProviders(in LoopContext loop)
    {
        if (loop.ElementType is not { TypeKind: TypeKind.Interface })
        {
            return false;
        }

        IOperation? source = loop.Loop is IForEachLoopOperation forEach
            ? forEach.Collection
            : loop.PerElementCall is { } call ? call.Instance ?? DatabaseApis.ReceiverOf(call) : null;
        for (var steps = 0; source is not null && steps < 8; steps++)
        {
            source = Loops.Unwrap(source);
            switch (source)
            {
                case IConversionOperation conversion:
                    source = conversion.Operand;
                    continue;
                case IInvocationOperation { TargetMethod.ContainingType: { Name: "Enumerable", ContainingNamespace.Name: "Linq" } } linq:
                    source = DatabaseApis.ReceiverOf(linq);
                    continue;
                case ILocalReferenceOperation local:
                    source = SettingsCollections.SingleInitializer(local);
                    continue;
                case IInvocationOperation producer:
                    return HandsOutProviders(producer, loop.ElementType);
                default:
                    return false;
            }
        }

        return false;
    }

    /// <summary>
    /// <paramref name="call"/> is made on a field or property of a factory or provider type and its elements
    /// (<paramref name="element"/>) are of an interface type: <c>_indexerFactory.RssEnabled()</c> returning
    /// <c>List&lt;IIndexer&gt;</c>. Also PERF002's test for a fan-out over configured providers.
    /// </summary>
    public static bool HandsOutProviders(IInvocationOperation call, ITypeSymbol? element) =>
        element is { TypeKind: TypeKind.Interface } && call.Instance is { } instance &&
        Loops.Unwrap(instance) is IFieldReferenceOperation or IPropertyReferenceOperation && IsFactoryType(instance.Type);

    private static bool IsFactoryType(ITypeSymbol? type)
    {
        if (type is not INamedTypeSymbol { SpecialType: SpecialType.None } named)
        {
            return false;
        }

        var name = named.Name;
        return name.EndsWith("Factory", StringComparison.Ordinal) ||
               name.EndsWith("Provider", StringComparison.Ordinal) ||
               name.StartsWith("IProvide", StringComparison.Ordinal);
    }
}
