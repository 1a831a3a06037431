using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using PerfAnalyzers.Common;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace PerfAnalyzers.CodeFixes.Common;

/// <summary>
/// Rewrites a directly recursive method or local function as a loop: the body goes inside <c>while (true)</c>, and each
/// self-call in tail position becomes a simultaneous reassignment of the parameters (<c>(a, b) = (b, a % b);</c>)
/// followed by <c>continue</c>. With an accumulator, <c>return e OP F(args)</c> becomes <c>(acc, p) = (acc OP e, args)</c>
/// and every other <c>return b</c> becomes <c>return acc OP b</c>. Returns null wherever behaviour could change.
/// </summary>
internal static partial class RecursionToLoop
{
    private static readonly SyntaxAnnotation TargetAnnotation = new("PerfAnalyzers.RecursionToLoop.Target");

    /// <summary>The method or local function that a diagnostic on a self-call belongs to.</summary>
    public static SyntaxNode? FindMethod(SyntaxNode node)
    {
        for (var current = node; current is not null; current = current.Parent)
        {
            if (current is MethodDeclarationSyntax or LocalFunctionStatementSyntax)
            {
                return current;
            }
        }

        return null;
    }

    public static async Task<Document?> TryConvertAsync(Document document, SyntaxNode method, bool useAccumulator, CancellationToken cancellationToken) =>
        (await TryConvertWithKindAsync(document, method, useAccumulator, cancellationToken).ConfigureAwait(false)).Document;

    /// <summary>
    /// Converts the method: a loop (with an accumulator when <paramref name="useAccumulator"/>, PERF004) is tried first,
    /// a loop with an explicit stack of frames after. Null document when no conversion keeps behaviour
    /// or the result would not compile.
    /// </summary>
    public static async Task<(Document? Document, ConversionKind Kind)> TryConvertWithKindAsync(Document document, SyntaxNode method, bool useAccumulator, CancellationToken cancellationToken)
    {
        var state = await StateAsync(document, method, cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            return (null, ConversionKind.None);
        }

        // The fix may not add warnings (nullable ones included: some build with warnings as errors).
        var warningsBefore = CountWarnings(state.Value.Model, method, cancellationToken);
        var errorsBefore = ErrorKeys(state.Value.Model, method, cancellationToken);

        // Returned ?:, ??, switch expressions and && / || that choose a self-call become statements.
        if (SelfCallSyntax(state.Value.Model, state.Value.Method, cancellationToken) is not { } selfCalls)
        {
            return (null, ConversionKind.None);
        }

        if (Normalize(state.Value.Model, state.Value.Method, (IMethodSymbol)state.Value.Model.GetDeclaredSymbol(state.Value.Method, cancellationToken)!, selfCalls, toBlock: false, cancellationToken) is { } normalized)
        {
            state = await ReplaceAsync(state.Value, normalized, annotations: null, cancellationToken).ConfigureAwait(false);
            if (state is null)
            {
                return (null, ConversionKind.None);
            }
        }

        // A lambda that reads a parameter the self-call changes gets a per-round copy of it.
        if (CopyCapturedParameters(state.Value.Model, state.Value.Method, cancellationToken) is { } withCopies)
        {
            state = await ReplaceAsync(state.Value, withCopies, annotations: null, cancellationToken).ConfigureAwait(false);
            if (state is null)
            {
                return (null, ConversionKind.None);
            }
        }

        string? selfName = null;
        if (NeedsSelf(state.Value.Model, state.Value.Method, cancellationToken))
        {
            // A call on another receiver (node.Next.F()): `this` becomes a local, so every use of this in the body is
            // marked first, then rewritten to the local once the loop is built.
            if (!TryMarkThisUses(state.Value.Model, state.Value.Method, cancellationToken, out var uses))
            {
                return (null, ConversionKind.None);
            }

            var marked = state.Value.Method.ReplaceNodes(uses, (_, rewritten) => rewritten.WithAdditionalAnnotations(SelfAnnotation));
            state = await ReplaceAsync(state.Value, marked, annotations: null, cancellationToken).ConfigureAwait(false);
            if (state is null)
            {
                return (null, ConversionKind.None);
            }

            selfName = UniqueName(state.Value.Method, "self");
        }

        var kind = ConversionKind.Loop;
        var rewrittenMethod = TryRewrite(state.Value.Model, state.Value.Method, useAccumulator, selfName, cancellationToken, out var accumulated);
        if (accumulated)
        {
            kind = ConversionKind.Accumulator;
        }

        // PERF005 too: a method with a tail call and a non-tail call gets the explicit stack (which handles both).
        if (rewrittenMethod is null)
        {
            // The two-phase loop needs statements to split: an expression body becomes a block first.
            if (Normalize(state.Value.Model, state.Value.Method, (IMethodSymbol)state.Value.Model.GetDeclaredSymbol(state.Value.Method, cancellationToken)!, selfCalls: SelfCallSyntax(state.Value.Model, state.Value.Method, cancellationToken) ?? new HashSet<SyntaxNode>(), toBlock: true, cancellationToken) is { } blockBodied)
            {
                state = await ReplaceAsync(state.Value, blockBodied, annotations: null, cancellationToken).ConfigureAwait(false);
                if (state is null)
                {
                    return (null, ConversionKind.None);
                }
            }

            rewrittenMethod = TryRewriteStack(state.Value.Model, state.Value.Method, selfName, cancellationToken);
            kind = ConversionKind.Stack;
        }

        if (rewrittenMethod is null)
        {
            return (null, ConversionKind.None);
        }

        var check = new SyntaxAnnotation();
        var converted = state.Value.Document.WithSyntaxRoot(state.Value.Root.ReplaceNode(state.Value.Method, rewrittenMethod.WithAdditionalAnnotations(check)));
        converted = await CleanUpAsync(converted, cancellationToken).ConfigureAwait(false);
        converted = await ReorderWarningReassignmentsAsync(converted, check, cancellationToken).ConfigureAwait(false);

        // The last safety net: a conversion that would not compile is not offered.
        var newRoot = await converted.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var newModel = await converted.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (newRoot?.GetAnnotatedNodes(check).FirstOrDefault() is not { } newMethod || newModel is null ||
            HasNewErrors(newModel, newMethod, errorsBefore, cancellationToken) ||
            CountWarnings(newModel, newMethod, cancellationToken) > warningsBefore)
        {
            return (null, ConversionKind.None);
        }

        return (converted, kind);
    }

