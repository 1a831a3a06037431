using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.Common;

/// <summary>
/// A collection that provably holds few elements (issue #18 section 2, bitwarden
/// OrganizationUpdateCollectionManagementCommand): a local list created empty and filled only by <c>Add</c> calls that
/// are not in a loop or a lambda — in the method itself, or in a private builder method of the same file that returns
/// such a list (<c>var loggingActions = CreateLoggingActions(..)</c>, four <c>if (..) actions.Add(..)</c>). The count is
/// at most the number of <c>Add</c> calls. The list must not escape (passed to a method other than a LINQ operator,
/// stored, or given to <c>AddRange</c>/<c>Insert</c>).
/// </summary>
internal static class BoundedBuilders
{
    public static bool HasFewAdds(IOperation? source, int threshold)
    {
        if (source is null || Loops.Unwrap(source) is not ILocalReferenceOperation local ||
            SettingsCollections.SingleInitializer(local) is not { } initial)
        {
            return false;
        }

        var count = CountAdds(Root(local), local.Local, allowReturn: false);
        if (count < 0)
        {
            return false;
        }

        initial = Loops.Unwrap(initial);
        if (IsEmptyCreation(initial))
        {
            return count <= threshold;
        }

        if (initial is not IInvocationOperation { TargetMethod: { IsVirtual: false, IsAbstract: false, IsOverride: false } method } call ||
            call.SemanticModel is not { } model)
        {
            return false;
        }

        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree != call.Syntax.SyntaxTree || reference.GetSyntax() is not MethodDeclarationSyntax declaration ||
                model.GetOperation(declaration) is not { } body)
            {
                return false;
            }

            var built = BuiltCount(body);
            return built >= 0 && count + built <= threshold;
        }

        return false;
    }

    /// <summary>The builder: every <c>return</c> returns the same local, created empty and only added to outside loops.</summary>
    private static int BuiltCount(IOperation body)
    {
        ILocalSymbol? returned = null;
        foreach (var operation in body.Descendants())
        {
            // A lambda's or local function's own returns (`() => Log("A")`) are not the builder's.
            if (operation is IReturnOperation { ReturnedValue: { } value } && !InNestedFunction(operation, body))
            {
                if (Loops.Unwrap(value) is not ILocalReferenceOperation local ||
                    (returned is not null && !SymbolEqualityComparer.Default.Equals(returned, local.Local)))
                {
                    return -1;
                }

                returned = local.Local;
                if (SettingsCollections.SingleInitializer(local) is not { } initial || !IsEmptyCreation(Loops.Unwrap(initial)))
                {
                    return -1;
                }
            }
        }

        return returned is null ? -1 : CountAdds(body, returned, allowReturn: true);
    }

    private static bool IsEmptyCreation(IOperation value) =>
        value is IObjectCreationOperation { Arguments.Length: 0, Initializer: null, Type: INamedTypeSymbol { Name: "List" or "HashSet", ContainingNamespace.Name: "Generic" } };

    /// <summary>The number of <c>Add</c> calls on <paramref name="local"/> in <paramref name="root"/>, or -1 when one is repeated or the list escapes.</summary>
    private static int CountAdds(IOperation root, ILocalSymbol local, bool allowReturn)
    {
        var count = 0;
        foreach (var operation in root.Descendants())
        {
            if (operation is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                continue;
            }

            IOperation use = reference;
            while (use.Parent is IConversionOperation or IParenthesizedOperation)
            {
                use = use.Parent;
            }

            switch (use.Parent)
            {
                case IInvocationOperation call when ReferenceEquals(call.Instance, use):
                    if (call.TargetMethod.Name == "Add")
                    {
                        if (IsRepeated(call, root))
                        {
                            return -1;
                        }

                        count++;
                    }
                    else if (call.TargetMethod.Name is not ("Contains" or "ToArray" or "GetEnumerator" or "Exists" or "Find" or "IndexOf" or "CopyTo"))
                    {
                        return -1;
                    }

                    break;
                case IArgumentOperation { Parent: IInvocationOperation call } argument when ReferenceEquals(argument.Value, use) &&
                    call.TargetMethod.ContainingType is { Name: "Enumerable", ContainingNamespace: { Name: "Linq", ContainingNamespace.Name: "System" } } &&
                    argument.Parameter?.Ordinal == 0:
                case IPropertyReferenceOperation { Property.Name: "Count" }:
                case IForEachLoopOperation loop when ReferenceEquals(loop.Collection, use):
                    break;
                case IReturnOperation when allowReturn:
                    break;
                case IVariableInitializerOperation:
                    break;
                default:
                    return -1;
            }
        }

        return count;
    }

    private static bool IsRepeated(IOperation operation, IOperation root)
    {
        for (var node = operation.Parent; node is not null && !ReferenceEquals(node, root); node = node.Parent)
        {
            if (node is ILoopOperation or IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }

    private static bool InNestedFunction(IOperation operation, IOperation root)
    {
        for (var node = operation.Parent; node is not null && !ReferenceEquals(node, root); node = node.Parent)
        {
            if (node is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }

    private static IOperation Root(IOperation operation)
    {
        while (operation.Parent is not null)
        {
            operation = operation.Parent;
        }

        return operation;
    }
}
