using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PerfAnalyzers.CodeFixes.Common;

/// <summary>Adds a member assignment to an object initializer, keeping the initializer's one-line or multi-line layout.</summary>
internal static class InitializerEditing
{
    /// <summary>
    /// <paramref name="creation"/> with <paramref name="element"/> as the first entry of its object initializer (an
    /// initializer is created when there is none; an empty <c>()</c> is then dropped).
    /// </summary>
    public static BaseObjectCreationExpressionSyntax InsertFirst(BaseObjectCreationExpressionSyntax creation, ExpressionSyntax element)
    {
        if (creation.Initializer is { } initializer)
        {
            return creation.WithInitializer(InsertFirst(initializer, element));
        }

        var trailing = creation.GetTrailingTrivia();
        var result = creation.WithoutTrailingTrivia();
        if (result is ObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: 0 } explicitCreation)
        {
            result = explicitCreation.WithArgumentList(null).WithType(explicitCreation.Type.WithoutTrailingTrivia());
        }

        var created = SyntaxFactory.InitializerExpression(
            SyntaxKind.ObjectInitializerExpression,
            SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(SyntaxFactory.Space),
            SyntaxFactory.SingletonSeparatedList(element.WithoutTrivia()),
            SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(trailing));
        return result.WithInitializer(created);
    }

    public static InitializerExpressionSyntax InsertFirst(InitializerExpressionSyntax initializer, ExpressionSyntax element)
    {
        var expressions = initializer.Expressions;
        if (expressions.Count == 0)
        {
            var open = initializer.OpenBraceToken;
            if (!open.TrailingTrivia.Any(SyntaxKind.EndOfLineTrivia))
            {
                open = open.WithTrailingTrivia(SyntaxFactory.Space);
            }

            return initializer
                .WithOpenBraceToken(open)
                .WithExpressions(SyntaxFactory.SingletonSeparatedList(element.WithoutTrivia().WithTrailingTrivia(SyntaxFactory.Space)))
                .WithCloseBraceToken(initializer.CloseBraceToken.WithLeadingTrivia());
        }

        var first = expressions[0];
        var newLine = default(SyntaxTrivia);
        foreach (var trivia in initializer.OpenBraceToken.TrailingTrivia)
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                newLine = trivia;
            }
        }

        var comma = SyntaxFactory.Token(SyntaxKind.CommaToken)
            .WithTrailingTrivia(newLine == default ? SyntaxFactory.Space : newLine);
        var nodes = new List<SyntaxNodeOrToken>
        {
            element.WithoutTrivia().WithLeadingTrivia(first.GetLeadingTrivia()),
            comma,
        };
        nodes.AddRange(expressions.GetWithSeparators());
        return initializer.WithExpressions(SyntaxFactory.SeparatedList<ExpressionSyntax>(nodes));
    }
}
