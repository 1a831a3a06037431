using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PerfAnalyzers.Common;

/// <summary>
/// Whether a method stores one of its parameters in its own object (issue #18, the limit of PERF003's "an asynchronous
/// operation does its work with the element rather than keeping it"): <c>public Task MoveToAsync(Order order) {
/// CurrentId = order.Id; .. }</c> makes <c>cursor</c> per-element data after <c>await cursor.MoveToAsync(order)</c>,
/// while smartstore's <c>OffloadEmbeddedImagesAsync(html, ..)</c> only works with it. Read from the body's syntax, when the
/// compilation holds it: an assignment to a member of the type (<c>X = ..</c> naming a field or property of the type,
/// <c>this.X = ..</c>) whose value names a parameter. A method without a visible body (an interface member, another
/// assembly's) is taken not to store, as before. Cached per method symbol.
/// </summary>
internal static class AsyncArgumentStores
{
    private static readonly ConditionalWeakTable<IMethodSymbol, object> s_stores = new();
    private static readonly object s_yes = new();
    private static readonly object s_no = new();

    public static bool StoresArgumentInItsObject(IMethodSymbol method)
    {
        if (method.Parameters.Length == 0 || method.IsStatic)
        {
            return false;
        }

        return s_stores.GetValue(method, static m => Compute(m) ? s_yes : s_no) == s_yes;
    }

    private static bool Compute(IMethodSymbol method)
    {
        var original = method.OriginalDefinition;
        var type = original.ContainingType;
        foreach (var reference in original.DeclaringSyntaxReferences)
        {
            var body = reference.GetSyntax() switch
            {
                MethodDeclarationSyntax declaration => (SyntaxNode?)declaration.Body ?? declaration.ExpressionBody,
                LocalFunctionStatementSyntax local => (SyntaxNode?)local.Body ?? local.ExpressionBody,
                _ => null,
            };
            if (body is null)
            {
                continue;
            }

            var seen = 0;
            foreach (var node in body.DescendantNodes())
            {
                if (++seen > 4096)
                {
                    return false;
                }

                if (node is AssignmentExpressionSyntax assignment && IsOwnMember(assignment.Left, type, original) &&
                    NamesParameter(assignment.Right, original))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsOwnMember(ExpressionSyntax target, INamedTypeSymbol? type, IMethodSymbol method)
    {
        var name = target switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: var member } => member.Identifier.ValueText,
            _ => null,
        };
        if (name is null || type is null || IsParameter(name, method))
        {
            return false;
        }

        foreach (var member in type.GetMembers(name))
        {
            if (member is IFieldSymbol { IsStatic: false } or IPropertySymbol { IsStatic: false })
            {
                return true;
            }
        }

        return false;
    }

    private static bool NamesParameter(ExpressionSyntax value, IMethodSymbol method)
    {
        if (value is IdentifierNameSyntax single)
        {
            return IsParameter(single.Identifier.ValueText, method);
        }

        foreach (var node in value.DescendantNodes())
        {
            if (node is IdentifierNameSyntax identifier && IsParameter(identifier.Identifier.ValueText, method))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsParameter(string name, IMethodSymbol method)
    {
        foreach (var parameter in method.Parameters)
        {
            if (parameter.Name == name)
            {
                return true;
            }
        }

        return false;
    }
}
