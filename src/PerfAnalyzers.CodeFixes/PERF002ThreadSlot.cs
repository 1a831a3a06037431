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
/// PERF002, a thread or a thread-pool work item started per iteration of a loop
/// (<c>new Thread(() =&gt; Work(x)).Start();</c>, <c>ThreadPool.QueueUserWorkItem(_ =&gt; Work(x));</c>): there is no task
/// to free a slot when the work ends, so the work itself frees it. The iteration first takes a slot of a
/// <see cref="SemaphoreSlim"/> declared before the outermost loop (<c>throttle.Wait()</c>, or <c>await
/// throttle.WaitAsync()</c> where the code can await), and the started delegate's body runs in
/// <c>try { ... } finally { throttle.Release(); }</c>. Everything else stays: the same thread (its name, background
/// flag, stack size, apartment), the same work item, started by the loop's thread in order, an unhandled exception
/// still ends the process as before (the slot is freed first). What changes, as the title says: the loop waits while N
/// threads (or work items) run, so the caller continues only once the last N have started. Offered for a lambda
/// (not an async one: it would free the slot at its first await) whose start is the whole statement.
/// </summary>
internal static class PERF002ThreadSlot
{
    internal const string Key = "PERF002.SemaphoreSlimThread";
    internal const string Title = "Bound concurrency with a SemaphoreSlim (the loop waits for a free thread)";

    public static (SyntaxNode Owned, System.Action<SyntaxEditor> Edit)? Plan(
        SemanticModel model,
        InvocationExpressionSyntax work,
        ExpressionSyntax maxConcurrency,
        ISet<string> reserved,
        CancellationToken cancellationToken)
    {
        if (model.GetOperation(work, cancellationToken) is not IInvocationOperation invocation ||
            work.Parent is not ExpressionStatementSyntax statement ||
            StartedLambda(invocation) is not { } lambda ||
            !lambda.AsyncKeyword.IsKind(SyntaxKind.None) ||
            model.GetSymbolInfo(lambda, cancellationToken).Symbol is not IMethodSymbol { ReturnsVoid: true })
        {
            return null;
        }

        var function = PERF002ThrottledSelector.EnclosingFunction(work);
        var canAwait = PERF002LoopSlot.CanAwait(function);
        if (function is AnonymousFunctionExpressionSyntax { Body: not BlockSyntax } || (function is not null && !function.Span.Contains(statement.Span)))
        {
            return null;
        }

        // The outermost loop of the function (one semaphore for nested loops), with no lock around an await.
        StatementSyntax? loop = null;
        foreach (var ancestor in statement.Ancestors())
        {
            if (ancestor == function)
            {
                break;
            }

            if (canAwait && ancestor is LockStatementSyntax or UnsafeStatementSyntax or FixedStatementSyntax)
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
        var body = lambda.Body switch
        {
            BlockSyntax block => block.Statements.ToFullString(),
            ExpressionSyntax expression => expression.WithoutTrivia().ToFullString() + ";",
            _ => null,
        };
        if (body is null)
        {
            return null;
        }

        var newBody = (BlockSyntax)SyntaxFactory.ParseStatement($"{{ try {{ {body} }} finally {{ {name}.Release(); }} }}");
        var newLambda = lambda.WithBody(newBody.WithAdditionalAnnotations(Formatter.Annotation));
        if (lambda.ExpressionBody is not null)
        {
            newLambda = lambda switch
            {
                SimpleLambdaExpressionSyntax simple => simple.WithExpressionBody(null).WithBlock(newBody),
                ParenthesizedLambdaExpressionSyntax parenthesized => parenthesized.WithExpressionBody(null).WithBlock(newBody),
                _ => newLambda,
            };
            newLambda = newLambda.WithAdditionalAnnotations(Formatter.Annotation);
        }

        var wait = SyntaxFactory.ParseStatement(canAwait ? $"await {name}.WaitAsync();" : $"{name}.Wait();")
            .WithLeadingTrivia(statement.GetLeadingTrivia())
            .WithTrailingTrivia(eol)
            .WithAdditionalAnnotations(Formatter.Annotation);
        var started = statement.ReplaceNode(lambda, newLambda).WithoutLeadingTrivia().WithAdditionalAnnotations(Formatter.Annotation);
        var declaration = PERF002ThrottledSelector.Declaration(name, maxConcurrency, eol, model, loop.SpanStart);
        return (statement, editor =>
        {
            if (statement.Parent is BlockSyntax)
            {
                editor.InsertBefore(statement, wait);
                editor.ReplaceNode(statement, started);
            }
            else
            {
                editor.ReplaceNode(statement, SyntaxFactory.Block(wait.WithLeadingTrivia(SyntaxFactory.ElasticMarker), started.WithLeadingTrivia(SyntaxFactory.ElasticMarker).WithTrailingTrivia(eol))
                    .WithTrailingTrivia(statement.GetTrailingTrivia()).WithAdditionalAnnotations(Formatter.Annotation));
            }

            PERF002ThrottledSelector.InsertBefore(editor, loop, declaration);
        });
    }

    /// <summary>The lambda a <c>new Thread(lambda).Start()</c> or <c>ThreadPool.QueueUserWorkItem(lambda, ...)</c> runs.</summary>
    private static LambdaExpressionSyntax? StartedLambda(IInvocationOperation invocation)
    {
        IOperation? started = null;
        switch (invocation.TargetMethod)
        {
            case { Name: "Start", ContainingType: { Name: "Thread" } type } when InSystemThreading(type):
                var instance = invocation.Instance;
                while (instance is IConversionOperation { IsImplicit: true } conversion)
                {
                    instance = conversion.Operand;
                }

                if (instance is IObjectCreationOperation { Arguments.Length: > 0 } creation)
                {
                    started = creation.Arguments[0].Value;
                }

                break;
            case { Name: "QueueUserWorkItem", ContainingType: { Name: "ThreadPool" } type } when InSystemThreading(type) && invocation.Arguments.Length > 0:
                started = invocation.Arguments[0].Value;
                break;
        }

        return started is IDelegateCreationOperation { Target: IAnonymousFunctionOperation { Syntax: LambdaExpressionSyntax lambda } } ? lambda : null;
    }

    private static bool InSystemThreading(INamedTypeSymbol type) => type.ContainingNamespace?.ToDisplayString() == "System.Threading";
}
