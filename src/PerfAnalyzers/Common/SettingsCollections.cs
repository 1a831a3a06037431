using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.Common;

/// <summary>
/// A repetition over a collection held by the service's configuration (issue #18 section 2): a collection member read
/// through an object of an options/settings/configuration type (a type named <c>...Options</c>, <c>...Settings</c>,
/// <c>...Config</c>, <c>...Configuration</c>, or <c>IOptions&lt;T&gt;</c>/<c>IOptionsMonitor&lt;T&gt;</c>/<c>IOptionsSnapshot&lt;T&gt;</c>)
/// that the type holds in a field or property: <c>foreach (var width in _config.Configuration.TrickplayOptions.WidthResolutions)</c>,
/// also through locals assigned once and in-memory LINQ (<c>_options.Value.Statuses.Where(..)</c>). Its count is set by
/// an administrator, not by data. A settings-named object that is a parameter of the method, or built in it, is a
/// request: not matched.
/// </summary>
internal static class SettingsCollections
{
    private static readonly string[] Suffixes = { "Options", "Settings", "Config", "Configuration" };

    public static bool IsOverSettings(in LoopContext loop)
    {
        IOperation? source = loop.Loop is IForEachLoopOperation forEach
            ? forEach.Collection
            : loop.PerElementCall is { } call ? call.Instance ?? DatabaseApis.ReceiverOf(call) : null;
        if (source is null)
        {
            return false;
        }

        // The collection itself: through conversions, in-memory LINQ and locals assigned once.
        source = Follow(source, followLinq: true);
        if (source is not IMemberReferenceOperation { Member: IPropertySymbol or IFieldSymbol })
        {
            return false;
        }

        // Its owner chain: at least one settings-named object on the way, rooted in a member of this type.
        var sawSettings = false;
        for (var depth = 0; depth < 8; depth++)
        {
            if (source is not IMemberReferenceOperation member)
            {
                return false;
            }

            sawSettings |= IsSettingsType(member.Member.ContainingType) || IsSettingsType(member.Type as INamedTypeSymbol);
            if (member.Instance is null or IInstanceReferenceOperation)
            {
                return sawSettings;
            }

            source = Follow(member.Instance, followLinq: false);
            sawSettings |= IsSettingsType(source.Type as INamedTypeSymbol);
        }

        return false;
    }

    private static IOperation Follow(IOperation value, bool followLinq)
    {
        for (var steps = 0; steps < 8; steps++)
        {
            value = Loops.Unwrap(value);
            switch (value)
            {
                case IConversionOperation conversion:
                    value = conversion.Operand;
                    continue;
                case IInvocationOperation { TargetMethod.ContainingType: { Name: "Enumerable", ContainingNamespace.Name: "Linq" } } call
                    when followLinq && DatabaseApis.ReceiverOf(call) is { } receiver:
                    value = receiver;
                    continue;
                case ILocalReferenceOperation local when SingleInitializer(local) is { } initializer:
                    value = initializer;
                    continue;
            }

            break;
        }

        return value;
    }

    private static bool IsSettingsType(INamedTypeSymbol? type)
    {
        if (type is null || type.SpecialType != SpecialType.None)
        {
            return false;
        }

        var name = type.Name;
        if (name.StartsWith("IOptions", StringComparison.Ordinal))
        {
            return true;
        }

        foreach (var suffix in Suffixes)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The initialiser of a local declared once and never assigned again (nor passed by <c>ref</c>/<c>out</c>).</summary>
    internal static IOperation? SingleInitializer(ILocalReferenceOperation reference)
    {
        IOperation root = reference;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        IOperation? found = null;
        foreach (var operation in root.Descendants())
        {
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, reference.Local):
                    found = (declarator.Initializer ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer)?.Value;
                    break;
                case IAssignmentOperation { Target: ILocalReferenceOperation target } when SymbolEqualityComparer.Default.Equals(target.Local, reference.Local):
                    return null;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out, Value: ILocalReferenceOperation passed } when SymbolEqualityComparer.Default.Equals(passed.Local, reference.Local):
                    return null;
            }
        }

        return found;
    }
}
