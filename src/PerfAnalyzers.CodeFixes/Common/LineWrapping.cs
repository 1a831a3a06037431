using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PerfAnalyzers.CodeFixes.Common;

/// <summary>Keeps the lines a fix writes under <see cref="MaxLineLength"/> characters.</summary>
internal static class LineWrapping
{
    public const int MaxLineLength = 120;

    /// <summary>
    /// Puts each argument of a new call or creation on its own line, one indentation deeper than the line it starts
    /// on, when it would make the line it replaces longer than <see cref="MaxLineLength"/> characters. The length is
    /// estimated with the given namespace prefixes removed, as the simplifier will write the names.
    /// </summary>
    public static ExpressionSyntax WrapArgumentsIfLong(ExpressionSyntax replacement, SyntaxNode original, SyntaxNode root, params string[] simplifiedPrefixes)
    {
        var argumentList = replacement switch
        {
            InvocationExpressionSyntax invocation => invocation.ArgumentList,
            BaseObjectCreationExpressionSyntax creation => creation.ArgumentList,
            _ => null,
        };
        if (argumentList is null || argumentList.Arguments.Count == 0)
        {
            return replacement;
        }

        var simplified = replacement.ToFullString();
        foreach (var prefix in simplifiedPrefixes)
        {
            simplified = simplified.Replace(prefix, string.Empty);
        }

        // A multi-line replacement (a block lambda) is measured by its first line.
        var multiLine = simplified.IndexOf('\n') >= 0;
        var firstLine = simplified.Split('\n')[0].TrimEnd();
        var text = original.SyntaxTree.GetText();
        var line = text.Lines.GetLineFromPosition(original.SpanStart);
        var rest = !multiLine && original.Span.End <= line.End ? line.End - original.Span.End : 0;
        if (original.SpanStart - line.Start + firstLine.TrimStart().Length + rest <= MaxLineLength)
        {
            return replacement;
        }

        var lineText = text.ToString(line.Span);
        var indentation = lineText.Substring(0, lineText.Length - lineText.TrimStart().Length) + "    ";
        var endOfLine = root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        if (endOfLine == default)
        {
            endOfLine = SyntaxFactory.EndOfLine("\n");
        }

        var arguments = argumentList.Arguments.Select(a => a.WithLeadingTrivia(SyntaxFactory.Whitespace(indentation)).WithTrailingTrivia());
        var separators = Enumerable.Repeat(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(endOfLine), argumentList.Arguments.Count - 1);
        var wrapped = SyntaxFactory.ArgumentList(
                SyntaxFactory.Token(SyntaxKind.OpenParenToken).WithTrailingTrivia(endOfLine),
                SyntaxFactory.SeparatedList(arguments, separators),
                SyntaxFactory.Token(SyntaxKind.CloseParenToken))
            .WithTrailingTrivia(argumentList.GetTrailingTrivia());
        return replacement.ReplaceNode(argumentList, wrapped);
    }

    /// <summary>
    /// Puts each element of a tuple (the values of a parameter reassignment, <c>(a, b) = (x, y);</c>) on its own line,
    /// one indentation deeper than the line the tuple starts on, when that line (of <paramref name="written"/>, the same
    /// tuple as written and formatted, maybe in another order) is longer than <see cref="MaxLineLength"/> characters.
    /// The tuple is returned unchanged otherwise.
    /// </summary>
    public static TupleExpressionSyntax WrapTupleIfLong(TupleExpressionSyntax tuple, TupleExpressionSyntax written, SyntaxNode root)
    {
        var text = written.SyntaxTree.GetText();
        var line = text.Lines.GetLineFromPosition(written.SpanStart);
        if (line.End - line.Start <= MaxLineLength || tuple.Arguments.Count < 2)
        {
            return tuple;
        }

        var lineText = text.ToString(line.Span);
        var indentation = lineText.Substring(0, lineText.Length - lineText.TrimStart().Length) + "    ";
        var endOfLine = root.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        if (endOfLine == default)
        {
            endOfLine = SyntaxFactory.EndOfLine("\n");
        }

        var arguments = tuple.Arguments.Select(a => a.WithLeadingTrivia(SyntaxFactory.Whitespace(indentation)).WithTrailingTrivia());
        var separators = Enumerable.Repeat(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(endOfLine), tuple.Arguments.Count - 1);
        return tuple
            .WithOpenParenToken(tuple.OpenParenToken.WithTrailingTrivia(endOfLine))
            .WithArguments(SyntaxFactory.SeparatedList(arguments, separators))
            .WithCloseParenToken(tuple.CloseParenToken.WithLeadingTrivia());
    }
}
