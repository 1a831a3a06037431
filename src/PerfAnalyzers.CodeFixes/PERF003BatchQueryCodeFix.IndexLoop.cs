using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.Common;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF003 fix, indexed loops: <c>for (var i = 0; i &lt; list.Count; i++)</c> over a list or array held in a local or
/// parameter, whose body reads the list only at <c>i</c>, is batched as the <c>foreach</c> over the same list would be.
/// </summary>
public sealed partial class PERF003BatchQueryCodeFix
{
    /// <summary>
    /// <c>for (var i = 0; i &lt; list.Count; i++)</c> (or <c>array.Length</c>, <c>++i</c>, <c>i += 1</c>) over a local or parameter
    /// holding an array or list: gives the index and the collection.
    /// </summary>
    private static bool TryMatchIndexLoop(IForLoopOperation loop, out ILocalSymbol index, out IOperation collection)
    {
        index = null!;
        collection = null!;
        if (loop.Before.Length != 1 ||
            loop.Before[0] is not IVariableDeclarationGroupOperation { Declarations.Length: 1 } group ||
            group.Declarations[0].Declarators.Length != 1 ||
            group.Declarations[0].Declarators[0] is not { Initializer.Value: { ConstantValue: { HasValue: true, Value: 0 } } } declarator ||
            declarator.Symbol.Type.SpecialType != SpecialType.System_Int32)
        {
            return false;
        }

        index = declarator.Symbol;
        if (loop.Condition is not IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan } condition ||
            !IsReferenceTo(condition.LeftOperand, index) ||
            Loops.Unwrap(condition.RightOperand) is not IPropertyReferenceOperation { Property.Name: "Count" or "Length", Instance: { } instance } ||
            StripConversions(instance) is not (ILocalReferenceOperation or IParameterReferenceOperation) ||
            !IsStable(instance, out collection) ||
            (collection.Type is not IArrayTypeSymbol && !HasIndexer(collection.Type)))
        {
            return false;
        }

        if (loop.AtLoopBottom.Length != 1)
        {
            return false;
        }

        var step = loop.AtLoopBottom[0] is IExpressionStatementOperation statement ? statement.Operation : loop.AtLoopBottom[0];
        return step switch
        {
            IIncrementOrDecrementOperation { Kind: OperationKind.Increment, Target: var target } => IsReferenceTo(target, index),
            ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add, Target: var target, Value.ConstantValue: { HasValue: true, Value: 1 } } => IsReferenceTo(target, index),
            _ => false,
        };
    }

    /// <summary>An <c>IList&lt;T&gt;</c> or <c>IReadOnlyList&lt;T&gt;</c>: <c>list[i]</c> reads the i-th element the loop would visit.</summary>
    private static bool HasIndexer(ITypeSymbol? type)
    {
        if (type is not INamedTypeSymbol named)
        {
            return false;
        }

        foreach (var candidate in named.AllInterfaces.Add(named))
        {
            if (candidate is { Name: "IList" or "IReadOnlyList", TypeArguments.Length: 1, ContainingNamespace.Name: "Generic" })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>list[i]</c> (an array element or the list's indexer).</summary>
    private static bool IsElementAt(IOperation operation, ISymbol collection, ILocalSymbol index)
    {
        switch (Loops.Unwrap(operation))
        {
            case IArrayElementReferenceOperation { Indices.Length: 1 } element:
                return IsReferenceTo(element.ArrayReference, collection) && IsReferenceTo(element.Indices[0], index);
            case IPropertyReferenceOperation { Property.IsIndexer: true, Arguments.Length: 1, Instance: { } instance } indexer:
                return IsReferenceTo(instance, collection) && IsReferenceTo(indexer.Arguments[0].Value, index);
            default:
                return false;
        }
    }

    /// <summary>
    /// In the loop body the collection is only read at the index (<c>list[i]</c>) or counted, nothing is written through it
    /// (<c>list[i].Total = ..</c>, <c>list[i] = ..</c>) and the index is not changed: each pass reads the element the batch read.
    /// </summary>
    private static bool IsOnlyReadAtIndex(IOperation body, ISymbol collection, ILocalSymbol index)
    {
        foreach (var operation in body.DescendantsAndSelf())
        {
            switch (operation)
            {
                case ILocalReferenceOperation or IParameterReferenceOperation when IsReferenceTo(operation, collection):
                    var parent = operation.Parent;
                    while (parent is IConversionOperation { IsImplicit: true } or IParenthesizedOperation)
                    {
                        parent = parent.Parent;
                    }

                    if (parent is IArgumentOperation argument)
                    {
                        parent = argument.Parent;
                    }

                    if (!(parent is not null && IsElementAt(parent, collection, index)) && parent is not IPropertyReferenceOperation { Property.Name: "Count" or "Length" })
                    {
                        return false;
                    }

                    break;
                case IAssignmentOperation assignment when IterationDependence.RootSymbol(assignment.Target) is { } root &&
                    (SymbolEqualityComparer.Default.Equals(root, collection) || SymbolEqualityComparer.Default.Equals(root, index)):
                    return false;
                case IIncrementOrDecrementOperation increment when IterationDependence.RootSymbol(increment.Target) is { } incremented &&
                    (SymbolEqualityComparer.Default.Equals(incremented, collection) || SymbolEqualityComparer.Default.Equals(incremented, index)):
                    return false;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } byReference when IterationDependence.RootSymbol(byReference.Value) is { } passed &&
                    (SymbolEqualityComparer.Default.Equals(passed, collection) || SymbolEqualityComparer.Default.Equals(passed, index)):
                    return false;
            }
        }

        return true;
    }

    /// <summary>The local is never assigned after its declaration in <paramref name="body"/>.</summary>
    private static bool IsNeverReassigned(IOperation body, ILocalSymbol local)
    {
        foreach (var operation in body.DescendantsAndSelf())
        {
            var target = operation switch
            {
                IAssignmentOperation assignment => assignment.Target,
                IIncrementOrDecrementOperation increment => increment.Target,
                IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
                _ => null,
            };
            if (target is not null && IsReferenceTo(target, local))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Like <see cref="IsKeyOfElement"/>, for an indexed loop: the key reads <c>list[i]</c> (and its members), nothing else.</summary>
    private static bool IsKeyOfIndexedElement(IOperation key, ILocalSymbol index, ISymbol collection)
    {
        var readsElement = false;
        var allowed = new HashSet<IOperation>();
        foreach (var operation in key.DescendantsAndSelf())
        {
            if (allowed.Contains(operation))
            {
                continue;
            }

            switch (operation)
            {
                case IArrayElementReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: true } when IsElementAt(operation, collection, index):
                    readsElement = true;
                    foreach (var part in operation.Descendants())
                    {
                        allowed.Add(part);
                    }

                    break;
                case IPropertyReferenceOperation { Arguments.Length: 0 }:
                case IFieldReferenceOperation:
                case IConversionOperation:
                case IParenthesizedOperation:
                case ILiteralOperation:
                    break;
                default:
                    return false;
            }
        }

        return readsElement;
    }
}
