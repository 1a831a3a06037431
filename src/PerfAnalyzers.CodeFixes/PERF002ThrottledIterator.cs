using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using PerfAnalyzers.CodeFixes.Common;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF002, an iterator joined with <c>Task.WhenAll(Sends())</c> that <c>yield return</c>s one task per element
/// (a local function, or a method of the type in the same file): each yielded task becomes
/// <c>Throttled(() =&gt; F(x))</c>, where <c>Throttled</c> is an async local function of the iterator that waits for a
/// slot of a <see cref="SemaphoreSlim"/> declared at the top of the iterator, runs the work and frees the slot. The
/// iterator still yields one task per element, in order, so <c>WhenAll</c> returns the same results and reports every
/// failure; only how many run at once changes. Like the Select form, work past the first N starts when a slot frees
/// (on the thread that freed it), so there is no fix when it writes shared state, and none when it reads a local that
/// is assigned after its declaration (the delayed start would read a later value).
/// </summary>
internal static class PERF002ThrottledIterator
{
    internal const string Key = "PERF002.SemaphoreSlimIterator";
    internal const string Title = "Bound concurrency with a SemaphoreSlim inside the iterator";

    public static (SyntaxNode Owned, System.Action<SyntaxEditor> Edit)? Plan(
        SemanticModel model,
        InvocationExpressionSyntax call,
        ExpressionSyntax maxConcurrency,
        ISet<string> reserved,
        CancellationToken cancellationToken)
    {
        if (model.GetSymbolInfo(call, cancellationToken).Symbol is not IMethodSymbol { IsAsync: false } method ||
            method.ContainingType is { IsValueType: true } ||
            method.ReturnType is not INamedTypeSymbol { Name: "IEnumerable", TypeArguments.Length: 1 } sequence ||
            sequence.ContainingNamespace?.ToDisplayString() != "System.Collections.Generic" ||
            PlainTask(sequence.TypeArguments[0]) is not { } task)
        {
            return null;
        }

        var declaration = method.OriginalDefinition.DeclaringSyntaxReferences
            .Where(r => r.SyntaxTree == call.SyntaxTree)
            .Select(r => r.GetSyntax(cancellationToken))
            .FirstOrDefault();
        var body = declaration switch
        {
            LocalFunctionStatementSyntax local => local.Body,
            MethodDeclarationSyntax m => m.Body,
            _ => null,
        };
        if (body is null || declaration is null)
        {
            return null;
        }

        // The yields of this iterator (not of a nested function), each of a task.
        var yields = body.DescendantNodes(n => n is not AnonymousFunctionExpressionSyntax and not LocalFunctionStatementSyntax)
            .OfType<YieldStatementSyntax>()
            .Where(y => y.IsKind(SyntaxKind.YieldReturnStatement) && y.Expression is not null)
            .ToList();
        if (yields.Count == 0 ||
            body.DescendantNodes().Any(n => n is LockStatementSyntax or UnsafeStatementSyntax or FixedStatementSyntax or StackAllocArrayCreationExpressionSyntax))
        {
            return null;
        }

        foreach (var yield in yields)
        {
            if (!CanDelay(model, body, yield.Expression!, cancellationToken) ||
                SynchronousPrefix.WritesSharedState(model, body, yield.Expression!, cancellationToken))
            {
                return null;
            }
        }

        // Blocking on the tasks anywhere near (the caller or the iterator): the slot is awaited with ConfigureAwait(false).
        var caller = PERF002ThrottledSelector.EnclosingFunction(call) ?? call.SyntaxTree.GetRoot(cancellationToken);
        var blocking = PERF002ThrottledSelector.ContainsBlockingWait(caller) || PERF002ThrottledSelector.ContainsBlockingWait(body);

        var eol = PERF002ThrottledSelector.LineEnd(call);
        var position = body.OpenBraceToken.Span.End;
        var throttle = PERF002ThrottledSelector.Pick("throttle", declaration, model, position, reserved);
        var runner = PERF002ThrottledSelector.Pick("Throttled", declaration, model, position, reserved);
        var start = UniqueNames.Pick("start", candidate => model.LookupSymbols(position, name: candidate).Length > 0);
        var localFunction = Runner(model, position, task, runner, throttle, start, blocking, eol).WithLeadingTrivia(eol);
        var semaphore = PERF002ThrottledSelector.Declaration(throttle, maxConcurrency, eol, model, position);

        var newBody = body.ReplaceNodes(
            yields.Select(y => y.Expression!),
            (original, _) => SyntaxFactory.ParseExpression($"{runner}(() => {original.WithoutTrivia().ToFullString()})")
                .WithTriviaFrom(original)
                .WithAdditionalAnnotations(Formatter.Annotation));
        newBody = newBody.WithStatements(newBody.Statements.Insert(0, semaphore).Add(localFunction));
        return (declaration, editor => editor.ReplaceNode(body, newBody.WithAdditionalAnnotations(Formatter.Annotation)));
    }

