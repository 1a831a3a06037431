using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.Rules;

namespace PerfAnalyzers.Common;

/// <summary>
/// PERF002: observer sources reached through plumbing (issue #18 section 2), beyond a field or property of the type
/// itself: a local assigned once from an observer source (filtered or copied: <c>providers.Where(..).ToArray()</c>) or
/// from a call named like one (<c>_registry.GetConsumers(message)</c>); a parameter of a private method or local
/// function that every call in the same file fills with the type's own observers; a field or property of another object
/// named like observers whose elements are delegates or services (<c>subscribers._asyncHandlers</c>). Only asked for
/// sources about to be reported, so it may walk the method and its type.
/// </summary>
internal static class ObserverSources
{
    private static readonly string[] Words =
    {
        "subscriber", "handler", "listener", "observer", "callback", "notifier", "sink", "hook", "plugin", "watcher",
        "interceptor", "provider", "consumer",
    };

    /// <summary>
    /// True when <paramref name="source"/> (a local, a parameter or another object's member) holds observers.
    /// <paramref name="isObserverSource"/> is the rule's own test for a source (fields of the type, <c>Where</c>/<c>ToList</c> chains).
    /// </summary>
    public static bool IsIndirect(IOperation source, PERF002UnboundedTaskSpawningAnalyzer.KnownTypes types, Func<IOperation, bool> isObserverSource)
    {
        switch (source)
        {
            case ILocalReferenceOperation local:
                if (SettingsCollections.SingleInitializer(local) is not { } value)
                {
                    return IsNarrowedObserverLocal(local, isObserverSource);
                }

                value = Loops.Unwrap(value);
                return isObserverSource(value);
            case IParameterReferenceOperation parameter:
                return IsFilledWithObservers(parameter, isObserverSource);
            case IFieldReferenceOperation { Instance: not null } field:
                return IsObserverMember(field.Field.Name, field.Field.Type, types);
            case IPropertyReferenceOperation { Instance: not null, Property.Parameters.Length: 0 } property:
                return IsObserverMember(property.Property.Name, property.Property.Type, types);
            default:
                return false;
        }
    }

    /// <summary>
    /// A subscription token that holds a callback (issue #18, eShop's <c>BasketState</c>, <c>OrderStatusNotificationService</c>,
    /// <c>HooksRepository</c>): a class or struct that implements <see cref="IDisposable"/> (disposing it unsubscribes) and
    /// keeps a delegate or a callback (a field, property or constructor parameter whose type is a delegate or whose name
    /// or type name says callback, as Blazor's <c>EventCallback</c>); only types of the analysed code. A collection of them is a delegate list in disguise, sized by subscriptions. For a
    /// dictionary (<c>KeyValuePair&lt;K, V&gt;</c> elements) the key or the value may be the token. A data class such as a
    /// stored webhook subscription (no <c>IDisposable</c>, no callback) is not.
    /// </summary>
    public static bool IsCallbackSubscription(ITypeSymbol? element)
    {
        if (element is INamedTypeSymbol { Name: "KeyValuePair", TypeArguments.Length: 2 } pair &&
            pair.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic")
        {
            return IsCallbackSubscription(pair.TypeArguments[0]) || IsCallbackSubscription(pair.TypeArguments[1]);
        }

        if (element is not INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct } type || !type.Locations.Any(l => l.IsInSource) ||
            !IsDisposable(type))
        {
            return false;
        }

        foreach (var member in type.GetMembers())
        {
            switch (member)
            {
                case IFieldSymbol { IsStatic: false } field when IsCallback(field.Name, field.Type):
                case IPropertySymbol { IsStatic: false, Parameters.Length: 0 } property when IsCallback(property.Name, property.Type):
                    return true;
                case IMethodSymbol { MethodKind: MethodKind.Constructor } constructor:
                    foreach (var parameter in constructor.Parameters)
                    {
                        if (IsCallback(parameter.Name, parameter.Type))
                        {
                            return true;
                        }
                    }

                    break;
            }
        }

        return false;
    }

