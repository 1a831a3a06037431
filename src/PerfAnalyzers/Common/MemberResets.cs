using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PerfAnalyzers.Common;

/// <summary>
/// Whether a memoised field or property is ever set back to null (issue #18, the limit of PERF003's memoised-field
/// exemption): <c>if (_orders == null) { _orders = await load(); }</c> loads once per instance only while nothing
/// resets <c>_orders</c>. A <c>_orders = null;</c> (or <c>= default</c>) anywhere in the member's type outside its
/// constructors — before the test in the same method, in a <c>Reset()</c>, in a setter that changes the key — makes it
/// load again after each reset, so the load is a round-trip per call. Read from syntax by name; nested types count as
/// part of the type (a reset there keeps the call reported).
/// </summary>
internal static class MemberResets
{
    public static bool IsResetInItsType(ISymbol member)
    {
        var type = member.ContainingType;
        if (type is null)
        {
            return false;
        }

        var name = member.Name;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            foreach (var node in reference.GetSyntax().DescendantNodes())
            {
                if (node is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment &&
                    IsNullOrDefault(assignment.Right) && NamesMember(assignment.Left, name) && !InConstructor(assignment))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsNullOrDefault(ExpressionSyntax value)
    {
        while (value is ParenthesizedExpressionSyntax parenthesized)
        {
            value = parenthesized.Expression;
        }

        return value.IsKind(SyntaxKind.NullLiteralExpression) || value.IsKind(SyntaxKind.DefaultLiteralExpression) ||
               value is DefaultExpressionSyntax;
    }

    private static bool NamesMember(ExpressionSyntax target, string name) => target switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText == name,
        MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: var member } => member.Identifier.ValueText == name,
        _ => false,
    };

    private static bool InConstructor(SyntaxNode node)
    {
        for (var parent = node.Parent; parent is not null; parent = parent.Parent)
        {
            switch (parent)
            {
                case ConstructorDeclarationSyntax:
                    return true;
                case MemberDeclarationSyntax:
                    return false;
            }
        }

        return false;
    }
}
