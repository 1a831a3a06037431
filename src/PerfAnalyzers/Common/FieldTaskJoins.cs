using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.Common;

/// <summary>
/// PERF002 (issue #13): <c>_tasks = items.Select(x =&gt; SendAsync(x))</c> in one method and <c>await Task.WhenAll(_tasks)</c>
/// in another method of the same type. The field must be written exactly once in the whole type (this assignment; no
/// initialiser), so that the join sees these tasks; the type must be declared in one file. Only asked when the method
/// that assigns the field does not join it itself.
/// </summary>
internal static class FieldTaskJoins
{
    /// <param name="assignment">The assignment of the <c>Select</c> to the field.</param>
    /// <param name="field">The field.</param>
    /// <param name="startsAll">The rule's test: does this consumer (the parent of a reference) start every task at once.</param>
    /// <param name="parent">The rule's parent function (skips conversions and parentheses).</param>
    public static bool IsJoinedInAnotherMethod(IOperation assignment, IFieldSymbol field, Func<IOperation?, bool> startsAll, Func<IOperation, IOperation?> parent)
    {
        if (assignment.SemanticModel is not { } model || field.DeclaringSyntaxReferences.Length != 1 ||
            field.ContainingType.DeclaringSyntaxReferences.Length != 1)
        {
            return false;
        }

        var tree = assignment.Syntax.SyntaxTree;
        var typeReference = field.ContainingType.DeclaringSyntaxReferences[0];
        if (typeReference.SyntaxTree != tree ||
            (field.DeclaringSyntaxReferences[0].GetSyntax() is VariableDeclaratorSyntax { Initializer: not null }))
        {
            return false;
        }

        var writes = 0;
        var joined = false;
        foreach (var node in typeReference.GetSyntax().DescendantNodes())
        {
            if (node is not IdentifierNameSyntax identifier || identifier.Identifier.ValueText != field.Name)
            {
                continue;
            }

            SyntaxNode expression = identifier.Parent is MemberAccessExpressionSyntax access && access.Name == identifier ? access : identifier;
            if (model.GetOperation(expression) is not IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } reference ||
                !SymbolEqualityComparer.Default.Equals(reference.Field, field))
            {
                continue;
            }

            var consumer = parent(reference);
            if (consumer is IAssignmentOperation written && ReferenceEquals(Loops.Unwrap(written.Target), reference))
            {
                writes++;
                continue;
            }

            if (consumer is IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out })
            {
                return false;
            }

            joined |= startsAll(consumer);
        }

        return joined && writes == 1;
    }
}
