using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using PerfAnalyzers.CodeFixes.Common;
using PerfAnalyzers.Rules;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF002: bounds <c>await Task.WhenAll(source.Select(selector))</c>.
/// <list type="bullet">
/// <item>Result not used, tasks without a result → <c>await Parallel.ForEachAsync(source, new ParallelOptions { MaxDegreeOfParallelism = N }, (x, cancellationToken) =&gt; ...)</c>.</item>
/// <item>Tasks with a result (used or not) → <c>await BoundedParallel.SelectAsync(source, selector, maxConcurrency: N)</c>,
/// which returns the results in source order as <c>WhenAll</c> does; offered only when PerfAnalyzers.Runtime is referenced.</item>
/// </list>
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PERF002BoundConcurrencyCodeFix)), Shared]
public sealed class PERF002BoundConcurrencyCodeFix : CodeFixProvider
{
    internal const string ParallelForEachKey = "PERF002.ParallelForEachAsync";
    internal const string BoundedSelectKey = "PERF002.BoundedParallelSelectAsync";
    internal const string AsyncLambdaKey = "PERF002.ParallelForEachAsyncLambda";
    internal const string RuntimeNamespace = "PerfAnalyzers.Runtime.Concurrency";
    internal const int DefaultIoConcurrency = 16;

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(PERF002UnboundedTaskSpawningAnalyzer.RuleId);

    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (Plan(root, model, diagnostic, new HashSet<string>(), context.CancellationToken) is not { } plan)
            {
                continue;
            }

