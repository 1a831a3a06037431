using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using PerfAnalyzers.CodeFixes.Common;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF002, any <c>source.Select(selector)</c> of tasks that starts them all (awaited or not, through a local,
/// <c>ToList</c>/<c>ToArray</c>, <c>AddRange</c>, the index overload, <c>WhenAny</c>/<c>WaitAll</c>): the selector
/// waits for a slot of a <see cref="SemaphoreSlim"/> declared just before the statement, and frees it when its task
/// ends. Everything else stays as it was, so the tasks, their results (in source order), their exceptions (every
/// element still runs; <c>WhenAll</c> still reports them all) and the code that consumes them do not change: only how
/// many run at once. Used where the <c>Parallel.ForEachAsync</c>/<c>BoundedParallel</c> forms do not apply.
/// </summary>
internal static class PERF002ThrottledSelector
{
    internal const string Key = "PERF002.SemaphoreSlimSelector";
    internal const string Title = "Bound concurrency with a SemaphoreSlim around each element";
    private const string ThrottleName = "throttle";

    /// <summary>The edit for the Select whose selector is <paramref name="selectorSyntax"/>, or null when it cannot be bounded safely.</summary>
    public static (SyntaxNode Owned, System.Action<SyntaxEditor> Edit)? Plan(
        SemanticModel model,
        IInvocationOperation select,
        ExpressionSyntax selectorSyntax,
        ExpressionSyntax maxConcurrency,
        ISet<string> reserved,
        CancellationToken cancellationToken)
    {
        if (select.TargetMethod.Name != "Select" ||
            select.TargetMethod.Parameters.Length != 2 ||
            select.TargetMethod.Parameters[1].Type is not INamedTypeSymbol { DelegateInvokeMethod: { } invoke } ||
            select.TargetMethod.ReturnType is not INamedTypeSymbol { TypeArguments.Length: 1 } sequence ||
            sequence.TypeArguments[0] is not INamedTypeSymbol task ||
            task.ContainingNamespace?.ToDisplayString() != "System.Threading.Tasks" ||
            task.Name != "Task")
        {
            return null;
        }

        var hasResult = task.IsGenericType;

        // The code before each element's first await now runs, for elements past the first N, when a slot frees,
        // on a thread-pool thread (no synchronization context): no fix when it writes shared state.
        if (SynchronousPrefix.WritesSharedState(model, selectorSyntax, cancellationToken))
        {
            return null;
        }

        var function = EnclosingFunction(select.Syntax);
        var anchor = Anchor(select.Syntax, function);
        var arrow = anchor is null ? ArrowMember(select.Syntax, function) : null;
        if (anchor is null && arrow is null)
        {
            return null;
        }

        var scope = function ?? select.Syntax.SyntaxTree.GetRoot(cancellationToken);
        var eol = LineEnd(select.Syntax);
        var name = Pick(ThrottleName, scope, model, select.Syntax.SpanStart, reserved);
        var blocking = ContainsBlockingWait(scope);
        var lambda = ThrottledLambda(model, selectorSyntax, select.Arguments[1].Value, invoke.Parameters.Length, hasResult, name, blocking, reserved, eol, cancellationToken);
        if (lambda is null)
        {
            return null;
        }

        var declaration = Declaration(name, maxConcurrency, eol, model, select.Syntax.SpanStart);
        if (anchor is not null)
        {
            return (selectorSyntax, editor =>
            {
                editor.ReplaceNode(selectorSyntax, lambda.WithTriviaFrom(selectorSyntax));
                InsertBefore(editor, anchor, declaration);
            });
        }

        // An expression-bodied method or local function: it gets a block body that declares the semaphore.
        var member = arrow!;
        var symbol = model.GetDeclaredSymbol(member, cancellationToken) as IMethodSymbol;
        if (symbol is null)
        {
            return null;
        }

        return (member, editor =>
        {
            var clause = member is MethodDeclarationSyntax m ? m.ExpressionBody! : ((LocalFunctionStatementSyntax)member).ExpressionBody!;
            var expression = clause.Expression.ReplaceNode(selectorSyntax, lambda.WithTriviaFrom(selectorSyntax)).WithoutTrivia();
            var noValue = symbol.ReturnsVoid || (symbol.IsAsync && symbol.ReturnType is INamedTypeSymbol { IsGenericType: false });
            StatementSyntax last = noValue ? SyntaxFactory.ExpressionStatement(expression) : SyntaxFactory.ReturnStatement(expression);
            var semicolon = member is MethodDeclarationSyntax md ? md.SemicolonToken : ((LocalFunctionStatementSyntax)member).SemicolonToken;
            var body = SyntaxFactory.Block(declaration, last).WithTrailingTrivia(semicolon.TrailingTrivia).WithAdditionalAnnotations(Formatter.Annotation);
            SyntaxNode replacement = member switch
            {
                MethodDeclarationSyntax method => method.WithExpressionBody(null).WithSemicolonToken(default)
                    .WithParameterList(method.ParameterList.WithTrailingTrivia(eol)).WithBody(body),
                LocalFunctionStatementSyntax local => local.WithExpressionBody(null).WithSemicolonToken(default)
                    .WithParameterList(local.ParameterList.WithTrailingTrivia(eol)).WithBody(body),
                _ => member,
            };
            editor.ReplaceNode(member, replacement);
        });
    }

    /// <summary>The nearest enclosing method, local function, lambda or accessor; null at top level.</summary>
    internal static SyntaxNode? EnclosingFunction(SyntaxNode node)
    {
        foreach (var ancestor in node.Ancestors())
        {
            if (ancestor is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax)
            {
                return ancestor;
            }

            if (ancestor is MemberDeclarationSyntax and not GlobalStatementSyntax)
            {
                return ancestor; // a field or property initializer: no statement to anchor on
            }
        }

        return null;
    }

    /// <summary>The statement before which the semaphore is declared: the one holding the Select, in a block (or at top level).</summary>
    private static StatementSyntax? Anchor(SyntaxNode select, SyntaxNode? function)
    {
        foreach (var ancestor in select.Ancestors())
        {
            if (ancestor == function)
            {
                return null;
            }

            if (ancestor is StatementSyntax statement)
            {
                return statement is ExpressionStatementSyntax or LocalDeclarationStatementSyntax or ReturnStatementSyntax &&
                    statement.Parent is BlockSyntax or GlobalStatementSyntax
                    ? statement
                    : null;
            }
        }

        return null;
    }

    /// <summary>A method or local function whose expression body holds the Select (not inside a nested lambda).</summary>
    private static SyntaxNode? ArrowMember(SyntaxNode select, SyntaxNode? function)
    {
        if (function is MethodDeclarationSyntax { ExpressionBody: not null } or LocalFunctionStatementSyntax { ExpressionBody: not null } &&
            select.Ancestors().TakeWhile(a => a != function).Any(a => a is ArrowExpressionClauseSyntax))
        {
            return function;
        }

        return null;
    }

    /// <summary>Code that blocks on tasks (<c>WaitAll</c>, <c>Wait</c>, <c>Result</c>): the slot is awaited with ConfigureAwait(false).</summary>
    internal static bool ContainsBlockingWait(SyntaxNode scope)
    {
        foreach (var node in scope.DescendantNodes())
        {
            if (node is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "WaitAll" or "WaitAny" or "Wait" or "Result" or "GetResult" })
            {
                return true;
            }
        }

        return false;
    }

    internal static string Pick(string baseName, SyntaxNode scope, SemanticModel model, int position, ISet<string> reserved)
    {
        // Names another fix of the same Fix All pass gave in the same function (methods do not share locals).
        var prefix = scope.SpanStart.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":";
        var used = UniqueNames.IdentifiersIn(scope);
        var name = UniqueNames.Pick(baseName, candidate => used.Contains(candidate) || reserved.Contains(prefix + candidate) || model.LookupSymbols(position, name: candidate).Length > 0);
        reserved.Add(prefix + name);
        return name;
    }

    /// <summary><c>var throttle = new SemaphoreSlim(N);</c></summary>
    /// <summary>
    /// Declares the semaphore before <paramref name="anchor"/> (a statement in a block, or at top level); blank lines
    /// above the anchor move above the declaration.
    /// </summary>
    internal static void InsertBefore(SyntaxEditor editor, StatementSyntax anchor, StatementSyntax declaration)
    {
        SyntaxNode target = anchor.Parent is GlobalStatementSyntax global ? global : anchor;
        var leading = target.GetLeadingTrivia();
        var lastBlank = -1;
        for (var i = 0; i < leading.Count && leading[i].IsKind(SyntaxKind.WhitespaceTrivia) || i < leading.Count && leading[i].IsKind(SyntaxKind.EndOfLineTrivia); i++)
        {
            if (leading[i].IsKind(SyntaxKind.EndOfLineTrivia))
            {
                lastBlank = i;
            }
        }

        if (lastBlank >= 0)
        {
            declaration = declaration.WithLeadingTrivia(leading.Take(lastBlank + 1));
            var kept = SyntaxFactory.TriviaList(leading.Skip(lastBlank + 1));
            editor.ReplaceNode(target, (node, _) => node.WithLeadingTrivia(kept));
        }

        editor.InsertBefore(target, target is GlobalStatementSyntax ? SyntaxFactory.GlobalStatement(declaration) : declaration);
    }

    /// <summary>
    /// The short name when it binds to that type where the fix writes it (every type of that name in scope is in
    /// <paramref name="ns"/>: <c>Func</c> finds all its arities), else the <c>global::</c> name (the simplifier does not
    /// always reduce it).
    /// </summary>
    internal static string TypeName(SemanticModel model, int position, string ns, string name)
    {
        var found = model.LookupNamespacesAndTypes(position, name: name);
        return found.Length > 0 && found.All(t => t is INamedTypeSymbol { ContainingNamespace: { } containing } && containing.ToDisplayString() == ns)
            ? name
            : "global::" + ns + "." + name;
    }

    /// <summary>The document's line end (its first), else CRLF.</summary>
    internal static SyntaxTrivia LineEnd(SyntaxNode node)
    {
        foreach (var trivia in node.SyntaxTree.GetRoot().DescendantTrivia())
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                return trivia;
            }
        }

        return SyntaxFactory.CarriageReturnLineFeed;
    }

    internal static StatementSyntax Declaration(string name, ExpressionSyntax maxConcurrency, SyntaxTrivia eol, SemanticModel model, int position) =>
        SyntaxFactory.ParseStatement($"var {name} = new {TypeName(model, position, "System.Threading", "SemaphoreSlim")}({maxConcurrency.ToFullString()});")
            .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation)
            .WithTrailingTrivia(eol);

    private static ExpressionSyntax? ThrottledLambda(
        SemanticModel model,
        ExpressionSyntax selector,
        IOperation selectorOperation,
        int parameterCount,
        bool hasResult,
        string name,
        bool blocking,
        ISet<string> reserved,
        SyntaxTrivia eol,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<ParameterSyntax> parameters;
        IEnumerable<StatementSyntax>? statements;
        switch (selector)
        {
            case SimpleLambdaExpressionSyntax simple:
                parameters = new[] { simple.Parameter };
                statements = Body(simple.AsyncKeyword, simple.Block, simple.ExpressionBody, hasResult, blocking);
                break;
            case ParenthesizedLambdaExpressionSyntax parenthesized when parenthesized.ReturnType is null:
                parameters = parenthesized.ParameterList.Parameters;
                statements = Body(parenthesized.AsyncKeyword, parenthesized.Block, parenthesized.ExpressionBody, hasResult, blocking);
                break;
            case IdentifierNameSyntax or GenericNameSyntax or MemberAccessExpressionSyntax when IsStableMethodGroup(model, selector, selectorOperation, cancellationToken):
                var names = new List<ParameterSyntax>();
                var arguments = new List<ArgumentSyntax>();
                foreach (var baseName in parameterCount == 2 ? new[] { "item", "index" } : new[] { "item" })
                {
                    // Lambda parameters: unique where the lambda is, not reserved for the rest of the document.
                    var parameterName = Pick(baseName, selector, model, selector.SpanStart, new HashSet<string>(names.Select(n => selector.SpanStart.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + n.Identifier.ValueText)));
                    names.Add(SyntaxFactory.Parameter(SyntaxFactory.Identifier(parameterName)));
                    arguments.Add(SyntaxFactory.Argument(SyntaxFactory.IdentifierName(parameterName)));
                }

                parameters = names;
                var call = SyntaxFactory.InvocationExpression(selector.WithoutTrivia(), SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments)));
                statements = Body(default, null, call, hasResult, blocking);
                break;
            default:
                return null;
        }

        if (statements is null || parameters.Count != parameterCount)
        {
            return null;
        }

        // The frame is parsed from text so that it has its line breaks; the formatter then indents it.
        var configure = blocking ? ".ConfigureAwait(false)" : string.Empty;
        var frame = (BlockSyntax)SyntaxFactory.ParseStatement(
            ("{\n" +
            $"    await {name}.WaitAsync(){configure};\n" +
            "    try\n" +
            "    {\n" +
            "    }\n" +
            "    finally\n" +
            "    {\n" +
            $"        {name}.Release();\n" +
            "    }\n" +
            "}").Replace("\n", eol.ToFullString()));
        var tryStatement = (TryStatementSyntax)frame.Statements[1];
        var body = frame.ReplaceNode(tryStatement.Block, tryStatement.Block.WithStatements(SyntaxFactory.List(statements.Select(s => WithLineEnd(s, eol)))));
        var list = SyntaxFactory.ParameterList(SyntaxFactory.SeparatedList(parameters.Select(p => p.WithoutTrivia())));
        var arrow = SyntaxFactory.Token(SyntaxKind.EqualsGreaterThanToken).WithLeadingTrivia(SyntaxFactory.Space).WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed);
        LambdaExpressionSyntax lambda = parameters.Count == 1 && parameters[0].Type is null
            ? SyntaxFactory.SimpleLambdaExpression(parameters[0].WithoutTrivia(), body).WithArrowToken(arrow)
            : SyntaxFactory.ParenthesizedLambdaExpression(list, body).WithArrowToken(arrow);
        lambda = lambda.WithAsyncKeyword(SyntaxFactory.Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(SyntaxFactory.Space));
        return lambda.WithAdditionalAnnotations(Formatter.Annotation);
    }

    private static StatementSyntax WithLineEnd(StatementSyntax statement, SyntaxTrivia eol) =>
        statement.GetTrailingTrivia().Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia))
            ? statement
            : statement.WithTrailingTrivia(statement.GetTrailingTrivia().Add(eol));

    /// <summary>The statements that produce the element's task, to run once a slot is free.</summary>
    private static IEnumerable<StatementSyntax>? Body(SyntaxToken asyncKeyword, BlockSyntax? block, ExpressionSyntax? expression, bool hasResult, bool blocking)
    {
        var isAsync = asyncKeyword.IsKind(SyntaxKind.AsyncKeyword);
        if (block is not null)
        {
            return isAsync ? block.Statements : AwaitReturns(block, hasResult, blocking);
        }

        if (expression is null)
        {
            return null;
        }

        expression = expression.WithoutTrivia();
        if (isAsync)
        {
            if (hasResult)
            {
                return new StatementSyntax[] { SyntaxFactory.ReturnStatement(expression) };
            }

            return IsStatementExpression(expression) ? new StatementSyntax[] { SyntaxFactory.ExpressionStatement(expression) } : null;
        }

        var awaited = Await(expression, blocking);
        return new StatementSyntax[] { hasResult ? SyntaxFactory.ReturnStatement(awaited) : SyntaxFactory.ExpressionStatement(awaited) };
    }

    /// <summary>A plain block lambda made async: <c>return e;</c> becomes <c>return await e;</c> (or <c>await e; return;</c> for <c>Task</c>).</summary>
    private static IEnumerable<StatementSyntax>? AwaitReturns(BlockSyntax block, bool hasResult, bool blocking)
    {
        var returns = block.DescendantNodes(n => n is not AnonymousFunctionExpressionSyntax and not LocalFunctionStatementSyntax)
            .OfType<ReturnStatementSyntax>().ToList();
        if (returns.Any(r => r.Expression is null || r.Ancestors().TakeWhile(a => a != block).Any(a => a is LockStatementSyntax or UnsafeStatementSyntax)))
        {
            return null;
        }

        var rewritten = block.ReplaceNodes(returns, (original, _) =>
        {
            var awaited = Await(original.Expression!.WithoutTrivia(), blocking);
            if (hasResult)
            {
                return original.WithExpression(awaited);
            }

            if (original.Parent == block && block.Statements.Last() == original)
            {
                return SyntaxFactory.ExpressionStatement(awaited).WithTriviaFrom(original);
            }

            return SyntaxFactory.Block(SyntaxFactory.ExpressionStatement(awaited), SyntaxFactory.ReturnStatement()).WithTriviaFrom(original);
        });
        return rewritten.Statements;
    }

    /// <summary>
    /// <c>await e</c>; with <c>.ConfigureAwait(false)</c> when the caller blocks on the tasks (WaitAll, Result): the
    /// slot must be freed without the caller's (blocked) synchronization context.
    /// </summary>
    private static ExpressionSyntax Await(ExpressionSyntax expression, bool blocking)
    {
        var operand = expression is InvocationExpressionSyntax or MemberAccessExpressionSyntax or IdentifierNameSyntax or
            ElementAccessExpressionSyntax or ObjectCreationExpressionSyntax or ParenthesizedExpressionSyntax
            ? expression
            : SyntaxFactory.ParenthesizedExpression(expression);
        if (blocking)
        {
            operand = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, operand, SyntaxFactory.IdentifierName("ConfigureAwait")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.FalseLiteralExpression)))));
        }

        return SyntaxFactory.AwaitExpression(operand);
    }

    private static bool IsStatementExpression(ExpressionSyntax expression) =>
        expression is InvocationExpressionSyntax or AwaitExpressionSyntax or AssignmentExpressionSyntax or
            ObjectCreationExpressionSyntax or PostfixUnaryExpressionSyntax or PrefixUnaryExpressionSyntax;

    /// <summary>
    /// A method group whose receiver cannot change between the Select and the enumeration that starts the tasks:
    /// a static method, one of <c>this</c>/<c>base</c>, or one on a variable nothing assigns again
    /// (<see cref="StableMethodGroupReceiver"/>).
    /// </summary>
    private static bool IsStableMethodGroup(SemanticModel model, ExpressionSyntax selector, IOperation operation, CancellationToken cancellationToken)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation is IDelegateCreationOperation { Target: IMethodReferenceOperation { Instance: null or IInstanceReferenceOperation } } ||
            operation is IDelegateCreationOperation { Target: IMethodReferenceOperation reference } && StableMethodGroupReceiver.IsStable(model, selector, reference, cancellationToken);
    }
}
