using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FindSymbols;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.CodeFixes.Common;

/// <summary>
/// PERF007: decides whether bounding a queue keeps behaviour, from every use of the queue the solution shows.
/// Bounding is unsafe when (a) a write's result is ignored (<c>TryWrite</c>, <c>TryAdd</c>, <c>Post</c>, an un-awaited
/// <c>WriteAsync</c>/<c>SendAsync</c>): once full, the write fails silently and the item is lost; (b) one function
/// both writes and reads in sequence (directly or through an awaited or synchronous call) with no consumer running
/// meanwhile: once full, the writer waits for a reader that only runs after it — a hang; (c) the queue, its reader or
/// its writer escapes somewhere these rules cannot follow.
/// </summary>
internal static class QueueUsage
{
    private static readonly HashSet<string> s_writes = new() { "WriteAsync", "TryWrite", "Add", "TryAdd", "Post", "SendAsync" };

    private static readonly HashSet<string> s_reads = new()
    {
        "ReadAsync", "TryRead", "ReadAllAsync", "WaitToReadAsync", "TryPeek",
        "Take", "TryTake", "GetConsumingEnumerable",
        "Receive", "ReceiveAsync", "TryReceive", "TryReceiveAll", "ReceiveAllAsync", "OutputAvailableAsync",
    };

    /// <summary>Returns null when bounding is safe, else the reason it is not.</summary>
    public static async Task<string?> WhyUnsafeAsync(Document document, SemanticModel model, SyntaxNode creation, CancellationToken cancellationToken)
    {
        var holder = HolderOf(model, creation, cancellationToken);
        if (holder is null)
        {
            return "the queue is not stored in a variable, field or property whose uses can be followed";
        }

        var solution = document.Project.Solution;
        var functions = new Dictionary<SyntaxNode, FunctionUse>();
        var pending = new Stack<(ISymbol Symbol, int Depth)>();
        var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        pending.Push((holder, 0));
        seen.Add(holder);
        while (pending.Count > 0)
        {
            var (symbol, depth) = pending.Pop();
            if (depth > 4)
            {
                return "the queue is passed on too many times to follow";
            }

            var references = await SymbolFinder.FindReferencesAsync(symbol, solution, cancellationToken).ConfigureAwait(false);
            foreach (var location in references.SelectMany(r => r.Locations))
            {
                if (location.IsImplicit || location.IsCandidateLocation || location.Document is not { } referencing)
                {
                    return "a use of the queue cannot be analysed";
                }

                var root = await referencing.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
                var referenceModel = await referencing.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                if (root is null || referenceModel is null)
                {
                    return "a use of the queue cannot be analysed";
                }

                var node = root.FindNode(location.Location.SourceSpan, getInnermostNodeForTie: true);
                var why = Classify(referenceModel, node, functions, symbol => { if (seen.Add(symbol)) { pending.Push((symbol, depth + 1)); } }, cancellationToken);
                if (why is not null)
                {
                    return why;
                }
            }
        }

        // Calls: a function that awaits (or synchronously calls) a function that writes and one that reads runs them in sequence.
        foreach (var callee in functions.Values.Where(f => f.Symbol is not null && (f.Writes || f.Reads)).ToList())
        {
            var callers = await SymbolFinder.FindCallersAsync(callee.Symbol!, solution, cancellationToken).ConfigureAwait(false);
            foreach (var caller in callers)
            {
                foreach (var callLocation in caller.Locations)
                {
                    if (callLocation.SourceTree is not { } tree || solution.GetDocument(tree) is not { } callingDocument)
                    {
                        continue;
                    }

                    var root = await tree.GetRootAsync(cancellationToken).ConfigureAwait(false);
                    var callModel = await callingDocument.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
                    var call = root.FindNode(callLocation.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>();
                    if (call is null || callModel is null || !IsSequential(callModel, call, cancellationToken))
                    {
                        continue;
                    }

                    var use = Use(functions, callModel, call, cancellationToken);
                    use.Writes |= callee.Writes;
                    use.Reads |= callee.Reads;
                }
            }
        }

        foreach (var use in functions.Values)
        {
            if (use.Writes && use.Reads)
            {
                return "the same code writes to the queue and reads from it in sequence: once full, the writer would wait forever";
            }
        }

        return null;
    }

    private static ISymbol? HolderOf(SemanticModel model, SyntaxNode creation, CancellationToken cancellationToken)
    {
        var node = creation;
        while (node.Parent is ParenthesizedExpressionSyntax or CastExpressionSyntax)
        {
            node = node.Parent;
        }

        switch (node.Parent)
        {
            case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator }:
                return model.GetDeclaredSymbol(declarator, cancellationToken);
            case EqualsValueClauseSyntax { Parent: PropertyDeclarationSyntax property }:
                return model.GetDeclaredSymbol(property, cancellationToken);
            case AssignmentExpressionSyntax { Parent: ExpressionStatementSyntax } assignment when assignment.Right == node &&
                assignment.IsKind(SyntaxKind.SimpleAssignmentExpression):
                return model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol is { Kind: SymbolKind.Local or SymbolKind.Field or SymbolKind.Property } target ? target : null;
            default:
                return null;
        }
    }