    /// <summary>
    /// Marks the reassignment of the parameters. The compiler's nullable analysis of a tuple assignment can warn on an
    /// argument that the original call passed without a warning (<c>(node, acc) = (node.Next, acc + node.Value)</c>):
    /// such a reassignment is reordered where that keeps behaviour (<see cref="ReorderWarningReassignmentsAsync"/>);
    /// a warning that stays blocks the fix like any other.
    /// </summary>
    private static readonly SyntaxAnnotation ReassignmentAnnotation = new("PerfAnalyzers.RecursionToLoop.Reassignment");

    /// <summary>
    /// Errors already in the method (code being edited, a type from a package that is not restored) do not block the
    /// fix; new ones do. An error is new when no error with the same code and message was there before: the explicit
    /// stack runs the statements after the call in two places (the path without the call, and the unwinding loop), so
    /// a statement that does not bind (Sonarr's <c>Mocker.GetMock&lt;IDiskProvider&gt;()</c> with Moq missing) gives
    /// the same error twice. The copy is the same text in the same scope, so it binds to the same symbols as before.
    /// </summary>
    private static HashSet<string> ErrorKeys(SemanticModel model, SyntaxNode method, CancellationToken cancellationToken)
    {
        var keys = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var diagnostic in model.GetDiagnostics(method.Span, cancellationToken))
        {
            if (diagnostic.Severity == DiagnosticSeverity.Error)
            {
                keys.Add(ErrorKey(diagnostic));
            }
        }