            var title = plan.Key switch
            {
                ParallelForEachKey => "Bound concurrency with Parallel.ForEachAsync",
                BoundedSelectKey => "Bound concurrency with BoundedParallel.SelectAsync",
                PERF002ThrottledSelector.Key => PERF002ThrottledSelector.Title,
                PERF002ThrottledIterator.Key => PERF002ThrottledIterator.Title,
                PERF002ThrottledLoopTask.Key => PERF002ThrottledLoopTask.Title,
                PERF002ThreadSlot.Key => PERF002ThreadSlot.Title,
                AsyncLambdaKey => "Use Parallel.ForEachAsync (each element's async work is now awaited, not async void)",
                _ => PERF002LoopSlot.Title,
            };
            context.RegisterCodeFix(
                CodeAction.Create(title, c => ApplyAsync(context.Document, root, new[] { plan }, c), plan.Key),
                diagnostic);
        }
    }

    private static async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var plans = new List<FixPlan>();
        var reserved = new HashSet<string>();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            // Every fixable diagnostic, whatever the equivalence key Fix All was started with: dotnet format passes the
            // key of the first diagnostic it meets (none when that one has no fix), and one run must fix everything.
            if (Plan(root, model, diagnostic, reserved, context.CancellationToken) is { } plan &&
                !plans.Any(p => p.Original == plan.Original))
            {
                // (One iterator joined at two sites is rewritten once.)
                plans.Add(plan);
            }
        }

        // A fix nested inside another's replaced text would be lost: leave it for a later pass.
        plans.RemoveAll(inner => plans.Any(outer => !ReferenceEquals(outer, inner) && outer.Original.Span.Contains(inner.Original.Span)));
        return await ApplyAsync(document, root, plans, context.CancellationToken).ConfigureAwait(false);
    }

    private static async Task<Document> ApplyAsync(Document document, SyntaxNode root, IReadOnlyList<FixPlan> plans, CancellationToken cancellationToken)
    {
        var editor = new SyntaxEditor(root, document.Project.Solution.Workspace.Services);
        foreach (var plan in plans)
        {
            if (plan.Edit is not null)
            {
                plan.Edit(editor);
                continue;
            }

            foreach (var removed in plan.Removed)
            {
                editor.RemoveNode(removed, SyntaxRemoveOptions.KeepNoTrivia);
            }

            editor.ReplaceNode(plan.Original, plan.Replacement);
        }

        var newRoot = editor.GetChangedRoot();
        if (plans.Any(p => p.NeedsRuntimeImport) && newRoot is CompilationUnitSyntax unit && !HasUsing(unit, RuntimeNamespace))
        {
            var endOfLine = unit.DescendantTrivia().FirstOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
            if (endOfLine == default)
            {
                endOfLine = SyntaxFactory.ElasticCarriageReturnLineFeed;
            }

            var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(RuntimeNamespace))
                .WithUsingKeyword(SyntaxFactory.Token(SyntaxKind.UsingKeyword).WithTrailingTrivia(SyntaxFactory.Space))
                .WithTrailingTrivia(endOfLine);
            newRoot = unit.Usings.Count > 0
                ? unit.WithUsings(unit.Usings.Add(directive))
                : unit.WithUsings(SyntaxFactory.SingletonList(directive.WithTrailingTrivia(endOfLine, endOfLine)));
        }

        var result = document.WithSyntaxRoot(newRoot);
        if (plans.Any(p => p.Edit is not null))
        {
            // The SemaphoreSlim forms build blocks: lay them out (only nodes they annotated).
            result = await Simplifier.ReduceAsync(result, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            // Line breaks the fix adds take the document's line end (the formatter's default is the workspace's).
            var options = result.Project.Solution.Options.WithChangedOption(
                FormattingOptions.NewLine, LanguageNames.CSharp, PERF002ThrottledSelector.LineEnd(newRoot).ToFullString());
            result = await Formatter.FormatAsync(result, Formatter.Annotation, options, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private static bool HasUsing(CompilationUnitSyntax unit, string name)
    {
        foreach (var directive in unit.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax).OfType<UsingDirectiveSyntax>())
        {
            if (directive.Alias is null && directive.StaticKeyword.IsKind(SyntaxKind.None) && directive.Name?.ToString() == name)
            {
                return true;
            }
        }

        return false;
    }

    private sealed class FixPlan(SyntaxNode original, SyntaxNode replacement, string key, bool needsRuntimeImport, params SyntaxNode[] removed)
    {
        /// <summary>A fix that edits several places (the SemaphoreSlim forms); <see cref="Original"/> is the span it owns.</summary>
        public FixPlan(SyntaxNode original, string key, System.Action<SyntaxEditor> edit)
            : this(original, original, key, needsRuntimeImport: false)
        {
            Edit = edit;
        }

        public System.Action<SyntaxEditor>? Edit { get; }

        public SyntaxNode Original { get; } = original;

        /// <summary>Statements deleted along with the replacement (the loop form's declaration and loop).</summary>
        public IReadOnlyList<SyntaxNode> Removed { get; } = removed;

        public SyntaxNode Replacement { get; } = replacement;

        public string Key { get; } = key;

        public bool NeedsRuntimeImport { get; } = needsRuntimeImport;
    }

    /// <summary>
    /// The fix for one diagnostic: the Parallel.ForEachAsync/BoundedParallel forms where they apply, else a
    /// SemaphoreSlim around each element (Select forms) or a slot awaited per iteration (loops in async code).
    /// </summary>
    private static FixPlan? Plan(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, ISet<string> reserved, CancellationToken cancellationToken)
    {
        if (PlanBoundedForm(root, model, diagnostic, cancellationToken) is { } plan)
        {
            return plan;
        }

        if (!diagnostic.Properties.TryGetValue(PERF002UnboundedTaskSpawningAnalyzer.FormProperty, out var form) ||
            root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax invocation ||
            model.GetOperation(invocation, cancellationToken) is not IInvocationOperation operation)
        {
            return null;
        }

        (SyntaxNode Owned, System.Action<SyntaxEditor> Edit)? edit;
        string key;
        switch (form)
        {
            case PERF002UnboundedTaskSpawningAnalyzer.FormSpawnInLoop or PERF002UnboundedTaskSpawningAnalyzer.FormStoredInLoop:
                edit = PERF002LoopSlot.Plan(model, invocation, MaxConcurrency(diagnostic, operation), reserved, cancellationToken);
                key = PERF002LoopSlot.Key;
                if (edit is null)
                {
                    edit = PERF002ThrottledLoopTask.Plan(model, invocation, MaxConcurrency(diagnostic, operation), reserved, cancellationToken);
                    key = PERF002ThrottledLoopTask.Key;
                }

                if (edit is null)
                {
                    edit = PERF002ThreadSlot.Plan(model, invocation, MaxConcurrency(diagnostic, operation), reserved, cancellationToken);
                    key = PERF002ThreadSlot.Key;
                }

                break;
            case PERF002UnboundedTaskSpawningAnalyzer.FormWhenAllSelect or PERF002UnboundedTaskSpawningAnalyzer.FormMaterializedSelect or
                PERF002UnboundedTaskSpawningAnalyzer.FormSelectThroughLocal or PERF002UnboundedTaskSpawningAnalyzer.FormStoredSelect:
                if (operation.Arguments.Length != 2 || ArgumentSyntaxOf(operation.Arguments[1]) is not { } selector)
                {
                    return null;
                }

                edit = PERF002ThrottledSelector.Plan(model, operation, selector, MaxConcurrency(diagnostic, operation.Arguments[1].Value), reserved, cancellationToken);
                key = PERF002ThrottledSelector.Key;
                break;
            case PERF002UnboundedTaskSpawningAnalyzer.FormIterator:
                edit = PERF002ThrottledIterator.Plan(model, invocation, MaxConcurrency(diagnostic, operation), reserved, cancellationToken);
                key = PERF002ThrottledIterator.Key;
                break;
            default:
                return null;
        }

        return edit is { } e ? new FixPlan(e.Owned, key, e.Edit) : null;
    }

    private static FixPlan? PlanBoundedForm(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (!diagnostic.Properties.TryGetValue(PERF002UnboundedTaskSpawningAnalyzer.FormProperty, out var form))
        {
            return null;
        }

        if (form is PERF002UnboundedTaskSpawningAnalyzer.FormStoredInLoop or PERF002UnboundedTaskSpawningAnalyzer.FormSpawnInLoop)
        {
            return PlanLoop(root, model, diagnostic, cancellationToken);
        }

        if (form == PERF002UnboundedTaskSpawningAnalyzer.FormParallelForEachAsyncLambda)
        {
            return PlanAsyncLambda(root, model, diagnostic, cancellationToken);
        }

        if (form != PERF002UnboundedTaskSpawningAnalyzer.FormWhenAllSelect)
        {
            return null;
        }

        if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax selectSyntax ||
            model.GetOperation(selectSyntax, cancellationToken) is not IInvocationOperation select ||
            select.Arguments.Length != 2 ||
            select.TargetMethod.Parameters.Length != 2 ||
            select.TargetMethod.Parameters[1].Type is not INamedTypeSymbol { TypeArguments.Length: 2 })
        {
            return null;
        }

        // Task.WhenAll(source.Select(selector)) with the Select as its only argument, awaited.
        if (Parent(select) is not IArgumentOperation { Parent: IInvocationOperation whenAll } ||
            whenAll.TargetMethod.Name != "WhenAll" ||
            whenAll.Arguments.Length != 1 ||
            whenAll.Syntax is not InvocationExpressionSyntax whenAllSyntax ||
            !IsAwaited(whenAll, out var resultUsed))
        {
            return null;
        }

        var sourceSyntax = ArgumentSyntaxOf(select.Arguments[0]);
        var selectorSyntax = ArgumentSyntaxOf(select.Arguments[1]);
        if (sourceSyntax is null || selectorSyntax is null)
        {
            return null;
        }

        // The code before each element's first await ran one element at a time on the caller's thread; bounded, it
        // runs on several threads at once: no fix when it writes shared state.
        if (SynchronousPrefix.WritesSharedState(model, selectorSyntax, cancellationToken))
        {
            return null;
        }

        var elementType = (INamedTypeSymbol)((INamedTypeSymbol)select.TargetMethod.ReturnType).TypeArguments[0];
        var hasResult = elementType.IsGenericType;
        var maxConcurrency = MaxConcurrency(diagnostic, select.Arguments[1].Value);

        if (hasResult)
        {
            // Results in source order, like WhenAll: BoundedParallel.SelectAsync, when the runtime is referenced.
            if (model.Compilation.GetTypeByMetadataName(RuntimeNamespace + ".BoundedParallel") is null ||
                elementType.OriginalDefinition.ToDisplayString() != "System.Threading.Tasks.Task<TResult>")
            {
                return null;
            }

            var call = WrapIfLong(BoundedSelect(sourceSyntax.WithoutTrivia(), selectorSyntax.WithoutTrivia(), maxConcurrency), whenAllSyntax, root);
            return new FixPlan(whenAllSyntax, call.WithTriviaFrom(whenAllSyntax), BoundedSelectKey, needsRuntimeImport: true);
        }

        if (resultUsed || elementType.ToDisplayString() != "System.Threading.Tasks.Task")
        {
            return null;
        }

        var outerToken = OuterToken(model, whenAllSyntax, cancellationToken);
        var body = ForEachBody(selectorSyntax, model, select.Arguments[1].Value, outerToken);
        if (body is null)
        {
            return null;
        }

        var forEach = WrapIfLong(ParallelForEach(sourceSyntax.WithoutTrivia(), body, maxConcurrency, outerToken), whenAllSyntax, root);
        return new FixPlan(whenAllSyntax, forEach.WithTriviaFrom(whenAllSyntax), ParallelForEachKey, needsRuntimeImport: false);
    }

    /// <summary>
    /// The canonical loop, exactly: <c>var tasks = new List&lt;Task&gt;(); foreach (var x in xs) tasks.Add(F(x)); await Task.WhenAll(tasks);</c>
    /// (<c>List&lt;Task&lt;T&gt;&gt;</c> with <c>var results = await Task.WhenAll(tasks);</c> too), with <c>tasks</c> used nowhere else.
    /// </summary>
    private static FixPlan? PlanLoop(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax work ||
            work.Parent is not ArgumentSyntax { NameColon: null, Parent: ArgumentListSyntax { Arguments.Count: 1, Parent: InvocationExpressionSyntax add } } ||
            add.Expression is not MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax listName, Name.Identifier.ValueText: "Add" } ||
            add.Parent is not ExpressionStatementSyntax addStatement)
        {
            return null;
        }

        var loopNode = addStatement.Parent is BlockSyntax { Statements.Count: 1 } loopBlock ? loopBlock.Parent : addStatement.Parent;
        if (loopNode is not ForEachStatementSyntax { AwaitKeyword.RawKind: 0 } loop ||
            !loop.Type.IsVar ||
            loop.Parent is not BlockSyntax block)
        {
            return null;
        }

        var index = block.Statements.IndexOf(loop);
        if (index < 1 || index + 1 >= block.Statements.Count ||
            block.Statements[index - 1] is not LocalDeclarationStatementSyntax { Declaration.Variables.Count: 1 } declaration ||
            declaration.Declaration.Variables[0] is not { Initializer.Value: BaseObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: 0, Initializer: null } } declarator ||
            declarator.Identifier.ValueText != listName.Identifier.ValueText)
        {
            return null;
        }

        var list = model.GetDeclaredSymbol(declarator, cancellationToken) as ILocalSymbol;
        if (list?.Type is not INamedTypeSymbol { Name: "List", TypeArguments.Length: 1 } listType ||
            listType.ContainingNamespace?.ToDisplayString() != "System.Collections.Generic" ||
            listType.TypeArguments[0] is not INamedTypeSymbol taskType ||
            taskType.ContainingNamespace?.ToDisplayString() != "System.Threading.Tasks" ||
            taskType.Name != "Task" ||
            (taskType.IsGenericType && taskType.TypeArguments[0] is INamedTypeSymbol { Name: "Task" or "ValueTask" }))
        {
            // (A List<Task<Task>> of StartNew(async ...): a bounded SelectAsync would free each slot when the outer task
            // ends, at the lambda's first await — no bound at all. The loop-slot form unwraps it.)
            return null;
        }

        // The third statement: await Task.WhenAll(tasks), as a statement or a local's initializer.
        var after = block.Statements[index + 1];
        var whenAllSyntax = after.DescendantNodes().OfType<InvocationExpressionSyntax>().FirstOrDefault(i =>
            i.ArgumentList.Arguments.Count == 1 && i.ArgumentList.Arguments[0].Expression is IdentifierNameSyntax { Identifier.ValueText: var name } && name == listName.Identifier.ValueText);
        if (whenAllSyntax is null ||
            model.GetOperation(whenAllSyntax, cancellationToken) is not IInvocationOperation { TargetMethod.Name: "WhenAll" } whenAll ||
            whenAll.TargetMethod.ContainingType?.ToDisplayString() != "System.Threading.Tasks.Task" ||
            !IsAwaited(whenAll, out var resultUsed) ||
            (resultUsed && after is not LocalDeclarationStatementSyntax))
        {
            return null;
        }

        // The list must be used only by the Add and the WhenAll.
        var body = block.Ancestors().FirstOrDefault(a => a is BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax or AccessorDeclarationSyntax or CompilationUnitSyntax) ?? block;
        var uses = 0;
        foreach (var identifier in body.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (identifier.Identifier.ValueText == listName.Identifier.ValueText &&
                SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, list))
            {
                uses++;
            }
        }

        if (uses != 2 || model.GetOperation(work, cancellationToken) is not { } workOperation ||
            SynchronousPrefix.WritesSharedState(model, work, work, cancellationToken))
        {
            return null;
        }

        var hasResult = taskType.IsGenericType;
        var maxConcurrency = MaxConcurrency(diagnostic, workOperation);
        var source = loop.Expression.WithoutTrivia();
        var parameter = SyntaxFactory.Parameter(loop.Identifier.WithoutTrivia());
        ExpressionSyntax replacement;
        if (hasResult)
        {
            if (model.Compilation.GetTypeByMetadataName(RuntimeNamespace + ".BoundedParallel") is null)
            {
                return null;
            }

            var selector = SyntaxFactory.SimpleLambdaExpression(parameter, work.WithoutTrivia()).WithArrowToken(Arrow());
            replacement = BoundedSelect(source, selector, maxConcurrency);
        }
        else
        {
            var outerToken = OuterToken(model, work, cancellationToken);
            var tokenName = outerToken ?? UniqueName(model, work, "cancellationToken");
            var lambda = SyntaxFactory.ParenthesizedLambdaExpression(
                SyntaxFactory.ParameterList(SyntaxFactory.SeparatedList(new[]
                {
                    parameter,
                    SyntaxFactory.Parameter(SyntaxFactory.Identifier(tokenName)).WithLeadingTrivia(SyntaxFactory.Space),
                })),
                WrapInValueTask(work.WithoutTrivia())).WithArrowToken(Arrow());
            replacement = ParallelForEach(source, lambda, maxConcurrency, outerToken);
        }

        replacement = WrapIfLong(replacement, whenAllSyntax, root);
        var newAfter = after.ReplaceNode(whenAllSyntax, replacement.WithTriviaFrom(whenAllSyntax))
            .WithLeadingTrivia(declaration.GetLeadingTrivia());
        return new FixPlan(after, newAfter, hasResult ? BoundedSelectKey : ParallelForEachKey, needsRuntimeImport: hasResult, declaration, loop);
    }

    /// <summary>
    /// <c>Parallel.ForEach(source, [options,] async x =&gt; body);</c> (an async void per element) in code that can await →
    /// <c>await Parallel.ForEachAsync(source, options ?? new ParallelOptions { MaxDegreeOfParallelism = N, CancellationToken = ct }, async (x, ct) =&gt; body);</c>
    /// </summary>
    private static FixPlan? PlanAsyncLambda(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax forEachSyntax ||
            forEachSyntax.Parent is not ExpressionStatementSyntax ||
            model.GetOperation(forEachSyntax, cancellationToken) is not IInvocationOperation forEach ||
            forEach.Arguments.Length is not (2 or 3) ||
            forEach.TargetMethod.Parameters[0].Type.OriginalDefinition.ToDisplayString() != "System.Collections.Generic.IEnumerable<T>" ||
            (forEach.Arguments.Length == 3 && forEach.TargetMethod.Parameters[1].Type.ToDisplayString() != "System.Threading.Tasks.ParallelOptions") ||
            forEach.TargetMethod.Parameters[forEach.Arguments.Length - 1].Type is not INamedTypeSymbol { Name: "Action", TypeArguments.Length: 1 })
        {
            return null;
        }

        // await must be allowed here: an async function (or top-level code), not inside a lock.
        var function = PERF002ThrottledSelector.EnclosingFunction(forEachSyntax);
        if (!PERF002LoopSlot.CanAwait(function) ||
            forEachSyntax.Ancestors().TakeWhile(a => a != function).Any(a => a is LockStatementSyntax or UnsafeStatementSyntax or FixedStatementSyntax))
        {
            return null;
        }

        var arguments = forEach.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).Select(ArgumentSyntaxOf).ToList();
        if (arguments.Any(a => a is null) ||
            arguments[arguments.Count - 1] is not LambdaExpressionSyntax { AsyncKeyword.RawKind: (int)SyntaxKind.AsyncKeyword } lambda)
        {
            return null;
        }

        var (parameters, block, expressionBody) = lambda switch
        {
            SimpleLambdaExpressionSyntax simple => (new[] { simple.Parameter }, simple.Block, simple.ExpressionBody),
            ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 } parenthesized =>
                (parenthesized.ParameterList.Parameters.ToArray(), parenthesized.Block, parenthesized.ExpressionBody),
            _ => (null, null, null),
        };
        if (parameters is null)
        {
            return null;
        }

        // The body's token: the caller's name when the caller's token goes into new options; else a discard, unless the
        // body uses the name _ (then the parameter would capture it), in which case a fresh name.
        var outerToken = arguments.Count == 2 ? OuterToken(model, forEachSyntax, cancellationToken) : null;
        var usesUnderscore = lambda.Body.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(i => i.Identifier.ValueText == "_");
        var tokenName = outerToken ?? (usesUnderscore ? UniqueName(model, lambda, "cancellationToken") : "_");
        var body = Lambda(lambda.AsyncKeyword, parameters, lambda.ArrowToken, block, expressionBody, tokenName)!;
        ExpressionSyntax call;
        if (arguments.Count == 2)
        {
            call = ParallelForEach(arguments[0]!.WithoutTrivia(), body, MaxConcurrency(diagnostic, forEach.Arguments[forEach.Arguments.Length - 1].Value), outerToken);
        }
        else
        {
            call = ParallelForEach(arguments[0]!.WithoutTrivia(), body, Literal(1), null);
            var list = ((InvocationExpressionSyntax)call).ArgumentList;
            call = ((InvocationExpressionSyntax)call).WithArgumentList(list.WithArguments(list.Arguments.Replace(list.Arguments[1], list.Arguments[1].WithExpression(arguments[1]!.WithoutTrivia()))));
        }

        var awaited = SyntaxFactory.AwaitExpression(
            SyntaxFactory.Token(SyntaxKind.AwaitKeyword).WithTrailingTrivia(SyntaxFactory.Space),
            WrapIfLong(call, forEachSyntax, root));
        return new FixPlan(forEachSyntax, awaited.WithTriviaFrom(forEachSyntax), AsyncLambdaKey, needsRuntimeImport: false);
    }

    private static ExpressionSyntax WrapIfLong(ExpressionSyntax call, SyntaxNode original, SyntaxNode root) =>
        LineWrapping.WrapArgumentsIfLong(call, original, root, "global::System.Threading.Tasks.", "global::" + RuntimeNamespace + ".", "global::System.");

    private static ExpressionSyntax BoundedSelect(ExpressionSyntax source, ExpressionSyntax selector, ExpressionSyntax maxConcurrency) =>
        SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(
                SyntaxKind.SimpleMemberAccessExpression,
                Qualified("global::" + RuntimeNamespace + ".BoundedParallel"),
                SyntaxFactory.IdentifierName("SelectAsync")),
            SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
            {
                SyntaxFactory.Argument(source),
                SyntaxFactory.Argument(selector).WithLeadingTrivia(SyntaxFactory.Space),
                SyntaxFactory.Argument(maxConcurrency)
                    .WithNameColon(SyntaxFactory.NameColon("maxConcurrency").WithTrailingTrivia(SyntaxFactory.Space))
                    .WithLeadingTrivia(SyntaxFactory.Space),
            })));

    /// <summary>
    /// The caller's token (a <c>CancellationToken</c> parameter of an enclosing method, local function or lambda): it
    /// goes into <c>ParallelOptions.CancellationToken</c>, and the body's token parameter takes its name, so that the
    /// body's uses of it see the loop's token, which is cancelled when the caller's is.
    /// </summary>
    private static string? OuterToken(SemanticModel model, SyntaxNode site, CancellationToken cancellationToken)
    {
        foreach (var ancestor in site.Ancestors())
        {
            if (ancestor is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax &&
                (ancestor is AnonymousFunctionExpressionSyntax ? model.GetSymbolInfo(ancestor, cancellationToken).Symbol : model.GetDeclaredSymbol(ancestor, cancellationToken)) is IMethodSymbol method)
            {
                foreach (var parameter in method.Parameters)
                {
                    if (parameter.Type.ToDisplayString() == "System.Threading.CancellationToken" && parameter.RefKind == RefKind.None)
                    {
                        return parameter.Name;
                    }
                }
            }
        }

        return null;
    }

    private static ExpressionSyntax ParallelForEach(ExpressionSyntax source, ExpressionSyntax body, ExpressionSyntax maxConcurrency, string? outerToken)
    {
        var settings = new List<ExpressionSyntax>
        {
            SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, SyntaxFactory.IdentifierName("MaxDegreeOfParallelism"), maxConcurrency),
        };
        if (outerToken is not null)
        {
            settings.Add(SyntaxFactory.AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, SyntaxFactory.IdentifierName("CancellationToken"), SyntaxFactory.IdentifierName(outerToken)));
        }

        var options = SyntaxFactory.ObjectCreationExpression(
            SyntaxFactory.Token(SyntaxKind.NewKeyword).WithTrailingTrivia(SyntaxFactory.Space),
            Qualified("global::System.Threading.Tasks.ParallelOptions").WithTrailingTrivia(SyntaxFactory.Space),
            null,
            SyntaxFactory.InitializerExpression(
                SyntaxKind.ObjectInitializerExpression,
                SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithTrailingTrivia(SyntaxFactory.Space),
                SyntaxFactory.SeparatedList(settings, Enumerable.Repeat(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space), settings.Count - 1)),
                SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(SyntaxFactory.Space)));
        return SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(
                SyntaxKind.SimpleMemberAccessExpression,
                Qualified("global::System.Threading.Tasks.Parallel"),
                SyntaxFactory.IdentifierName("ForEachAsync")),
            SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
            {
                SyntaxFactory.Argument(source),
                SyntaxFactory.Argument(options).WithLeadingTrivia(SyntaxFactory.Space),
                SyntaxFactory.Argument(body).WithLeadingTrivia(SyntaxFactory.Space),
            })));
    }

    private static ExpressionSyntax? ArgumentSyntaxOf(IArgumentOperation argument) => argument.Syntax switch
    {
        ArgumentSyntax { NameColon: null } syntax => syntax.Expression,
        // The receiver of an extension call (source.Select(...)).
        ExpressionSyntax expression => expression,
        _ => null,
    };

    private static IOperation? Parent(IOperation operation)
    {
        var parent = operation.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
        {
            parent = parent.Parent;
        }

        return parent;
    }

    private static bool IsAwaited(IInvocationOperation whenAll, out bool resultUsed)
    {
        resultUsed = true;
        IOperation current = whenAll;
        var parent = Parent(current);
        if (parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure && ReferenceEquals(configure.Instance, current))
        {
            current = parent;
            parent = Parent(current);
        }

        if (parent is not IAwaitOperation awaitOperation)
        {
            return false;
        }

        resultUsed = Parent(awaitOperation) is not IExpressionStatementOperation;
        return true;
    }

    /// <summary>The N to write: the .editorconfig value, else Environment.ProcessorCount for CPU-bound Task.Run/StartNew work, else 16 for async I/O.</summary>
    private static ExpressionSyntax MaxConcurrency(Diagnostic diagnostic, IOperation selector)
    {
        if (diagnostic.Properties.TryGetValue(PERF002UnboundedTaskSpawningAnalyzer.MaxConcurrencyProperty, out var configured) &&
            int.TryParse(configured, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0)
        {
            return Literal(value);
        }

        foreach (var operation in selector.DescendantsAndSelf())
        {
            if ((operation is IInvocationOperation { TargetMethod: { Name: "Run" or "StartNew" } method } &&
                 method.ContainingType?.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks") ||
                (operation is IInvocationOperation { TargetMethod: { Name: "Start" or "QueueUserWorkItem", ContainingType.Name: "Thread" or "ThreadPool" } threadMethod } &&
                 threadMethod.ContainingType.ContainingNamespace?.ToDisplayString() == "System.Threading"))
            {
                // A property read is an expression (member access), not a type name.
                return SyntaxFactory.ParseExpression("global::System.Environment.ProcessorCount").WithAdditionalAnnotations(Simplifier.Annotation);
            }
        }

        return Literal(DefaultIoConcurrency);
    }

    /// <summary>
    /// The Parallel.ForEachAsync body for a Task-returning selector: an async lambda gains a token parameter; any other
    /// lambda or a method group is wrapped as <c>(x, cancellationToken) =&gt; new ValueTask(...)</c>.
    /// </summary>
    private static ExpressionSyntax? ForEachBody(ExpressionSyntax selector, SemanticModel model, IOperation selectorOperation, string? outerToken)
    {
        var tokenName = outerToken ?? UniqueName(model, selector, "cancellationToken");
        switch (selector)
        {
            case SimpleLambdaExpressionSyntax simple:
                return Lambda(simple.AsyncKeyword, new[] { simple.Parameter }, simple.ArrowToken, simple.Block, simple.ExpressionBody, tokenName);
            case ParenthesizedLambdaExpressionSyntax parenthesized when parenthesized.ParameterList.Parameters.Count == 1:
                return Lambda(parenthesized.AsyncKeyword, parenthesized.ParameterList.Parameters, parenthesized.ArrowToken, parenthesized.Block, parenthesized.ExpressionBody, tokenName);
            case IdentifierNameSyntax or MemberAccessExpressionSyntax or GenericNameSyntax when IsMethodGroup(selectorOperation):
                var item = UniqueName(model, selector, "item");
                var call = SyntaxFactory.InvocationExpression(
                    selector.WithoutTrivia(),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(SyntaxFactory.IdentifierName(item)))));
                return SyntaxFactory.ParenthesizedLambdaExpression(
                    SyntaxFactory.ParameterList(SyntaxFactory.SeparatedList(new[]
                    {
                        SyntaxFactory.Parameter(SyntaxFactory.Identifier(item)),
                        SyntaxFactory.Parameter(SyntaxFactory.Identifier(tokenName)).WithLeadingTrivia(SyntaxFactory.Space),
                    })),
                    WrapInValueTask(call)).WithArrowToken(Arrow());
            default:
                return null;
        }
    }

    private static bool IsMethodGroup(IOperation operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation is IDelegateCreationOperation { Target: IMethodReferenceOperation };
    }

    private static ExpressionSyntax? Lambda(SyntaxToken asyncKeyword, IEnumerable<ParameterSyntax> parameters, SyntaxToken arrow, BlockSyntax? block, ExpressionSyntax? expressionBody, string tokenName)
    {
        var parameterList = parameters.Select(p => p.WithoutTrivia()).ToList();
        var token = SyntaxFactory.Parameter(SyntaxFactory.Identifier(tokenName));
        if (parameterList[0].Type is not null)
        {
            token = token.WithType(Qualified("global::System.Threading.CancellationToken").WithTrailingTrivia(SyntaxFactory.Space));
        }

        parameterList.Add(token.WithLeadingTrivia(SyntaxFactory.Space));
        var list = SyntaxFactory.ParameterList(SyntaxFactory.SeparatedList(parameterList)).WithTrailingTrivia(SyntaxFactory.Space);

        if (asyncKeyword.IsKind(SyntaxKind.AsyncKeyword))
        {
            // An async lambda converts to Func<T, CancellationToken, ValueTask> as it is.
            return SyntaxFactory.ParenthesizedLambdaExpression(list, block, expressionBody)
                .WithAsyncKeyword(asyncKeyword)
                .WithArrowToken(arrow);
        }

        if (expressionBody is null)
        {
            return null;
        }

        return SyntaxFactory.ParenthesizedLambdaExpression(list, null, WrapInValueTask(expressionBody.WithoutTrivia()))
            .WithArrowToken(arrow);
    }

    private static ExpressionSyntax WrapInValueTask(ExpressionSyntax task) =>
        SyntaxFactory.ObjectCreationExpression(
            SyntaxFactory.Token(SyntaxKind.NewKeyword).WithTrailingTrivia(SyntaxFactory.Space),
            Qualified("global::System.Threading.Tasks.ValueTask"),
            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(task))),
            null);

    private static SyntaxToken Arrow() =>
        SyntaxFactory.Token(SyntaxKind.EqualsGreaterThanToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(SyntaxFactory.Space);

    /// <summary><paramref name="name"/>, or name1, name2, ... if the name is visible at the selector or used inside it.</summary>
    private static string UniqueName(SemanticModel model, ExpressionSyntax selector, string name) =>
        UniqueNames.Pick(name, selector, model, selector.SpanStart, firstSuffix: 1);

    private static ExpressionSyntax Literal(int value) =>
        SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(value));

    private static TypeSyntax Qualified(string name) =>
        SyntaxFactory.ParseTypeName(name).WithAdditionalAnnotations(Simplifier.Annotation);
}
