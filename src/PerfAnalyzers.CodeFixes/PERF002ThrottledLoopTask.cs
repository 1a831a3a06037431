using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using PerfAnalyzers.CodeFixes.Common;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF002, a task started per iteration of a loop in synchronous code (<c>Task.Run</c>/<c>StartNew</c> per element
/// joined later with <c>Task.WaitAll</c>, or dropped): the loop cannot await a slot, and blocking it would block the
/// caller. So the task's start goes through <c>Throttled(() =&gt; F(x))</c>, an async local function declared after
/// the loop that waits for a slot of a <see cref="SemaphoreSlim"/> declared before it. The loop does not wait; the
/// task (now the throttled one, which ends when <c>F(x)</c>'s task ends, with its result or its exception) is stored,
/// joined or dropped as before. Work past the first N starts when a slot frees, so the same checks as the Select form
/// apply (no shared-state writes before the first await, no local read that is assigned later).
/// </summary>
internal static class PERF002ThrottledLoopTask
{
    internal const string Key = "PERF002.SemaphoreSlimLoopTask";
    internal const string Title = "Bound concurrency with a SemaphoreSlim around each task (the loop does not wait)";

    public static (SyntaxNode Owned, System.Action<SyntaxEditor> Edit)? Plan(
        SemanticModel model,
        InvocationExpressionSyntax work,
        ExpressionSyntax maxConcurrency,
        ISet<string> reserved,
        CancellationToken cancellationToken)
    {
        if (PERF002ThrottledIterator.PlainTask(model.GetTypeInfo(work, cancellationToken).Type) is not { } task)
        {
            return null;
        }

        // Synchronous code only (async code gets the form where the loop awaits a slot); a block-bodied function.
        // A List<T>.ForEach / Array.ForEach lambda cannot await a slot either, whatever the code around it: the
        // ForEach statement is the loop, and the semaphore and Throttled go around it in the enclosing function.
        var function = PERF002ThrottledSelector.EnclosingFunction(work);
        var perElement = PerElementStatement(model, function, cancellationToken);
        if (perElement is not null)
        {
            function = PERF002ThrottledSelector.EnclosingFunction(perElement);
        }

        if (function is null || (perElement is null && PERF002LoopSlot.CanAwait(function)) ||
            function is AnonymousFunctionExpressionSyntax { Body: not BlockSyntax } ||
            model.GetSymbolInfo(function, cancellationToken).Symbol is IMethodSymbol { ContainingType.IsValueType: true } ||
            model.GetDeclaredSymbol(function, cancellationToken) is IMethodSymbol { ContainingType.IsValueType: true })
        {
            return null;
        }

        var statement = work.Ancestors().OfType<StatementSyntax>().FirstOrDefault();
        if (statement is null || !function.Span.Contains(statement.Span))
        {
            return null;
        }

        StatementSyntax? loop = null;
        foreach (var ancestor in statement.Ancestors())
        {
            if (ancestor == function)
            {
                break;
            }

            if (ancestor is UnsafeStatementSyntax or FixedStatementSyntax)
            {
                return null;
            }

            if (ancestor is TryStatementSyntax { Catches.Count: > 0 } handled && handled.Block.Span.Contains(statement.Span) && !DroppedIntoEmptyCatches(work, statement, handled))
            {
                // A synchronous throw of F(x) was caught here; now it faults the throttled task instead.
                return null;
            }

            if (ancestor is ForStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax)
            {
                loop = (StatementSyntax)ancestor;
            }
        }

        loop ??= perElement;
        if (loop is null || loop.Parent is not BlockSyntax ||
            !PERF002ThrottledIterator.CanDelay(model, loop, work, cancellationToken) ||
            SynchronousPrefix.WritesSharedState(model, function, work, cancellationToken))
        {
            return null;
        }

        var eol = PERF002ThrottledSelector.LineEnd(work);
        var position = loop.SpanStart;
        var throttle = PERF002ThrottledSelector.Pick("throttle", function, model, position, reserved);
        var runner = PERF002ThrottledSelector.Pick("Throttled", function, model, position, reserved);
        var start = UniqueNames.Pick("start", candidate => model.LookupSymbols(position, name: candidate).Length > 0);
        var blocking = PERF002ThrottledSelector.ContainsBlockingWait(function);
        var localFunction = PERF002ThrottledIterator.Runner(model, position, task, runner, throttle, start, blocking, eol);
        var semaphore = PERF002ThrottledSelector.Declaration(throttle, maxConcurrency, eol, model, position);
        var throttled = SyntaxFactory.ParseExpression($"{runner}(() => {work.WithoutTrivia().ToFullString()})")
            .WithTriviaFrom(work)
            .WithAdditionalAnnotations(Formatter.Annotation);
        return (statement, editor =>
        {
            editor.ReplaceNode(work, throttled);
            PERF002ThrottledSelector.InsertBefore(editor, loop, semaphore);
            editor.InsertAfter(loop, localFunction.WithLeadingTrivia(eol));
        });
    }

    /// <summary>
    /// The statement <c>xs.ForEach(lambda);</c> (<c>List&lt;T&gt;.ForEach</c> or <c>Array.ForEach</c>) whose lambda (not
    /// async) is <paramref name="function"/>: it runs the lambda once per element, there and then, like a loop.
    /// </summary>
    private static ExpressionStatementSyntax? PerElementStatement(SemanticModel model, SyntaxNode? function, CancellationToken cancellationToken)
    {
        if (function is not AnonymousFunctionExpressionSyntax lambda || !lambda.AsyncKeyword.IsKind(SyntaxKind.None) ||
            lambda.Parent is not ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax { Parent: ExpressionStatementSyntax statement } call } } ||
            model.GetSymbolInfo(call, cancellationToken).Symbol is not IMethodSymbol { Name: "ForEach" } method)
        {
            return null;
        }

        var type = method.ContainingType.OriginalDefinition.ToDisplayString();
        return type is "System.Collections.Generic.List<T>" or "System.Array" ? statement : null;
    }

    /// <summary>The task is dropped (<c>_ = F(x);</c> or <c>F(x);</c>) and every catch around it is empty: a throw was ignored, and still is.</summary>
    private static bool DroppedIntoEmptyCatches(ExpressionSyntax work, StatementSyntax statement, TryStatementSyntax handled)
    {
        var dropped = statement is ExpressionStatementSyntax { Expression: var expression } &&
            (expression == work || expression is AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" } } discard && discard.Right == work);
        return dropped && handled.Catches.All(c => c.Block.Statements.Count == 0 && c.Filter is null);
    }
}
