using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF003 fix, expression-bodied members: <c>List&lt;T&gt; M(..) =&gt; items.Select(i =&gt; db...).ToList();</c> has no
/// statement to load the batch before. The method (or local function) gets a block body first —
/// <c>{ return items.Select(...).ToList(); }</c>, or <c>{ expression; }</c> for <c>void</c> and <c>async Task</c> — which
/// runs exactly as the arrow did; the fix is then computed on that body and applied to it.
/// </summary>
public sealed partial class PERF003BatchQueryCodeFix
{
    private sealed class ExpressionBodyPlan : IFixPlan
    {
        private readonly IFixPlan _inner;
        private readonly SyntaxNode _blockBodied;

        private ExpressionBodyPlan(IFixPlan inner, SyntaxNode blockBodied)
        {
            _inner = inner;
            _blockBodied = blockBodied;
        }

        public string Title => _inner.Title;

        public string EquivalenceKey => _inner.EquivalenceKey;

        /// <summary>The inner plan's nodes belong to the block-bodied tree, computed from the same root the caller passes.</summary>
        public SyntaxNode Apply(SyntaxNode root) => _inner.Apply(_blockBodied);

        public static IFixPlan? TryCreate(SemanticModel model, InvocationExpressionSyntax invocation, Diagnostic diagnostic, CancellationToken cancellationToken)
        {
            // The arrow of a method or local function, with no statement between it and the query (a block lambda has its own).
            ArrowExpressionClauseSyntax? arrow = null;
            for (var node = invocation.Parent; node is not null; node = node.Parent)
            {
                if (node is StatementSyntax or MemberDeclarationSyntax)
                {
                    return null;
                }

                if (node is ArrowExpressionClauseSyntax found)
                {
                    arrow = found;
                    break;
                }
            }

            if (arrow?.Parent is not (MethodDeclarationSyntax or LocalFunctionStatementSyntax) ||
                model.GetDeclaredSymbol(arrow.Parent, cancellationToken) is not IMethodSymbol method)
            {
                return null;
            }

            var root = invocation.SyntaxTree.GetRoot(cancellationToken);
            var annotation = new SyntaxAnnotation();
            var annotatedRoot = root.ReplaceNode(invocation, invocation.WithAdditionalAnnotations(annotation));
            var member = annotatedRoot.GetAnnotatedNodes(annotation).Single().Ancestors().First(n => n is MethodDeclarationSyntax or LocalFunctionStatementSyntax);
            var newLine = root.ToFullString().Contains("\r\n") ? "\r\n" : "\n";
            var blockBodied = annotatedRoot.ReplaceNode(member, ToBlockBody(member, ReturnsValue(method), newLine));
            var tree = invocation.SyntaxTree.WithRootAndOptions(blockBodied, invocation.SyntaxTree.Options);
            var compilation = model.Compilation.ReplaceSyntaxTree(invocation.SyntaxTree, tree);
            var newRoot = tree.GetRoot(cancellationToken);
            if (newRoot.GetAnnotatedNodes(annotation).SingleOrDefault() is not InvocationExpressionSyntax moved ||
                CreatePlan(compilation.GetSemanticModel(tree), moved, diagnostic, cancellationToken) is not { } inner)
            {
                return null;
            }

            return new ExpressionBodyPlan(inner, newRoot);
        }

        /// <summary><c>void</c>, and <c>async Task</c>/<c>ValueTask</c> without a result, take <c>{ expression; }</c>; the rest <c>{ return expression; }</c>.</summary>
        private static bool ReturnsValue(IMethodSymbol method) =>
            !method.ReturnsVoid &&
            !(method.IsAsync && method.ReturnType is INamedTypeSymbol { Name: "Task" or "ValueTask", TypeArguments.Length: 0, ContainingNamespace.Name: "Tasks" });

        private static SyntaxNode ToBlockBody(SyntaxNode member, bool returnsValue, string newLine)
        {
            var arrow = member switch
            {
                MethodDeclarationSyntax method => method.ExpressionBody!,
                _ => ((LocalFunctionStatementSyntax)member).ExpressionBody!,
            };
            var semicolon = member switch
            {
                MethodDeclarationSyntax method => method.SemicolonToken,
                _ => ((LocalFunctionStatementSyntax)member).SemicolonToken,
            };
            var indentation = Plan.IndentationOf(member);
            var endOfLine = SyntaxFactory.EndOfLine(newLine);
            var expression = arrow.Expression.WithoutLeadingTrivia().WithoutTrailingTrivia();
            StatementSyntax statement = returnsValue
                ? SyntaxFactory.ReturnStatement(SyntaxFactory.Token(SyntaxKind.ReturnKeyword).WithTrailingTrivia(SyntaxFactory.Space), expression, SyntaxFactory.Token(SyntaxKind.SemicolonToken))
                : SyntaxFactory.ExpressionStatement(expression, SyntaxFactory.Token(SyntaxKind.SemicolonToken));
            statement = statement.WithLeadingTrivia(SyntaxFactory.Whitespace(indentation + "    ")).WithTrailingTrivia(endOfLine);
            var block = SyntaxFactory.Block(
                SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(SyntaxFactory.Whitespace(indentation)).WithTrailingTrivia(endOfLine),
                SyntaxFactory.SingletonList(statement),
                SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(SyntaxFactory.Whitespace(indentation)).WithTrailingTrivia(semicolon.TrailingTrivia));

            // The token before the arrow ends the signature's line.
            var beforeArrow = arrow.GetFirstToken().GetPreviousToken();
            var signatureEnd = beforeArrow.WithTrailingTrivia(endOfLine);
            return member switch
            {
                MethodDeclarationSyntax method => method.ReplaceToken(beforeArrow, signatureEnd).WithExpressionBody(null).WithSemicolonToken(default).WithBody(block),
                _ => ((LocalFunctionStatementSyntax)member).ReplaceToken(beforeArrow, signatureEnd).WithExpressionBody(null).WithSemicolonToken(default).WithBody(block),
            };
        }
    }
}