    /// <summary>Task or Task&lt;T&gt; (not Task&lt;Task&gt;: StartNew of an async lambda ends at the lambda's first await, which would free the slot too early).</summary>
    internal static INamedTypeSymbol? PlainTask(ITypeSymbol? type) =>
        type is INamedTypeSymbol { Name: "Task" } task &&
        task.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks" &&
        !(task.IsGenericType && task.TypeArguments[0] is INamedTypeSymbol { Name: "Task" or "ValueTask" })
            ? task
            : null;

    /// <summary>
    /// <c>async Task Throttled(Func&lt;Task&gt; start) { await throttle.WaitAsync(); try { await start(); } finally { throttle.Release(); } }</c>
    /// (<c>Task&lt;T&gt;</c> and <c>return await</c> for tasks with a result; <c>ConfigureAwait(false)</c> when the code blocks on them).
    /// </summary>
    internal static StatementSyntax Runner(SemanticModel model, int position, INamedTypeSymbol task, string runner, string throttle, string start, bool blocking, SyntaxTrivia eol)
    {
        var configure = blocking ? ".ConfigureAwait(false)" : string.Empty;
        var taskName = PERF002ThrottledSelector.TypeName(model, position, "System.Threading.Tasks", "Task");
        var taskType = task.IsGenericType
            ? taskName + "<" + task.TypeArguments[0].ToMinimalDisplayString(model, position) + ">"
            : taskName;
        var run = task.IsGenericType ? $"return await {start}(){configure};" : $"await {start}(){configure};";
        var text = (
            $"async {taskType} {runner}({PERF002ThrottledSelector.TypeName(model, position, "System", "Func")}<{taskType}> {start})\n" +
            "{\n" +
            $"    await {throttle}.WaitAsync(){configure};\n" +
            "    try\n" +
            "    {\n" +
            $"        {run}\n" +
            "    }\n" +
            "    finally\n" +
            "    {\n" +
            $"        {throttle}.Release();\n" +
            "    }\n" +
            "}\n").Replace("\n", eol.ToFullString());
        return SyntaxFactory.ParseStatement(text).WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation);
    }

    /// <summary>
    /// The work can start later, from a lambda: every local or parameter it reads keeps the value it had at the yield
    /// (it is never assigned after its declaration: a <c>foreach</c> variable, a local set once), and none is ref-like.
    /// </summary>
    internal static bool CanDelay(SemanticModel model, SyntaxNode iterator, ExpressionSyntax work, CancellationToken cancellationToken)
    {
        var function = PERF002ThrottledSelector.EnclosingFunction(iterator.Parent!) ?? iterator.Parent!;
        var outermost = iterator.Ancestors().LastOrDefault(a => a is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or CompilationUnitSyntax) ?? function;
        foreach (var identifier in work.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
        {
            var symbol = model.GetSymbolInfo(identifier, cancellationToken).Symbol;
            ITypeSymbol? type = symbol switch
            {
                ILocalSymbol local => local.IsRef ? null : local.Type,
                IParameterSymbol parameter => parameter.RefKind != RefKind.None ? null : parameter.Type,
                _ => null,
            };
            if (symbol is not (ILocalSymbol or IParameterSymbol) ||
                symbol.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == work.SyntaxTree && work.Span.Contains(r.Span)))
            {
                // (A local or parameter of the work's own lambdas is read when it runs, as before.)
                continue;
            }

            if (type is null || type.IsRefLikeType || IsWritten(model, outermost, symbol, cancellationToken))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsWritten(SemanticModel model, SyntaxNode scope, ISymbol symbol, CancellationToken cancellationToken)
    {
        foreach (var identifier in scope.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (identifier.Identifier.ValueText != symbol.Name)
            {
                continue;
            }

            var parent = identifier.Parent;
            while (parent is ParenthesizedExpressionSyntax or TupleExpressionSyntax or ArgumentSyntax { Parent: TupleExpressionSyntax })
            {
                parent = parent.Parent;
            }

            var written = parent switch
            {
                AssignmentExpressionSyntax assignment => assignment.Left.Span.Contains(identifier.Span),
                PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression } => true,
                PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression or (int)SyntaxKind.PostDecrementExpression } => true,
                ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None),
                RefExpressionSyntax => true,
                _ => false,
            };
            if (written && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, symbol))
            {
                return true;
            }
        }

        return false;
    }
}