        return keys;
    }

    private static bool HasNewErrors(SemanticModel model, SyntaxNode method, HashSet<string> before, CancellationToken cancellationToken)
    {
        foreach (var diagnostic in model.GetDiagnostics(method.Span, cancellationToken))
        {
            if (diagnostic.Severity == DiagnosticSeverity.Error && !before.Contains(ErrorKey(diagnostic)))
            {
                return true;
            }
        }

        return false;
    }

    private static string ErrorKey(Diagnostic diagnostic) =>
        diagnostic.Id + ": " + diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);

    private static int CountWarnings(SemanticModel model, SyntaxNode method, CancellationToken cancellationToken) =>
        model.GetDiagnostics(method.Span, cancellationToken).Count(d => d.Severity == DiagnosticSeverity.Warning);

    internal enum ConversionKind
    {
        None,
        Loop,
        Accumulator,
        Stack,
    }

    private readonly struct State
    {
        public State(Document document, SyntaxNode root, SemanticModel model, SyntaxNode method)
        {
            Document = document;
            Root = root;
            Model = model;
            Method = method;
        }

        public Document Document { get; }

        public SyntaxNode Root { get; }

        public SemanticModel Model { get; }

        public SyntaxNode Method { get; }
    }

    private static async Task<State?> StateAsync(Document document, SyntaxNode method, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        return root is null || model is null ? null : new State(document, root, model, method);
    }

    /// <summary>The document with the method replaced, re-parsed and re-bound, and the new method found again.</summary>
    private static async Task<State?> ReplaceAsync(State state, SyntaxNode newMethod, IEnumerable<SyntaxAnnotation>? annotations, CancellationToken cancellationToken)
    {
        var tracker = new SyntaxAnnotation();
        var document = state.Document.WithSyntaxRoot(state.Root.ReplaceNode(state.Method, newMethod.WithAdditionalAnnotations(tracker)));
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root?.GetAnnotatedNodes(tracker).FirstOrDefault() is not { } method)
        {
            return null;
        }

        return await StateAsync(document, method, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The self-calls of the method (invocation syntax), or null when it is not directly recursive.</summary>
    private static HashSet<SyntaxNode>? SelfCallSyntax(SemanticModel model, SyntaxNode method, CancellationToken cancellationToken)
    {
        if (model.GetDeclaredSymbol(method, cancellationToken) is not IMethodSymbol symbol || model.GetOperation(method, cancellationToken) is not { } operation ||
            !Recursion.TryAnalyze(operation, symbol, out var info))
        {
            return null;
        }

        var calls = new HashSet<SyntaxNode>();
        foreach (var call in info.Calls)
        {
            calls.Add(call.Invocation.Syntax);
        }

        return calls;
    }

    private static readonly SyntaxAnnotation SelfAnnotation = new("PerfAnalyzers.RecursionToLoop.This");

    private static bool NeedsSelf(SemanticModel model, SyntaxNode method, CancellationToken cancellationToken)
    {
        if (method is not MethodDeclarationSyntax || model.GetOperation(method, cancellationToken) is not { } operation ||
            !Recursion.TryAnalyze(operation, model.GetDeclaredSymbol(method, cancellationToken) as IMethodSymbol, out var info))
        {
            return false;
        }

        // An extension block member has no `this`: its receiver is the block's parameter, reassigned like a parameter.
        if (ExtensionBlocks.IsMember(info.Method))
        {
            return false;
        }

        foreach (var call in info.Calls)
        {
            if (call.Invocation.Instance is not null and not IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every explicit <c>this</c> and every simple name with an implicit <c>this</c> receiver in the body; false if some use cannot be rewritten (base, a nested function).</summary>
    private static bool TryMarkThisUses(SemanticModel model, SyntaxNode method, CancellationToken cancellationToken, out List<SyntaxNode> uses)
    {
        uses = new List<SyntaxNode>();
        if (model.GetOperation(method, cancellationToken) is not { } operation)
        {
            return false;
        }

        foreach (var descendant in operation.Descendants())
        {
            if (descendant is not IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } instance)
            {
                continue;
            }

            for (var parent = instance.Parent; parent is not null; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return false;
                }
            }

            if (!instance.IsImplicit)
            {
                if (instance.Syntax is not ThisExpressionSyntax)
                {
                    return false;
                }

                uses.Add(instance.Syntax);
                continue;
            }

            switch (instance.Parent?.Syntax)
            {
                case SimpleNameSyntax name:
                    uses.Add(name);
                    break;
                case InvocationExpressionSyntax { Expression: SimpleNameSyntax name }:
                    uses.Add(name);
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    private static SyntaxNode ReplaceThisUses(SyntaxNode method, string selfName) =>
        method.ReplaceNodes(
            method.GetAnnotatedNodes(SelfAnnotation),
            (original, rewritten) => rewritten switch
            {
                ThisExpressionSyntax => IdentifierName(selfName).WithTriviaFrom(rewritten),
                SimpleNameSyntax name => MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(selfName), name.WithoutTrivia()).WithTriviaFrom(rewritten),
                _ => rewritten,
            });

    /// <summary>Fix All: converts every method that has a diagnostic, innermost first, re-analysing after each one.</summary>
    public static FixAllProvider CreateFixAllProvider(bool useAccumulator) => FixAllProvider.Create(async (context, document, diagnostics) =>
    {
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var methods = new HashSet<SyntaxNode>();
        foreach (var diagnostic in diagnostics)
        {
            if (FindMethod(root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)) is { } method)
            {
                methods.Add(method);
            }
        }

        if (methods.Count == 0)
        {
            return document;
        }

        var annotations = new Dictionary<SyntaxNode, SyntaxAnnotation>();
        foreach (var method in methods)
        {
            annotations[method] = new SyntaxAnnotation("PerfAnalyzers.RecursionToLoop.FixAll");
        }

        var current = document.WithSyntaxRoot(root.ReplaceNodes(methods, (original, rewritten) => rewritten.WithAdditionalAnnotations(annotations[original])));

        // Innermost (latest starting) first: converting a local function does not disturb its enclosing method.
        foreach (var method in methods.OrderByDescending(m => m.SpanStart))
        {
            var annotation = annotations[method];
            var currentRoot = await current.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var target = currentRoot?.GetAnnotatedNodes(annotation).FirstOrDefault();
            if (target is null)
            {
                continue;
            }

            var converted = await TryConvertAsync(current, target, useAccumulator, context.CancellationToken).ConfigureAwait(false);
            if (converted is not null)
            {
                current = converted;
            }
        }

        return current;
    });

    private static async Task<Document> CleanUpAsync(Document document, CancellationToken cancellationToken)
    {
        document = await ImportAdder.AddImportsAsync(document, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        document = await Simplifier.ReduceAsync(document, Simplifier.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await Formatter.FormatAsync(document, Formatter.Annotation, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static SyntaxNode? TryRewrite(SemanticModel model, SyntaxNode method, bool useAccumulator, string? selfName, CancellationToken cancellationToken, out bool accumulated)
    {
        accumulated = false;
        BlockSyntax? block;
        ArrowExpressionClauseSyntax? arrow;
        switch (method)
        {
            case MethodDeclarationSyntax declaration:
                (block, arrow) = (declaration.Body, declaration.ExpressionBody);
                break;
            case LocalFunctionStatementSyntax localFunction:
                (block, arrow) = (localFunction.Body, localFunction.ExpressionBody);
                break;
            default:
                return null;
        }

        if (block is null && arrow is null)
        {
            return null;
        }

        var symbol = model.GetDeclaredSymbol(method, cancellationToken) as IMethodSymbol;
        var operation = model.GetOperation(method, cancellationToken);
        if (symbol is null || operation is null || !Recursion.TryAnalyze(operation, symbol, out var info) || !info.IsLinear)
        {
            return null;
        }

        // async: only tail calls (`return await F(..)`, or `await F(..);` last in an async Task method). The loop runs
        // the same statements in the same order; each awaited call ran its body before the caller went on anyway.
        if ((symbol.IsAsync && info.Calls.Any(c => !c.IsTail)) || symbol.ReturnsByRef || symbol.ReturnsByRefReadonly)
        {
            return null;
        }

        foreach (var parameter in symbol.Parameters)
        {
            // A ref, out or in parameter is allowed when every self-call passes it on as itself (jellyfin's
            // `return TryParseHost(host[1..(i - 1)], out addresses);`): the same variable in every round (Plan.TryAdd).
            if (parameter.IsParams)
            {
                return null;
            }
        }

        SyntaxNode bodyNode = (SyntaxNode?)block ?? arrow!.Expression;

        // using declarations of the body: every round's resources are kept to the end, then disposed innermost first
        // (RecursionToLoop.StackResources.cs). Not with an accumulator.
        var resources = block is null ? 0 : ResourcesPerFrame(model, block, info.Calls.Select(c => c.Invocation.Syntax), cancellationToken);
        if (resources < 0 || resources > 0 && useAccumulator && info.Calls.Any(c => !c.IsTail))
        {
            return null;
        }

        var plan = new Plan(symbol, model, selfName, cancellationToken);
        foreach (var call in info.Calls)
        {
            if (!plan.TryAdd(call, info, bodyNode, useAccumulator))
            {
                return null;
            }
        }

        // A lambda or local function that captured a parameter would see it change.
        if (!ReassignedParametersAreNotCaptured(model, bodyNode, symbol, plan))
        {
            return null;
        }

        if (plan.Operator is { } kind && !IsBoolean(kind))
        {
            plan.AccumulatorName = UniqueName(method, "acc");
            accumulated = true;
        }

        var rewriter = new Rewriter(plan);
        List<StatementSyntax> statements;
        if (block is not null)
        {
            statements = rewriter.RewriteStatements(block.Statements);
        }
        else if (symbol.ReturnsVoid || ReturnsBareTask(symbol))
        {
            statements = rewriter.RewriteStatements(List<StatementSyntax>(new[] { ExpressionStatement(arrow!.Expression) }));
        }
        else
        {
            statements = rewriter.TransformReturnedExpression(arrow!.Expression);
        }

        if (rewriter.Failed || rewriter.Handled != plan.Calls.Count)
        {
            return null;
        }

        // Local function declarations at the end do not run; the last statement that does decides.
        var last = statements.Count - 1;
        while (last >= 0 && statements[last] is LocalFunctionStatementSyntax)
        {
            last--;
        }

        if ((symbol.ReturnsVoid || ReturnsBareTask(symbol)) && (last < 0 || !EndsInJump(statements[last])))
        {
            statements.Insert(last + 1, ReturnStatement());
        }
        else if (last >= 0 && statements[last] is ContinueStatementSyntax)
        {
            statements.RemoveAt(last);
        }

        string? resourcesName = null;
        if (resources > 0)
        {
            resourcesName = UniqueName(method, "resources");
            statements = PushResources(statements, resourcesName);
        }

        var loop = WhileStatement(LiteralExpression(SyntaxKind.TrueLiteralExpression), MultiLineBlock(statements));
        var bodyStatements = new List<StatementSyntax>();
        if (selfName is not null)
        {
            bodyStatements.Add(LocalDeclarationStatement(VariableDeclaration(
                IdentifierName("var"),
                SingletonSeparatedList(VariableDeclarator(Identifier(selfName)).WithInitializer(EqualsValueClause(ThisExpression()))))));
        }

        if (plan.AccumulatorName is not null)
        {
            // `var acc = 1L;`: the identity literal carries the return type (int, uint, long, ulong).
            bodyStatements.Add(LocalDeclarationStatement(VariableDeclaration(
                IdentifierName("var"),
                SingletonSeparatedList(VariableDeclarator(Identifier(plan.AccumulatorName)).WithInitializer(EqualsValueClause(Identity(plan.Operator!.Value, symbol.ReturnType)))))));
        }

        if (resourcesName is not null)
        {
            var names = UniqueNames.IdentifiersIn(method);
            names.Add(resourcesName);
            var failureName = UniqueNames.Pick("failure", names.Contains);
            names.Add(failureName);
            bodyStatements.AddRange(GuardResources(resourcesName, failureName, UniqueNames.Pick("exception", names.Contains), model.GetNullableContext(block!.SpanStart).AnnotationsEnabled(), new List<StatementSyntax> { loop }));
        }
        else
        {
            bodyStatements.Add(loop);
        }

        if (block is not null)
        {
            var newBlock = block.WithStatements(List(bodyStatements));
            if (!newBlock.OpenBraceToken.TrailingTrivia.Any(SyntaxKind.EndOfLineTrivia))
            {
                newBlock = newBlock.WithOpenBraceToken(newBlock.OpenBraceToken.WithTrailingTrivia(ElasticLineFeed));
            }

            newBlock = newBlock.WithAdditionalAnnotations(Formatter.Annotation);
            var converted = method.ReplaceNode(block, newBlock);
            return selfName is null ? converted : ReplaceThisUses(converted, selfName);
        }

        // Expression body: becomes a block body.
        var semicolon = method is MethodDeclarationSyntax m ? m.SemicolonToken : ((LocalFunctionStatementSyntax)method).SemicolonToken;
        var newBody = MultiLineBlock(bodyStatements).WithTrailingTrivia(semicolon.TrailingTrivia).WithAdditionalAnnotations(Formatter.Annotation);
        var beforeArrow = arrow!.ArrowToken.GetPreviousToken();
        var trimmed = method.ReplaceToken(beforeArrow, beforeArrow.WithTrailingTrivia());
        SyntaxNode? result = trimmed switch
        {
            MethodDeclarationSyntax declaration => declaration.WithExpressionBody(null).WithSemicolonToken(default).WithBody(newBody),
            LocalFunctionStatementSyntax localFunction => localFunction.WithExpressionBody(null).WithSemicolonToken(default).WithBody(newBody),
            _ => null,
        };
        return result is null || selfName is null ? result : ReplaceThisUses(result, selfName);
    }

    private static bool ReassignedParametersAreNotCaptured(SemanticModel model, SyntaxNode body, IMethodSymbol symbol, Plan plan)
    {
        var reassigned = new HashSet<string>();
        foreach (var call in plan.Calls.Values)
        {
            foreach (var (parameter, _) in call.Assignments)
            {
                reassigned.Add(parameter);
            }
        }

        if (reassigned.Count == 0)
        {
            return true;
        }

        var hasNestedFunction = body.DescendantNodes().Any(n => n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax);
        if (!hasNestedFunction)
        {
            return true;
        }

        DataFlowAnalysis? flow = body switch
        {
            StatementSyntax statement => model.AnalyzeDataFlow(statement),
            ExpressionSyntax expression => model.AnalyzeDataFlow(expression),
            _ => null,
        };

        if (flow is null || !flow.Succeeded)
        {
            return false;
        }

        foreach (var captured in flow.Captured)
        {
            if (captured is IParameterSymbol parameter && ExtensionBlocks.IsOwnParameter(parameter, symbol) && reassigned.Contains(parameter.Name))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>async Task / async ValueTask: like void, falling off the end returns.</summary>
    private static bool ReturnsBareTask(IMethodSymbol method) =>
        method.IsAsync && method.ReturnType is INamedTypeSymbol { IsGenericType: false, Name: "Task" or "ValueTask" };

    private static string UniqueName(SyntaxNode method, string baseName) =>
        UniqueNames.Pick(baseName, UniqueNames.IdentifiersIn(method).Contains);

    private static bool EndsInJump(StatementSyntax statement) => statement switch
    {
        ReturnStatementSyntax or ThrowStatementSyntax or ContinueStatementSyntax or BreakStatementSyntax or GotoStatementSyntax => true,
        BlockSyntax block => block.Statements.Count > 0 && EndsInJump(block.Statements[block.Statements.Count - 1]),
        IfStatementSyntax { Else: { } elseClause } ifStatement => EndsInJump(ifStatement.Statement) && EndsInJump(elseClause.Statement),
        _ => false,
    };

    internal static bool IsBoolean(BinaryOperatorKind kind) => kind is BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr;

    private static SyntaxKind ToSyntaxKind(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.Add => SyntaxKind.AddExpression,
        BinaryOperatorKind.Multiply => SyntaxKind.MultiplyExpression,
        BinaryOperatorKind.And => SyntaxKind.BitwiseAndExpression,
        BinaryOperatorKind.Or => SyntaxKind.BitwiseOrExpression,
        BinaryOperatorKind.ExclusiveOr => SyntaxKind.ExclusiveOrExpression,
        BinaryOperatorKind.ConditionalAnd => SyntaxKind.LogicalAndExpression,
        _ => SyntaxKind.LogicalOrExpression,
    };

    private static ExpressionSyntax Identity(BinaryOperatorKind kind, ITypeSymbol type)
    {
        if (kind == BinaryOperatorKind.And)
        {
            return type.SpecialType is SpecialType.System_UInt32 or SpecialType.System_UInt64
                ? MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, PredefinedType(Token(type.SpecialType == SpecialType.System_UInt32 ? SyntaxKind.UIntKeyword : SyntaxKind.ULongKeyword)), IdentifierName("MaxValue"))
                : PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, TypedLiteral(1, type));
        }

        return TypedLiteral(kind == BinaryOperatorKind.Multiply ? 1 : 0, type);
    }

    private static ExpressionSyntax TypedLiteral(int value, ITypeSymbol type) => LiteralExpression(
        SyntaxKind.NumericLiteralExpression,
        type.SpecialType switch
        {
            SpecialType.System_Int64 => Literal(value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "L", (long)value),
            SpecialType.System_UInt32 => Literal(value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "u", (uint)value),
            SpecialType.System_UInt64 => Literal(value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "UL", (ulong)value),
            _ => Literal(value),
        });

    private static bool IsIdentityLiteral(ExpressionSyntax expression, BinaryOperatorKind kind)
    {
        if (expression is not LiteralExpressionSyntax { Token.Value: { } value })
        {
            return false;
        }

        var number = value switch
        {
            int i => (long?)i,
            long l => l,
            uint ui => ui,
            _ => null,
        };

        return kind switch
        {
            BinaryOperatorKind.Multiply => number == 1,
            BinaryOperatorKind.Add or BinaryOperatorKind.Or or BinaryOperatorKind.ExclusiveOr => number == 0,
            _ => false,
        };
    }

    /// <summary>A block whose braces sit on their own lines even where the formatter keeps one-line bodies on one line (local functions).</summary>
    private static BlockSyntax MultiLineBlock(IEnumerable<StatementSyntax> statements) =>
        Block(Token(SyntaxKind.OpenBraceToken).WithTrailingTrivia(ElasticLineFeed), List(statements), Token(SyntaxKind.CloseBraceToken));

    private static ExpressionSyntax Parenthesize(ExpressionSyntax expression) =>
        ParenthesizedExpression(expression.WithoutTrivia()).WithAdditionalAnnotations(Simplifier.Annotation);

    /// <summary>What to do with each self-call.</summary>
    private sealed class Plan
    {
        public Plan(IMethodSymbol method, SemanticModel model, string? selfName, CancellationToken cancellationToken)
        {
            Method = method;
            Model = model;
            SelfName = selfName;
            Receiver = ExtensionBlocks.Receiver(model, method, cancellationToken);
            _cancellationToken = cancellationToken;
        }

        private readonly CancellationToken _cancellationToken;

        /// <summary>The receiver parameter when the method is an instance member of an extension block; else null.</summary>
        public IParameterSymbol? Receiver { get; }

        public SemanticModel Model { get; }

        /// <summary>The local that stands for <c>this</c> when a call is on another receiver; null if none is.</summary>
        public string? SelfName { get; }

        public IMethodSymbol Method { get; }

        public Dictionary<InvocationExpressionSyntax, CallPlan> Calls { get; } = new();

        /// <summary>The accumulating operator, when some call is not a tail call.</summary>
        public BinaryOperatorKind? Operator { get; private set; }

        public string? AccumulatorName { get; set; }

        /// <summary>
        /// Not null by the compiler's nullable analysis or, where that is off (<c>#nullable disable</c>), by a null check
        /// of the same variable right before the call (<see cref="NullCheckedReceiver"/>).
        /// </summary>
        private bool IsKnownNotNull(ExpressionSyntax receiver) =>
            Model.GetTypeInfo(receiver).Nullability.FlowState switch
            {
                NullableFlowState.NotNull => true,
                NullableFlowState.None => NullCheckedReceiver.IsCheckedNotNull(Model, receiver, _cancellationToken),
                _ => false,
            };

        public bool TryAdd(SelfCall call, RecursionInfo info, SyntaxNode body, bool useAccumulator, bool push = false)
        {
            var invocation = call.Invocation;
            if (invocation.Syntax is not InvocationExpressionSyntax syntax)
            {
                return false;
            }

            var assignments = new List<(string Parameter, ExpressionSyntax Value)>();

            // A virtual call on this runs the most derived override (a derived class's `override F(..) { ..; base.F(..) }`
            // is called again at every level): a loop would skip it. Only where no override can exist.
            if (invocation.IsVirtual && !Method.IsSealed && !Method.ContainingType.IsSealed)
            {
                return false;
            }

            var target = invocation.TargetMethod;

            // A member of a C# 14 extension block: the receiver is the block's parameter, which each call gets for itself
            // like the first parameter of a classic extension method (`type.BaseType!.F(..)` reassigns `type`).
            if (ExtensionBlocks.IsMember(Method) && !Method.IsStatic)
            {
                if (Receiver is null || invocation.Instance is null ||
                    syntax.Expression is not MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } receiverAccess ||
                    !SameTypeArguments(target.ContainingType, Method.ContainingType))
                {
                    return false;
                }

                if (receiverAccess.Expression is not IdentifierNameSyntax { Identifier.ValueText: var receiverText } || receiverText != Receiver.Name)
                {
                    // A ref receiver would be written through, an in / ref readonly one cannot be assigned (as for a
                    // classic `this ref` / `this in` parameter): only passed on as itself.
                    if (Receiver.RefKind != RefKind.None)
                    {
                        return false;
                    }

                    assignments.Add((Receiver.Name, receiverAccess.Expression));
                }
            }

            // The receiver: static, this (explicit or implicit), or another instance of this class when `this` can
            // become a local: a non-virtual method of a class, called on a receiver known not to be null.
            else if (invocation.Instance is not null and not IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
            {
                if (SelfName is null || Method.IsStatic || Method.IsVirtual || Method.IsAbstract || Method.IsOverride || Method.ContainingType.TypeKind != TypeKind.Class ||
                    syntax.Expression is not MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } memberAccess ||
                    memberAccess.Expression.IsKind(SyntaxKind.SuppressNullableWarningExpression) ||
                    !IsKnownNotNull(memberAccess.Expression))
                {
                    return false;
                }

                assignments.Add((SelfName, memberAccess.Expression));
            }

            // An extension method's receiver is its first argument (list.F(i + 1)).
            ExpressionSyntax? extensionReceiver = null;
            if (Method.IsExtensionMethod && syntax.Expression is MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } extensionAccess &&
                invocation.Arguments.Length > 0 && invocation.Arguments[0].Syntax == extensionAccess.Expression)
            {
                extensionReceiver = extensionAccess.Expression;
                var name = Method.Parameters[0].Name;
                if (extensionReceiver is not IdentifierNameSyntax { Identifier.ValueText: var text } || text != name)
                {
                    // `this ref S s`: `s = t` would write through to the caller's variable; `this in S s` cannot be assigned.
                    if (Method.Parameters[0].RefKind != RefKind.None)
                    {
                        return false;
                    }

                    assignments.Add((name, extensionReceiver));
                }
            }

            for (var i = 0; i < target.TypeArguments.Length; i++)
            {
                if (!SymbolEqualityComparer.Default.Equals(target.TypeArguments[i], Method.TypeParameters[i]))
                {
                    return false;
                }
            }

            // continue must reach our loop, and no handler, using, lock or fixed may be left by it. A tail call in the
            // block of a catch clause is the exception: that try's handlers do not cover it (the deeper call ran
            // unprotected by them in the recursion too), and with no finally nothing of that try runs after it.
            SyntaxNode? leftCatch = null;
            for (var node = syntax.Parent; node is not null && node != body; node = node.Parent)
            {
                if (call.IsTail && node is CatchClauseSyntax { Parent: TryStatementSyntax { Finally: null } } catchClause && catchClause.Block.Span.Contains(syntax.Span))
                {
                    leftCatch = catchClause.Parent;
                    continue;
                }

                if (node == leftCatch)
                {
                    continue;
                }

                if (node is TryStatementSyntax or CatchClauseSyntax or FinallyClauseSyntax or UsingStatementSyntax or LockStatementSyntax or FixedStatementSyntax
                    or ForStatementSyntax or ForEachStatementSyntax or ForEachVariableStatementSyntax or WhileStatementSyntax or DoStatementSyntax
                    or SwitchExpressionSyntax)
                {
                    return false;
                }
            }

            foreach (var argument in invocation.Arguments)
            {
                if (extensionReceiver is not null && argument.Syntax == extensionReceiver)
                {
                    continue;
                }

                if (argument.ArgumentKind == ArgumentKind.DefaultValue && argument.Parameter is { } optional)
                {
                    // An omitted optional argument: the parameter takes its default value in the call.
                    if (DefaultValueSyntax(optional, argument.Value) is not { } defaultValue)
                    {
                        return false;
                    }

                    assignments.Add((optional.Name, defaultValue));
                    continue;
                }

                if (argument.ArgumentKind != ArgumentKind.Explicit || argument.Parameter is null || argument.Syntax is not ArgumentSyntax argumentSyntax)
                {
                    return false;
                }

                // ref/out/in: only the method's own parameter of that position, passed on as itself (no reassignment).
                if ((argumentSyntax.RefKindKeyword != default || argument.Parameter.RefKind != RefKind.None) && !PassesItself(argument))
                {
                    return false;
                }
            }

            foreach (var argumentSyntax in syntax.ArgumentList.Arguments)
            {
                var argument = invocation.Arguments.FirstOrDefault(a => a.Syntax == argumentSyntax);
                if (argument?.Parameter is null)
                {
                    return false;
                }

                var name = argument.Parameter.Name;
                if (argumentSyntax.Expression is IdentifierNameSyntax identifier && identifier.Identifier.ValueText == name)
                {
                    continue;
                }

                assignments.Add((name, argumentSyntax.Expression));
            }

            var callPlan = new CallPlan(syntax, assignments);
            if (!call.IsTail && push)
            {
                // The explicit stack: the frame is pushed, the parameters change, the rest runs when unwinding.
                callPlan.Pushed = true;
            }
            else if (!call.IsTail)
            {
                if (!useAccumulator || !TryPlanAccumulation(call, info, callPlan))
                {
                    return false;
                }
            }
            else if ((syntax.Parent is AwaitExpressionSyntax awaited && Method.IsAsync ? awaited.Parent : syntax.Parent) is not
                (ReturnStatementSyntax or ExpressionStatementSyntax or ConditionalExpressionSyntax or ParenthesizedExpressionSyntax or ArrowExpressionClauseSyntax))
            {
                return false;
            }

            Calls[syntax] = callPlan;
            return true;
        }

        /// <summary>The call stays on the same instantiation of a generic extension block (<c>extension&lt;T&gt;(IList&lt;T&gt; list)</c>).</summary>
        private static bool SameTypeArguments(INamedTypeSymbol? target, INamedTypeSymbol? method)
        {
            if (target is null || method is null || target.TypeArguments.Length != method.TypeParameters.Length)
            {
                return false;
            }

            for (var i = 0; i < target.TypeArguments.Length; i++)
            {
                if (!SymbolEqualityComparer.Default.Equals(target.TypeArguments[i], method.TypeParameters[i]))
                {
                    return false;
                }
            }

            return true;
        }

        private bool PassesItself(IArgumentOperation argument)
        {
            var value = argument.Value;
            while (value is IConversionOperation { IsImplicit: true } conversion)
            {
                value = conversion.Operand;
            }

            return value is IParameterReferenceOperation reference && argument.Parameter is { } parameter &&
                SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter.OriginalDefinition) &&
                SymbolEqualityComparer.Default.Equals(reference.Parameter.ContainingSymbol, Method) &&
                reference.Parameter.RefKind == parameter.RefKind && !parameter.IsParams;
        }

        private bool TryPlanAccumulation(SelfCall call, RecursionInfo info, CallPlan callPlan)
        {
            IOperation operation = call.Invocation;
            while (operation.Parent is IConversionOperation { IsImplicit: true, OperatorMethod: null } conversion)
            {
                operation = conversion;
            }

            if (operation.Parent is not IBinaryOperation binary || binary.OperatorMethod is not null || binary.Syntax is not BinaryExpressionSyntax binarySyntax)
            {
                return false;
            }

            if (!SymbolEqualityComparer.Default.Equals(binary.Type, Method.ReturnType) || !Recursion.IsTailValue(binary, Method, info.Body))
            {
                return false;
            }

            if (binary.Parent is not IReturnOperation && binary.Parent is not IConditionalOperation)
            {
                return false;
            }

            var kind = binary.OperatorKind;
            var callFirst = ReferenceEquals(binary.LeftOperand, operation);
            var other = callFirst ? binary.RightOperand : binary.LeftOperand;
            switch (kind)
            {
                case BinaryOperatorKind.Add or BinaryOperatorKind.Multiply or BinaryOperatorKind.And or BinaryOperatorKind.Or or BinaryOperatorKind.ExclusiveOr:
                    if (binary.Type!.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64))
                    {
                        return false;
                    }

                    if (binary.IsChecked && kind is BinaryOperatorKind.Add or BinaryOperatorKind.Multiply)
                    {
                        return false;
                    }

                    break;
                case BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr:
                    // e && F(..) returns early when e decides; F(..) && e would need F evaluated first.
                    if (binary.Type!.SpecialType != SpecialType.System_Boolean || callFirst)
                    {
                        return false;
                    }

                    break;
                default:
                    return false;
            }

            if (Operator is { } existing && existing != kind)
            {
                return false;
            }

            // The other operand moves before the deeper iterations: with the call first, only values that no deeper
            // call can change and that cannot throw; with the call second, it already ran first.
            if (!IsPure(other, allowReads: !callFirst))
            {
                return false;
            }

            Operator = kind;
            callPlan.Binary = binarySyntax;
            callPlan.Other = callFirst ? binarySyntax.Right : binarySyntax.Left;
            return true;
        }

        internal static bool IsPure(IOperation operation, bool allowReads)
        {
            if (operation.ConstantValue.HasValue)
            {
                return true;
            }

            switch (operation)
            {
                case ILiteralOperation:
                case ILocalReferenceOperation:
                case IParameterReferenceOperation:
                    return true;
                case IConversionOperation { OperatorMethod: null } conversion:
                    return (allowReads || !conversion.IsChecked) && IsPure(conversion.Operand, allowReads);
                case IBinaryOperation { OperatorMethod: null } binary:
                    if (!allowReads && (binary.IsChecked || binary.OperatorKind is BinaryOperatorKind.Divide or BinaryOperatorKind.Remainder))
                    {
                        return false;
                    }

                    return IsPure(binary.LeftOperand, allowReads) && IsPure(binary.RightOperand, allowReads);
                case IUnaryOperation { OperatorMethod: null } unary:
                    return (allowReads || !unary.IsChecked) && IsPure(unary.Operand, allowReads);
                case IConditionalOperation { WhenFalse: not null, Type: not null } conditional:
                    return IsPure(conditional.Condition, allowReads) && IsPure(conditional.WhenTrue, allowReads) && IsPure(conditional.WhenFalse, allowReads);
                case IIsPatternOperation { Pattern: IConstantPatternOperation or INegatedPatternOperation { Pattern: IConstantPatternOperation } } isPattern:
                    return IsPure(isPattern.Value, allowReads);
                case IInstanceReferenceOperation:
                    return allowReads;
                case IFieldReferenceOperation field:
                    return allowReads && (field.Instance is null || IsPure(field.Instance, allowReads));
                case IPropertyReferenceOperation property:
                    return allowReads && (property.Instance is null || IsPure(property.Instance, allowReads)) && property.Arguments.All(a => IsPure(a.Value, allowReads));
                case IArrayElementReferenceOperation element:
                    return allowReads && IsPure(element.ArrayReference, allowReads) && element.Indices.All(i => IsPure(i, allowReads));
                default:
                    return false;
            }
        }
    }

    private sealed class CallPlan
    {
        public CallPlan(InvocationExpressionSyntax invocation, List<(string Parameter, ExpressionSyntax Value)> assignments)
        {
            Invocation = invocation;
            Assignments = assignments;
        }

        public InvocationExpressionSyntax Invocation { get; }

        public List<(string Parameter, ExpressionSyntax Value)> Assignments { get; }

        /// <summary>For an accumulated call: <c>e OP F(..)</c> and its other operand <c>e</c>.</summary>
        public BinaryExpressionSyntax? Binary { get; set; }

        public ExpressionSyntax? Other { get; set; }

        /// <summary>For the explicit stack: a call whose frame is pushed (not a tail call).</summary>
        public bool Pushed { get; set; }
    }

    private sealed class Rewriter : CSharpSyntaxRewriter
    {
        private readonly Plan _plan;
        private readonly Dictionary<BinaryExpressionSyntax, CallPlan> _byBinary = new();

        public Rewriter(Plan plan)
        {
            _plan = plan;
            foreach (var call in plan.Calls.Values)
            {
                if (call.Binary is not null)
                {
                    _byBinary[call.Binary] = call;
                }
            }
        }

        public bool Failed { get; private set; }

        public int Handled { get; private set; }

        private bool RewritesReturns => _plan.AccumulatorName is not null;

        public List<StatementSyntax> RewriteStatements(SyntaxList<StatementSyntax> statements)
        {
            var result = new List<StatementSyntax>();
            var afterVoidTailCall = false;
            foreach (var statement in statements)
            {
                if (afterVoidTailCall && statement is ReturnStatementSyntax { Expression: null })
                {
                    // The return right after the converted call is now unreachable.
                    afterVoidTailCall = false;
                    continue;
                }

                afterVoidTailCall = false;
                if (TryTransform(statement, out var replacement))
                {
                    result.AddRange(replacement);
                    afterVoidTailCall = statement is ExpressionStatementSyntax;
                }
                else
                {
                    result.Add((StatementSyntax)Visit(statement));
                }
            }

            return result;
        }

        public override SyntaxNode? VisitBlock(BlockSyntax node) => node.WithStatements(List(RewriteStatements(node.Statements)));

        public override SyntaxNode? VisitSwitchSection(SwitchSectionSyntax node) =>
            node.WithStatements(List(RewriteStatements(node.Statements)));

        public override SyntaxNode? VisitReturnStatement(ReturnStatementSyntax node) =>
            TryTransform(node, out var replacement) ? AsStatement(replacement, node) : base.VisitReturnStatement(node);

        public override SyntaxNode? VisitExpressionStatement(ExpressionStatementSyntax node) =>
            TryTransform(node, out var replacement) ? AsStatement(replacement, node) : base.VisitExpressionStatement(node);

        // Nested functions have their own returns.
        public override SyntaxNode? VisitLocalFunctionStatement(LocalFunctionStatementSyntax node) => node;

        public override SyntaxNode? VisitParenthesizedLambdaExpression(ParenthesizedLambdaExpressionSyntax node) => node;

        public override SyntaxNode? VisitSimpleLambdaExpression(SimpleLambdaExpressionSyntax node) => node;

        public override SyntaxNode? VisitAnonymousMethodExpression(AnonymousMethodExpressionSyntax node) => node;

        private static StatementSyntax AsStatement(List<StatementSyntax> statements, StatementSyntax original) =>
            (statements.Count == 1 ? statements[0].WithTriviaFrom(original) : MultiLineBlock(statements).WithLeadingTrivia(original.GetLeadingTrivia()));

        private bool TryTransform(StatementSyntax statement, out List<StatementSyntax> replacement)
        {
            switch (statement)
            {
                case ReturnStatementSyntax { Expression: { } expression } when RewritesReturns || ContainsPlannedCall(expression):
                    replacement = TransformReturnedExpression(expression);
                    replacement[0] = replacement[0].WithLeadingTrivia(statement.GetLeadingTrivia());
                    return true;
                case ExpressionStatementSyntax { Expression: InvocationExpressionSyntax or AwaitExpressionSyntax { Expression: InvocationExpressionSyntax } } expressionStatement
                    when _plan.Calls.TryGetValue(expressionStatement.Expression is AwaitExpressionSyntax { Expression: InvocationExpressionSyntax awaitedCall } ? awaitedCall : (InvocationExpressionSyntax)expressionStatement.Expression, out var call):
                    replacement = Reassign(call);
                    replacement[0] = replacement[0].WithLeadingTrivia(statement.GetLeadingTrivia());
                    return true;
                default:
                    replacement = null!;
                    return false;
            }
        }

        private bool ContainsPlannedCall(ExpressionSyntax expression)
        {
            foreach (var node in expression.DescendantNodesAndSelf())
            {
                if (node is InvocationExpressionSyntax invocation && _plan.Calls.ContainsKey(invocation))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Statements that do what <c>return expression;</c> did, with self-calls turned into iterations.</summary>
        public List<StatementSyntax> TransformReturnedExpression(ExpressionSyntax expression)
        {
            var stripped = expression;
            while (stripped is ParenthesizedExpressionSyntax parenthesized)
            {
                stripped = parenthesized.Expression;
            }

            switch (stripped)
            {
                case InvocationExpressionSyntax invocation when _plan.Calls.TryGetValue(invocation, out var call) && call.Binary is null:
                    return Reassign(call);
                case AwaitExpressionSyntax { Expression: InvocationExpressionSyntax awaitedCall } when _plan.Calls.TryGetValue(awaitedCall, out var awaitedPlan) && awaitedPlan.Binary is null:
                    return Reassign(awaitedPlan);
                case BinaryExpressionSyntax binary when _byBinary.TryGetValue(binary, out var accumulated):
                    return Reassign(accumulated);
                case ConditionalExpressionSyntax conditional when ContainsPlannedCall(conditional.WhenTrue) || ContainsPlannedCall(conditional.WhenFalse) ||
                    (RewritesReturns && (conditional.WhenTrue is ThrowExpressionSyntax || conditional.WhenFalse is ThrowExpressionSyntax)):
                {
                    if (ContainsPlannedCall(conditional.Condition))
                    {
                        Failed = true;
                    }

                    var result = new List<StatementSyntax>
                    {
                        IfStatement(conditional.Condition.WithoutTrivia(), MultiLineBlock(TransformReturnedExpression(conditional.WhenTrue))),
                    };
                    result.AddRange(TransformReturnedExpression(conditional.WhenFalse));
                    return result;
                }

                case ThrowExpressionSyntax thrown:
                    // `return throw e;` and `acc * throw e` do not compile: the branch becomes `throw e;`.
                    if (ContainsPlannedCall(thrown.Expression))
                    {
                        Failed = true;
                    }

                    return new List<StatementSyntax> { ThrowStatement(thrown.Expression.WithoutTrivia()) };
                default:
                    if (ContainsPlannedCall(expression))
                    {
                        Failed = true;
                    }

                    var value = expression.WithoutTrivia();
                    if (RewritesReturns)
                    {
                        var kind = _plan.Operator!.Value;
                        value = IsIdentityLiteral(stripped, kind)
                            ? IdentifierName(_plan.AccumulatorName!)
                            : BinaryExpression(ToSyntaxKind(kind), IdentifierName(_plan.AccumulatorName!), Parenthesize(expression));
                    }

                    return new List<StatementSyntax> { ReturnStatement(value) };
            }
        }

        private List<StatementSyntax> Reassign(CallPlan call)
        {
            Handled++;
            var statements = new List<StatementSyntax>();
            var targets = new List<ExpressionSyntax>();
            var values = new List<ExpressionSyntax>();
            if (call.Binary is not null)
            {
                var kind = _plan.Operator!.Value;
                if (IsBoolean(kind))
                {
                    // return e && F(..): when e is false the answer is false, else it is F(..).
                    var condition = kind == BinaryOperatorKind.ConditionalAnd
                        ? PrefixUnaryExpression(SyntaxKind.LogicalNotExpression, Parenthesize(call.Other!))
                        : call.Other!.WithoutTrivia();
                    var answer = LiteralExpression(kind == BinaryOperatorKind.ConditionalAnd ? SyntaxKind.FalseLiteralExpression : SyntaxKind.TrueLiteralExpression);
                    statements.Add(IfStatement(condition, MultiLineBlock(new[] { (StatementSyntax)ReturnStatement(answer) })));
                }
                else
                {
                    targets.Add(IdentifierName(_plan.AccumulatorName!));
                    values.Add(BinaryExpression(ToSyntaxKind(kind), IdentifierName(_plan.AccumulatorName!), Parenthesize(call.Other!)));
                }
            }

            foreach (var (parameter, value) in call.Assignments)
            {
                targets.Add(IdentifierName(parameter));
                values.Add(value.WithoutTrivia());
            }

            if (targets.Count == 1)
            {
                statements.Add(ExpressionStatement(AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, targets[0], values[0])).WithAdditionalAnnotations(ReassignmentAnnotation));
            }
            else if (targets.Count > 1 && call.Assignments.Any(a => _plan.Method.Parameters.Any(p => p.Name == a.Parameter && p.Type.IsRefLikeType) ||
                (_plan.Receiver is { } receiver && receiver.Name == a.Parameter && receiver.Type.IsRefLikeType)))
            {
                // A tuple cannot hold a ref struct (jellyfin's `ReadOnlySpan<char> host`): one assignment after the
                // other, in the order written, which is the same as the simultaneous one when no value reads a
                // parameter assigned before it (`isIPv4Enabled = true; ..; host = host[1..(i - 1)];`).
                for (var i = 0; i < targets.Count; i++)
                {
                    for (var j = 0; j < i; j++)
                    {
                        var assigned = ((IdentifierNameSyntax)targets[j]).Identifier.ValueText;
                        if (values[i].DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(n => n.Identifier.ValueText == assigned))
                        {
                            Failed = true;
                            return statements;
                        }
                    }

                    statements.Add(ExpressionStatement(AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, targets[i], values[i])));
                }
            }
            else if (targets.Count > 1)
            {
                statements.Add(ExpressionStatement(AssignmentExpression(
                    SyntaxKind.SimpleAssignmentExpression,
                    TupleExpression(SeparatedList(targets.Select(Argument))),
                    TupleExpression(SeparatedList(values.Select(Argument))))).WithAdditionalAnnotations(ReassignmentAnnotation));
            }

            statements.Add(ContinueStatement());
            return statements;
        }
    }
}