    private static string? Classify(SemanticModel model, SyntaxNode node, Dictionary<SyntaxNode, FunctionUse> functions, System.Action<ISymbol> follow, CancellationToken cancellationToken)
    {
        if (node is not ExpressionSyntax expression)
        {
            return "a use of the queue cannot be analysed";
        }

        // this.queue, Owner.queue
        if (expression.Parent is MemberAccessExpressionSyntax qualified && qualified.Name == expression)
        {
            expression = qualified;
        }

        // queue.Writer / queue.Reader: the channel's two ends count as the channel.
        if (expression.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Writer" or "Reader" } end && end.Expression == expression)
        {
            expression = end;
        }

        var parent = expression.Parent;
        if (parent is AssignmentExpressionSyntax assigned && assigned.Left == expression)
        {
            return null; // the holder itself is (re)assigned: the creation being fixed, or another queue.
        }

        if (parent is MemberAccessExpressionSyntax access && access.Expression == expression)
        {
            var name = access.Name.Identifier.ValueText;
            if (access.Parent is InvocationExpressionSyntax invocation && invocation.Expression == access)
            {
                return Record(model, invocation, name, functions, cancellationToken);
            }

            if (s_writes.Contains(name))
            {
                return "a write method of the queue is used as a delegate: its result is ignored";
            }

            return null; // Count, Completion, IsCompleted, ...
        }

        if (parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax call } } argument)
        {
            if (model.GetSymbolInfo(call, cancellationToken).Symbol is not IMethodSymbol method)
            {
                return "the queue is passed to a call that does not bind";
            }

            if (method.Name == "LinkTo")
            {
                return null; // a linked source offers messages and waits while a bounded target is full
            }

            if (method.ContainingType?.ToDisplayString() == "System.Threading.Tasks.Dataflow.DataflowBlock")
            {
                return Record(model, call, method.Name, functions, cancellationToken);
            }

            var parameter = model.GetOperation(argument, cancellationToken) is IArgumentOperation { Parameter: { } p } ? p : null;
            if (parameter is null || !method.Locations.Any(l => l.IsInSource))
            {
                return "the queue is passed to code whose uses of it are not visible";
            }

            follow(parameter);
            return null;
        }