    private static bool IsDisposable(INamedTypeSymbol type)
    {
        foreach (var candidate in type.AllInterfaces)
        {
            if (candidate is { Name: "IDisposable", ContainingNamespace.Name: "System", ContainingNamespace.ContainingNamespace.IsGlobalNamespace: true })
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsCallback(string name, ITypeSymbol type) =>
        type.TypeKind == TypeKind.Delegate ||
        name.IndexOf("callback", StringComparison.OrdinalIgnoreCase) >= 0 ||
        type.Name.IndexOf("Callback", StringComparison.Ordinal) >= 0;

    /// <summary>
    /// A local assigned from an observer source and afterwards only narrowed or reordered in place (jellyfin
    /// ProviderManager: <c>var providers = GetRemoteImageProviders(item, ..); if (..) providers = providers.Where(..);</c>,
    /// issue #18): every value it is given is an observer source or a <c>Where</c>/<c>OrderBy</c>/<c>Distinct</c>/...
    /// chain over the local itself, with at least one observer source. Not passed by <c>ref</c>/<c>out</c>.
    /// </summary>
    private static bool IsNarrowedObserverLocal(ILocalReferenceOperation reference, Func<IOperation, bool> isObserverSource)
    {
        IOperation root = reference;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        var sources = 0;
        foreach (var operation in root.Descendants())
        {
            IOperation? value = null;
            switch (operation)
            {
                case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, reference.Local):
                    value = (declarator.Initializer ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer)?.Value;
                    if (value is null)
                    {
                        continue;
                    }

                    break;
                case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when SymbolEqualityComparer.Default.Equals(target.Local, reference.Local):
                    value = assignment.Value;
                    break;
                case IAssignmentOperation { Target: ILocalReferenceOperation target } when SymbolEqualityComparer.Default.Equals(target.Local, reference.Local):
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out, Value: ILocalReferenceOperation passed } when SymbolEqualityComparer.Default.Equals(passed.Local, reference.Local):
                    return false;
                default:
                    continue;
            }

            value = Loops.Unwrap(value);
            if (IsNarrowingOf(value, reference.Local))
            {
                continue;
            }

            if (!isObserverSource(value))
            {
                return false;
            }

            sources++;
        }

        return sources > 0;
    }

    private static bool IsNarrowingOf(IOperation value, ILocalSymbol local)
    {
        for (var depth = 0; depth < 8 && value is IInvocationOperation call; depth++)
        {
            if (call.TargetMethod.ContainingType is not { Name: "Enumerable", ContainingNamespace: { Name: "Linq", ContainingNamespace.Name: "System" } } ||
                call.TargetMethod.Name is not ("Where" or "OrderBy" or "OrderByDescending" or "ThenBy" or "ThenByDescending" or "Distinct" or
                    "Reverse" or "ToList" or "ToArray" or "AsEnumerable" or "OfType" or "Cast" or "Take" or "Skip"))
            {
                return false;
            }

            value = Loops.Unwrap(call.Instance ?? (call.Arguments.Length > 0 ? call.Arguments[0].Value : value));
        }

        return value is ILocalReferenceOperation self && SymbolEqualityComparer.Default.Equals(self.Local, local);
    }

    /// <summary><c>GetConsumers</c>, <c>GetHandlers</c>, <c>ResolveSubscribers</c>: a method whose name ends with an observer word in the plural.</summary>
    public static bool IsObserverGetter(string name)
    {
        foreach (var word in Words)
        {
            if (name.EndsWith(word + "s", StringComparison.OrdinalIgnoreCase) && name.Length > word.Length + 1)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsObserverMember(string name, ITypeSymbol type, PERF002UnboundedTaskSpawningAnalyzer.KnownTypes types)
    {
        if (!HasObserverWord(name) || types.ElementType(type) is not { } element)
        {
            return false;
        }

        return element.TypeKind is TypeKind.Delegate or TypeKind.Interface || element.IsAbstract;
    }

    private static bool HasObserverWord(string name)
    {
        foreach (var word in Words)
        {
            if (name.IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A parameter of a private method or local function whose every call in the same file passes an observer source
    /// (at least one call): <c>CollectAsync(_externalProviders, q)</c>, <c>CollectAsync(_internalProviders, q)</c>.
    /// </summary>
    private static bool IsFilledWithObservers(IParameterReferenceOperation reference, Func<IOperation, bool> isObserverSource)
    {
        var parameter = reference.Parameter;
        if (parameter.ContainingSymbol is not IMethodSymbol method ||
            (method.MethodKind != MethodKind.LocalFunction && method.DeclaredAccessibility != Accessibility.Private) ||
            reference.SemanticModel is not { } model)
        {
            return false;
        }

        SyntaxNode? scope = null;
        foreach (var declaration in method.DeclaringSyntaxReferences)
        {
            if (declaration.SyntaxTree == reference.Syntax.SyntaxTree)
            {
                var node = declaration.GetSyntax();
                scope = method.MethodKind == MethodKind.LocalFunction ? node.Parent : node.FirstAncestorOrSelf<TypeDeclarationSyntax>();
            }
        }

        if (scope is null)
        {
            return false;
        }

        var calls = 0;
        foreach (var node in scope.DescendantNodes())
        {
            if (node is not InvocationExpressionSyntax invocation || CalledName(invocation.Expression) != method.Name)
            {
                continue;
            }

            if (model.GetOperation(invocation) is not IInvocationOperation call ||
                !SymbolEqualityComparer.Default.Equals(call.TargetMethod.OriginalDefinition, method.OriginalDefinition))
            {
                continue;
            }

            IOperation? passed = null;
            foreach (var argument in call.Arguments)
            {
                if (SymbolEqualityComparer.Default.Equals(argument.Parameter?.OriginalDefinition, parameter.OriginalDefinition))
                {
                    passed = argument.Value;
                }
            }

            if (passed is null || Loops.Unwrap(passed) is IParameterReferenceOperation || !isObserverSource(Loops.Unwrap(passed)))
            {
                return false;
            }

            calls++;
        }

        return calls > 0;
    }

    private static string? CalledName(ExpressionSyntax expression) => expression switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        GenericNameSyntax generic => generic.Identifier.ValueText,
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        _ => null,
    };
}
