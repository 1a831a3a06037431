using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace PerfAnalyzers.CodeFixes.Common;

/// <summary>
/// Issue #17, smartstore's <c>BuildTreePath</c> (<c>using var _ = CultureHelper.UseInvariant();</c> before the self-call):
/// the explicit stack for a body with <c>using</c> declarations. In the recursion each frame's resource lives until that
/// frame returns, after the deeper frames, and the resources are disposed innermost first, each even when a deeper
/// one threw (nested <c>try</c>/<c>finally</c>). The loop keeps every acquired resource on a stack of its own
/// (<c>var _ = ..; resources.Push(_);</c>), disposes the deeper frame's resources at the start of each round of the
/// unwinding loop (after the deeper frame's rest, before this frame's rest), and disposes what is left in a
/// <c>finally</c> around both loops, innermost first, each in its own <c>try</c>: a <c>Dispose</c> that throws lets the
/// outer ones run, and the last exception thrown is the one that leaves, as with nested <c>using</c>s.
/// Only where every <c>using</c> declaration is a statement of the body itself (so it lives to the end of the frame),
/// declares a class or interface (no struct copies), and nothing before it can return or call the method (every frame
/// holds the same number of resources), and every self-call is pushed (no tail call, whose frame would hold resources
/// the unwinding loop does not count).
/// </summary>
internal static partial class RecursionToLoop
{
    /// <summary>The number of resources each frame acquires (0 when the body has no <c>using</c> declaration), or -1 when they cannot be kept.</summary>
    private static int ResourcesPerFrame(SemanticModel model, BlockSyntax block, IEnumerable<SyntaxNode> selfCalls, CancellationToken cancellationToken)
    {
        var usings = new List<LocalDeclarationStatementSyntax>();
        foreach (var node in block.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            if (node is LocalDeclarationStatementSyntax { UsingKeyword.RawKind: (int)SyntaxKind.UsingKeyword } declaration)
            {
                if (declaration.Parent != block || declaration.AwaitKeyword != default)
                {
                    return -1;
                }

                usings.Add(declaration);
            }
        }

        if (usings.Count == 0)
        {
            return 0;
        }

        var count = 0;
        foreach (var declaration in usings)
        {
            foreach (var variable in declaration.Declaration.Variables)
            {
                if (model.GetDeclaredSymbol(variable, cancellationToken) is not ILocalSymbol { Type: { } type } ||
                    !type.IsReferenceType || type.TypeKind is TypeKind.TypeParameter or TypeKind.Error)
                {
                    return -1;
                }

                count++;
            }
        }

        // Every path acquires every resource before it can leave the frame or go deeper: no return or self-call before
        // or in a using declaration (a using after the call would be acquired in the unwinding loop, not counted).
        var calls = new HashSet<SyntaxNode>(selfCalls);
        var lastUsing = block.Statements.IndexOf(usings[usings.Count - 1]);
        for (var i = 0; i <= lastUsing; i++)
        {
            if (block.Statements[i].DescendantNodesAndSelf(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
                .Any(n => n is ReturnStatementSyntax or YieldStatementSyntax || calls.Contains(n)))
            {
                return -1;
            }
        }

        return count;
    }

    /// <summary>In the first loop, each <c>using</c> declaration of the body becomes a plain one whose locals go on the resource stack.</summary>
    private static List<StatementSyntax> PushResources(List<StatementSyntax> descent, string resourcesName)
    {
        var result = new List<StatementSyntax>();
        foreach (var statement in descent)
        {
            if (statement is not LocalDeclarationStatementSyntax { UsingKeyword.RawKind: (int)SyntaxKind.UsingKeyword } declaration)
            {
                result.Add(statement);
                continue;
            }

            // using T a = x, b = y; is using T a = x; using T b = y;: a is held before y is evaluated.
            var first = true;
            foreach (var variable in declaration.Declaration.Variables)
            {
                var single = declaration.WithUsingKeyword(default)
                    .WithDeclaration(declaration.Declaration.WithVariables(SingletonSeparatedList(variable)));
                result.Add(first ? single.WithLeadingTrivia(declaration.GetLeadingTrivia()) : single.WithoutLeadingTrivia());
                first = false;
                result.Add(ExpressionStatement(InvocationExpression(
                    MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(resourcesName), IdentifierName("Push")),
                    ArgumentList(SingletonSeparatedList(Argument(IdentifierName(variable.Identifier.ValueText)))))));
            }
        }

        return result;
    }

    /// <summary><c>resources.Pop()?.Dispose();</c> once per resource of a frame, its last acquired first.</summary>
    private static IEnumerable<StatementSyntax> DisposeFrame(string resourcesName, int perFrame) =>
        Enumerable.Range(0, perFrame).Select(_ => (StatementSyntax)ExpressionStatement(ConditionalAccessExpression(
            InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(resourcesName), IdentifierName("Pop"))),
            InvocationExpression(MemberBindingExpression(IdentifierName("Dispose"))))));

    /// <summary>
    /// The statements around the loops: the resource stack, then <c>try { loops } finally { dispose what is left }</c>.
    /// </summary>
    private static IEnumerable<StatementSyntax> GuardResources(string resourcesName, string failureName, string exceptionName, bool annotations, List<StatementSyntax> loops)
    {
        TypeSyntax Nullable(TypeSyntax type) => annotations ? NullableType(type) : type;
        TypeSyntax Global(string name) => ParseTypeName("global::" + name).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);

        var stack = GenericName(Identifier("Stack"), TypeArgumentList(SingletonSeparatedList(Nullable(Global("System.IDisposable")))));
        var stackType = QualifiedName((NameSyntax)ParseName("global::System.Collections.Generic"), stack).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        yield return LocalDeclarationStatement(VariableDeclaration(IdentifierName("var"), SingletonSeparatedList(
            VariableDeclarator(Identifier(resourcesName)).WithInitializer(EqualsValueClause(ObjectCreationExpression(stackType).WithArgumentList(ArgumentList()))))));

        var dispatchInfo = "System.Runtime.ExceptionServices.ExceptionDispatchInfo";
        var failure = LocalDeclarationStatement(VariableDeclaration(Nullable(Global(dispatchInfo)), SingletonSeparatedList(
            VariableDeclarator(Identifier(failureName)).WithInitializer(EqualsValueClause(LiteralExpression(SyntaxKind.NullLiteralExpression))))));
        var capture = ExpressionStatement(AssignmentExpression(
            SyntaxKind.SimpleAssignmentExpression,
            IdentifierName(failureName),
            InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, Global(dispatchInfo), IdentifierName("Capture")),
                ArgumentList(SingletonSeparatedList(Argument(IdentifierName(exceptionName)))))));
        var disposeOne = TryStatement(
            MultiLineBlock(DisposeFrame(resourcesName, 1)),
            SingletonList(CatchClause(CatchDeclaration(Global("System.Exception"), Identifier(exceptionName)), null, MultiLineBlock(new StatementSyntax[] { capture }))),
            null);
        var more = BinaryExpression(
            SyntaxKind.GreaterThanExpression,
            MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(resourcesName), IdentifierName("Count")),
            LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(0)));
        var rethrow = ExpressionStatement(ConditionalAccessExpression(
            IdentifierName(failureName),
            InvocationExpression(MemberBindingExpression(IdentifierName("Throw")))));
        yield return TryStatement(
            MultiLineBlock(loops),
            default,
            FinallyClause(MultiLineBlock(new StatementSyntax[] { failure, WhileStatement(more, MultiLineBlock(new StatementSyntax[] { disposeOne })), rethrow })));
    }
}