        if (parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator } &&
            model.GetDeclaredSymbol(declarator, cancellationToken) is { } local)
        {
            follow(local);
            return null;
        }

        if (parent is AssignmentExpressionSyntax { Parent: ExpressionStatementSyntax } assignment && assignment.Right == expression &&
            model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol is { Kind: SymbolKind.Local or SymbolKind.Field or SymbolKind.Property } target)
        {
            follow(target);
            return null;
        }

        if (parent is ArrowExpressionClauseSyntax arrow &&
            (arrow.Parent is AccessorDeclarationSyntax { Parent.Parent: PropertyDeclarationSyntax getter } ? getter : arrow.Parent as PropertyDeclarationSyntax) is { } property &&
            model.GetDeclaredSymbol(property, cancellationToken) is { } exposed)
        {
            follow(exposed);
            return null;
        }

        if (parent is ForEachStatementSyntax loop && loop.Expression == expression)
        {
            return null; // enumerating a BlockingCollection takes a snapshot and removes nothing
        }

        if (parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: BaseObjectCreationExpressionSyntax } } ||
            parent is ReturnStatementSyntax or ArrowExpressionClauseSyntax)
        {
            return "the queue is handed to code whose uses of it are not visible";
        }

        if (parent is BinaryExpressionSyntax or IsPatternExpressionSyntax || parent.IsKind(SyntaxKind.NameOfKeyword))
        {
            return null;
        }

        return "a use of the queue cannot be analysed";
    }

    private static string? Record(SemanticModel model, InvocationExpressionSyntax invocation, string name, Dictionary<SyntaxNode, FunctionUse> functions, CancellationToken cancellationToken)
    {
        if (s_writes.Contains(name))
        {
            if (ResultIgnored(model, invocation, cancellationToken))
            {
                return "a write's result is ignored (" + name + "): once the queue is full it would drop items silently";
            }

            Use(functions, model, invocation, cancellationToken).Writes = true;
        }
        else if (s_reads.Contains(name))
        {
            Use(functions, model, invocation, cancellationToken).Reads = true;
        }

        return null;
    }

    private static bool ResultIgnored(SemanticModel model, InvocationExpressionSyntax invocation, CancellationToken cancellationToken)
    {
        if (model.GetSymbolInfo(invocation, cancellationToken).Symbol is IMethodSymbol { ReturnsVoid: true })
        {
            return false;
        }

        // Expression statements, also the implicit ones of void lambdas and expression-bodied void methods.
        var operation = model.GetOperation(invocation, cancellationToken);
        while (operation?.Parent is IParenthesizedOperation or IConversionOperation { IsImplicit: true })
        {
            operation = operation.Parent;
        }

        if (operation?.Parent is IExpressionStatementOperation)
        {
            return true;
        }

        SyntaxNode node = invocation;
        while (node.Parent is ParenthesizedExpressionSyntax)
        {
            node = node.Parent;
        }

        return node.Parent switch
        {
            ExpressionStatementSyntax => true,
            ArrowExpressionClauseSyntax { Parent: MethodDeclarationSyntax or LocalFunctionStatementSyntax } arrow =>
                model.GetDeclaredSymbol(arrow.Parent!, cancellationToken) is IMethodSymbol { ReturnsVoid: true },
            AssignmentExpressionSyntax { Left: IdentifierNameSyntax { Identifier.ValueText: "_" } } assignment => model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol is null or IDiscardSymbol,
            LambdaExpressionSyntax lambda => model.GetSymbolInfo(lambda, cancellationToken).Symbol is IMethodSymbol { ReturnsVoid: true },
            _ => false,
        };
    }

    /// <summary>Awaited, or a synchronous call: the caller goes on only once it has returned.</summary>
    private static bool IsSequential(SemanticModel model, InvocationExpressionSyntax call, CancellationToken cancellationToken)
    {
        SyntaxNode node = call;
        while (node.Parent is ParenthesizedExpressionSyntax or MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } or InvocationExpressionSyntax)
        {
            node = node.Parent;
        }

        if (node.Parent is AwaitExpressionSyntax)
        {
            return true;
        }

        return model.GetTypeInfo(call, cancellationToken).Type is not { } type || !IsAwaitable(type);
    }

    private static bool IsAwaitable(ITypeSymbol type) =>
        type.GetMembers("GetAwaiter").Any(m => m is IMethodSymbol { Parameters.Length: 0 }) ||
        type.Name is "IAsyncEnumerable" or "Task" or "ValueTask" or "Thread";

    /// <summary>
    /// The function a use belongs to: the enclosing method, accessor or local function; a lambda counts as part of
    /// the function around it when that function waits for it (awaited, or a synchronous callback), and as a
    /// function of its own (a concurrently running consumer or producer) when it is started and left running.
    /// </summary>
    private static FunctionUse Use(Dictionary<SyntaxNode, FunctionUse> functions, SemanticModel model, SyntaxNode node, CancellationToken cancellationToken)
    {
        SyntaxNode? function = null;
        for (var current = node.Parent; current is not null; current = current.Parent)
        {
            if (current is AnonymousFunctionExpressionSyntax lambda)
            {
                if (IsStartedSeparately(model, lambda, cancellationToken))
                {
                    function = lambda;
                    break;
                }

                continue;
            }

            if (current is LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or
                ArrowExpressionClauseSyntax { Parent: PropertyDeclarationSyntax } or VariableDeclaratorSyntax { Parent.Parent: FieldDeclarationSyntax } or
                CompilationUnitSyntax)
            {
                function = current;
                break;
            }
        }

        function ??= node.SyntaxTree.GetRoot(cancellationToken);
        if (!functions.TryGetValue(function, out var use))
        {
            ISymbol? symbol = function is LocalFunctionStatementSyntax or BaseMethodDeclarationSyntax ? model.GetDeclaredSymbol(function, cancellationToken) : null;
            use = new FunctionUse(symbol);
            functions.Add(function, use);
        }

        return use;
    }

    private static bool IsStartedSeparately(SemanticModel model, AnonymousFunctionExpressionSyntax lambda, CancellationToken cancellationToken)
    {
        SyntaxNode node = lambda;
        while (node.Parent is ArgumentSyntax or ArgumentListSyntax or ParenthesizedExpressionSyntax or CastExpressionSyntax)
        {
            node = node.Parent;
        }

        switch (node.Parent)
        {
            case InvocationExpressionSyntax invocation when node == invocation.ArgumentList || node.Parent is InvocationExpressionSyntax:
                return !IsSequential(model, invocation, cancellationToken);
            case BaseObjectCreationExpressionSyntax:
                return true; // new Thread(...), new ActionBlock<T>(...), new Task(...)
            case EqualsValueClauseSyntax or AssignmentExpressionSyntax:
                return true; // stored: runs whenever it is called
            default:
                return false;
        }
    }

    private sealed class FunctionUse(ISymbol? symbol)
    {
        public ISymbol? Symbol { get; } = symbol;

        public bool Writes { get; set; }

        public bool Reads { get; set; }
    }
}
