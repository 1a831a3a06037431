using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF002, a task started per iteration of a loop in an async method (<c>tasks.Add(F(x))</c> in any position,
/// <c>array[i] = F(x)</c>, <c>map[k] = F(x)</c>, <c>var t = Task.Run(...)</c>, <c>_ = F(x)</c>, <c>Task.Run(...);</c>):
/// the iteration first awaits a slot of a <see cref="SemaphoreSlim"/> declared before the outermost loop, and the
/// slot is freed when the task ends. The task itself is stored, joined or dropped exactly as before (same results,
/// same exceptions, fire-and-forget stays fire-and-forget); <c>F(x)</c> still starts on the loop's thread, in order.
/// What changes: the loop waits while N tasks run.
/// </summary>
internal static class PERF002LoopSlot
{
    internal const string Key = "PERF002.SemaphoreSlimLoop";
    internal const string Title = "Bound concurrency with a SemaphoreSlim (the loop waits for a free slot)";

    public static (SyntaxNode Owned, System.Action<SyntaxEditor> Edit)? Plan(
        SemanticModel model,
        InvocationExpressionSyntax work,
        ExpressionSyntax maxConcurrency,
        ISet<string> reserved,
        CancellationToken cancellationToken)
    {
        // Task or Task<T>; Task<Task> only from Task.Factory.StartNew (of an async lambda), whose outer task ends at
        // the lambda's first await: the slot is freed when the inner task ends (Unwrap), the outer one is kept as it was.
        if (model.GetTypeInfo(work, cancellationToken).Type is not INamedTypeSymbol { Name: "Task" } task ||
            task.ContainingNamespace?.ToDisplayString() != "System.Threading.Tasks")
        {
            return null;
        }

        var unwrap = false;
        if (task.IsGenericType && task.TypeArguments[0] is INamedTypeSymbol { Name: "Task" or "ValueTask" } inner)
        {
            if (inner.Name != "Task" || inner.ContainingNamespace?.ToDisplayString() != "System.Threading.Tasks" ||
                model.GetOperation(work, cancellationToken) is not IInvocationOperation { TargetMethod: { Name: "StartNew", ContainingType.Name: "TaskFactory" } })
            {
                return null;
            }

            unwrap = true;
        }

        var function = PERF002ThrottledSelector.EnclosingFunction(work);
        if (!CanAwait(function))
        {
            return null;
        }

        var statement = work.Ancestors().OfType<StatementSyntax>().FirstOrDefault();
        if (statement is not (ExpressionStatementSyntax or LocalDeclarationStatementSyntax) ||
            (function is not null && !function.Span.Contains(statement.Span)) ||
            !EvaluatedUnconditionally(work, statement) ||
            OtherPartsHaveEffects(work, statement) ||
            model.LookupSymbols(work.SpanStart, name: "_").Length > 0)
        {
            return null;
        }

        // The outermost loop of the function, with nothing between the statement and it that forbids await.
        StatementSyntax? loop = null;
        foreach (var ancestor in statement.Ancestors())
        {
            if (ancestor == function)
            {
                break;
            }

            if (ancestor is LockStatementSyntax or UnsafeStatementSyntax or FixedStatementSyntax)
            {
                return null;
            }

            if (ancestor is ForStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax)
            {
                loop = (StatementSyntax)ancestor;
            }
        }

        if (loop is null || loop.Parent is not (BlockSyntax or GlobalStatementSyntax))
        {
            return null;
        }

        var scope = function ?? work.SyntaxTree.GetRoot(cancellationToken);
        var eol = PERF002ThrottledSelector.LineEnd(work);
        var name = PERF002ThrottledSelector.Pick("throttle", scope, model, loop.SpanStart, reserved);
        var scheduler = PERF002ThrottledSelector.TypeName(model, work.SpanStart, "System.Threading.Tasks", "TaskScheduler");
        var release = $"{(unwrap ? ".Unwrap()" : "")}.ContinueWith(_ => {name}.Release(), {scheduler}.Default)";
        var wait = Formatted(eol, SyntaxFactory.ParseStatement($"await {name}.WaitAsync();"));

        var replacement = new List<StatementSyntax> { wait };
        var stripped = Strip(statement switch
        {
            ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" }, Right: var right } } => right,
            ExpressionStatementSyntax expressionStatement => expressionStatement.Expression,
            _ => null,
        });
        if (stripped == work)
        {
            // The task was dropped: it still is, with the slot freed when it ends.
            replacement.Add(Formatted(eol, SyntaxFactory.ParseStatement($"_ = {work.WithoutTrivia().ToFullString()}{release};")).WithTriviaFrom(statement));
        }
        else if (statement is LocalDeclarationStatementSyntax { Declaration.Variables: { Count: 1 } variables } declaration &&
            Strip(variables[0].Initializer?.Value) == work && declaration.UsingKeyword.IsKind(SyntaxKind.None))
        {
            replacement.Add(statement.WithoutLeadingTrivia().WithAdditionalAnnotations(Formatter.Annotation));
            replacement.Add(Formatted(eol, SyntaxFactory.ParseStatement($"_ = {variables[0].Identifier.ValueText}{release};")));
        }
        else
        {
            var taskName = PERF002ThrottledSelector.Pick("task", scope, model, statement.SpanStart, reserved);
            replacement.Add(Formatted(eol, SyntaxFactory.ParseStatement($"var {taskName} = {work.WithoutTrivia().ToFullString()};")));
            replacement.Add(Formatted(eol, SyntaxFactory.ParseStatement($"_ = {taskName}{release};")));
            replacement.Add(statement.ReplaceNode(work, SyntaxFactory.IdentifierName(taskName).WithTriviaFrom(work))
                .WithoutLeadingTrivia().WithAdditionalAnnotations(Formatter.Annotation));
        }

        replacement[0] = replacement[0].WithLeadingTrivia(statement.GetLeadingTrivia());
        replacement[replacement.Count - 1] = replacement[replacement.Count - 1].WithTrailingTrivia(statement.GetTrailingTrivia());
        var declarationStatement = PERF002ThrottledSelector.Declaration(name, maxConcurrency, eol, model, loop.SpanStart);
        return (statement, editor =>
        {
            if (statement.Parent is BlockSyntax)
            {
                editor.InsertBefore(statement, replacement.Take(replacement.Count - 1));
                editor.ReplaceNode(statement, replacement[replacement.Count - 1]);
            }
            else
            {
                replacement[replacement.Count - 1] = replacement[replacement.Count - 1].WithTrailingTrivia(eol);
                editor.ReplaceNode(statement, SyntaxFactory.Block(replacement.Select(s => s.WithLeadingTrivia(SyntaxFactory.ElasticMarker)))
                    .WithTrailingTrivia(statement.GetTrailingTrivia()).WithAdditionalAnnotations(Formatter.Annotation));
            }

            PERF002ThrottledSelector.InsertBefore(editor, loop, declarationStatement);
        });
    }

    private static StatementSyntax Formatted(SyntaxTrivia eol, StatementSyntax statement) =>
        statement.WithTrailingTrivia(eol).WithAdditionalAnnotations(Formatter.Annotation, Microsoft.CodeAnalysis.Simplification.Simplifier.Annotation);

    /// <summary>An async method, local function or lambda, or top-level code: <c>await</c> is allowed.</summary>
    internal static bool CanAwait(SyntaxNode? function) => function switch
    {
        null => true,
        AnonymousFunctionExpressionSyntax lambda => lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword) && lambda is not AnonymousMethodExpressionSyntax,
        MethodDeclarationSyntax method => method.Modifiers.Any(SyntaxKind.AsyncKeyword),
        LocalFunctionStatementSyntax local => local.Modifiers.Any(SyntaxKind.AsyncKeyword),
        _ => false,
    };

    private static ExpressionSyntax? Strip(ExpressionSyntax? expression)
    {
        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        return expression;
    }

    /// <summary>The task is started every time the statement runs: it is an argument, an assigned value or an initializer, not a branch.</summary>
    internal static bool EvaluatedUnconditionally(SyntaxNode work, StatementSyntax statement)
    {
        for (var node = work.Parent; node is not null && node != statement; node = node.Parent)
        {
            if (node is not (ArgumentSyntax or ArgumentListSyntax or InvocationExpressionSyntax or AssignmentExpressionSyntax or
                EqualsValueClauseSyntax or VariableDeclaratorSyntax or VariableDeclarationSyntax or ParenthesizedExpressionSyntax or CastExpressionSyntax))
            {
                return false;
            }

            if (node is AssignmentExpressionSyntax assignment && (!assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) || !assignment.Right.Span.Contains(work.Span)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Parts of the statement evaluated around the task's start (the list, the index, other arguments) that could
    /// observe the new order: calls, creations, assignments, increments and awaits outside the task's own call.
    /// </summary>
    private static bool OtherPartsHaveEffects(SyntaxNode work, StatementSyntax statement)
    {
        foreach (var node in statement.DescendantNodes(n => n != work))
        {
            if (node == work || node.Span.Contains(work.Span))
            {
                continue;
            }

            if (node is InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax or AssignmentExpressionSyntax or
                PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression or (int)SyntaxKind.PostDecrementExpression } or
                PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression } or
                AwaitExpressionSyntax or AnonymousFunctionExpressionSyntax)
            {
                return true;
            }
        }

        return false;
    }
}
