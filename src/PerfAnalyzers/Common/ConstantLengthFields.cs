using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PerfAnalyzers.Common;

/// <summary>
/// Fields whose element count is fixed at compile time: a <c>readonly</c> (or <c>static readonly</c>) array or
/// <c>ImmutableArray&lt;T&gt;</c> field initialised with k literal elements (<c>new[] { a, b }</c>, <c>new T[] { ... }</c>,
/// <c>{ a, b }</c>, <c>[a, b]</c>, <c>new T[k]</c>, <c>ImmutableArray.Create(a, b)</c>) that no constructor assigns.
/// A loop over such a field runs exactly k times. Read from syntax only: no semantic model of another tree is needed.
/// </summary>
internal static class ConstantLengthFields
{
    public static bool TryGetCount(IFieldSymbol field, out long count)
    {
        count = 0;
        if (!field.IsReadOnly || field.IsConst || !IsFixedLengthType(field.Type))
        {
            return false;
        }

        var references = field.DeclaringSyntaxReferences;
        if (references.Length != 1 ||
            references[0].GetSyntax() is not VariableDeclaratorSyntax { Initializer.Value: { } initializer } ||
            !TryCountInitializer(initializer, out count))
        {
            return false;
        }

        return !IsAssignedInConstructor(field);
    }

    private static bool IsFixedLengthType(ITypeSymbol type) =>
        type is IArrayTypeSymbol { Rank: 1 } ||
        (type is INamedTypeSymbol { Name: "ImmutableArray", Arity: 1 } named &&
         named.ContainingNamespace is { Name: "Immutable", ContainingNamespace: { Name: "Collections", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } });

    private static bool TryCountInitializer(ExpressionSyntax initializer, out long count)
    {
        count = 0;
        switch (initializer)
        {
            case ImplicitArrayCreationExpressionSyntax implicitArray:
                count = implicitArray.Initializer.Expressions.Count;
                return true;
            case ArrayCreationExpressionSyntax { Initializer: { } arrayInitializer }:
                count = arrayInitializer.Expressions.Count;
                return true;
            case ArrayCreationExpressionSyntax { Type.RankSpecifiers: { Count: 1 } ranks } when ranks[0].Sizes.Count == 1:
                if (ranks[0].Sizes[0] is LiteralExpressionSyntax { Token.Value: int size })
                {
                    count = size;
                    return true;
                }

                return false;
            case InitializerExpressionSyntax { RawKind: (int)SyntaxKind.ArrayInitializerExpression } bare:
                count = bare.Expressions.Count;
                return true;
            case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Create", Expression: var receiver } } create
                when receiver is IdentifierNameSyntax { Identifier.ValueText: "ImmutableArray" } or MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ImmutableArray" }:
                foreach (var argument in create.ArgumentList.Arguments)
                {
                    if (argument.RefKindKeyword.RawKind != 0)
                    {
                        return false;
                    }
                }

                // ImmutableArray.Create(array) or Create(span) would take its count from the argument.
                if (create.ArgumentList.Arguments.Count == 1 && create.ArgumentList.Arguments[0].Expression is not LiteralExpressionSyntax)
                {
                    return false;
                }

                count = create.ArgumentList.Arguments.Count;
                return true;
            default:
                // A C# 12 collection expression ([a, b, c]); the syntax type is newer than the Roslyn we build against.
                if (initializer.Kind().ToString() == "CollectionExpression")
                {
                    foreach (var element in initializer.ChildNodes())
                    {
                        if (element.Kind().ToString() != "ExpressionElement")
                        {
                            return false;
                        }

                        count++;
                    }

                    return true;
                }

                return false;
        }
    }

    /// <summary>A readonly field can also be assigned (or passed by ref) in a constructor of its type.</summary>
    private static bool IsAssignedInConstructor(IFieldSymbol field)
    {
        foreach (var typeReference in field.ContainingType.DeclaringSyntaxReferences)
        {
            if (typeReference.GetSyntax() is not TypeDeclarationSyntax type)
            {
                continue;
            }

            foreach (var member in type.Members)
            {
                if (member is not ConstructorDeclarationSyntax constructor)
                {
                    continue;
                }

                foreach (var node in constructor.DescendantNodes())
                {
                    if (node is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == field.Name && IsWritten(identifier))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static bool IsWritten(IdentifierNameSyntax identifier)
    {
        SyntaxNode node = identifier;
        if (node.Parent is MemberAccessExpressionSyntax access && access.Name == node)
        {
            node = access;
        }

        return node.Parent switch
        {
            AssignmentExpressionSyntax assignment => assignment.Left == node,
            ArgumentSyntax argument => argument.RefKindKeyword.RawKind != 0,
            _ => false,
        };
    }
}
