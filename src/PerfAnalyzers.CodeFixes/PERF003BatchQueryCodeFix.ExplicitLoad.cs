using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.Common;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF003, explicit loading: <c>db.Entry(e).Collection(x =&gt; x.Nav).Load()</c> (or <c>Reference</c>, or awaited
/// <c>LoadAsync</c>) per element of a <c>foreach</c> over a list the same method loaded from a query of the same context
/// becomes <c>.Include(x =&gt; x.Nav)</c> on that query: one query (a join) instead of 1 + N.
/// </summary>
public sealed partial class PERF003BatchQueryCodeFix
{
    internal const string IncludeEquivalenceKey = "PERF003_Include";

    private static readonly HashSet<string> s_includeSafeOperators = new(StringComparer.Ordinal)
    {
        "Where", "OrderBy", "OrderByDescending", "ThenBy", "ThenByDescending", "Skip", "Take", "Include", "ThenInclude",
        "AsSplitQuery", "AsSingleQuery", "TagWith", "IgnoreQueryFilters", "AsTracking",
    };

    private sealed class IncludePlan : IFixPlan
    {
        private IncludePlan(InvocationExpressionSyntax terminal, StatementSyntax loadStatement, StatementSyntax loop, bool removeLoop, string lambda, string navigation)
        {
            Terminal = terminal;
            LoadStatement = loadStatement;
            Loop = loop;
            RemoveLoop = removeLoop;
            Lambda = lambda;
            Title = $"Load '{navigation}' with the query: Include instead of one load per element";
        }

        public string Title { get; }

        public string EquivalenceKey => IncludeEquivalenceKey;

        /// <summary>The materialising call of the query that produced the list (<c>ToList()</c>, <c>ToListAsync(ct)</c>).</summary>
        private InvocationExpressionSyntax Terminal { get; }

        private StatementSyntax LoadStatement { get; }

        private StatementSyntax Loop { get; }

        private bool RemoveLoop { get; }

        private string Lambda { get; }

        /// <summary>
        /// Offered when: the load is <c>ctx.Entry(e).Collection(x =&gt; x.Nav).Load()</c>/<c>Reference(...)</c> (or awaited
        /// <c>LoadAsync</c>), a statement directly in the body of a <c>foreach</c> whose variable is <c>e</c>, after only
        /// statements that do not mention <c>e</c>; the loop iterates a local declared in an enclosing block before it by
        /// <c>var list = ctx.Set.Where(...)...ToList()</c> (or <c>ToArray</c>, <c>ToListAsync</c>, <c>ToArrayAsync</c>,
        /// awaited) on the same context, with only filtering, ordering, paging and include operators (no projection,
        /// no <c>AsNoTracking</c>), the local not used between its declaration and the loop, and the context not
        /// changed in between; the loop body makes no other database call, calls no method of the code base, touches
        /// the context no other way, and has no <c>break</c>, <c>return</c>, <c>throw</c>, <c>try</c>, <c>goto</c>
        /// or <c>yield</c>: so every element's navigation was loaded exactly once, and the Include loads the same rows.
        /// </summary>
        public static IncludePlan? TryCreate(SemanticModel model, InvocationExpressionSyntax syntax, CancellationToken cancellationToken)
        {
            if (model.GetOperation(syntax, cancellationToken) is not IInvocationOperation { TargetMethod.Name: "Load" or "LoadAsync" } load ||
                Loops.Unwrap(load.Instance ?? load) is not IInvocationOperation { TargetMethod.Name: "Collection" or "Reference", Arguments.Length: 1 } navigation ||
                LambdaOf(navigation.Arguments[0].Value) is not { } lambda ||
                lambda.Symbol.Parameters.Length != 1 ||
                lambda.Body.Operations.Length != 1 ||
                lambda.Body.Operations[0] is not IReturnOperation { ReturnedValue: { } returned } ||
                Loops.Unwrap(returned) is not IPropertyReferenceOperation { Instance: IParameterReferenceOperation } navigationProperty ||
                Loops.Unwrap(navigation.Instance ?? navigation) is not IInvocationOperation { TargetMethod.Name: "Entry", Arguments.Length: 1, Instance: { } context } entry ||
                DatabaseApis.TryCreate(model.Compilation) is not { } apis ||
                !apis.IsDbContext(entry.TargetMethod.ContainingType) ||
                Loops.Unwrap(entry.Arguments[0].Value) is not ILocalReferenceOperation element)
            {
                return null;
            }

            // The load as a statement (awaited when async) directly in the foreach body.
            IOperation current = load;
            if (current.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configureAwait)
            {
                current = configureAwait;
            }

            if (current.Parent is IAwaitOperation awaited)
            {
                current = awaited;
            }
            else if (load.TargetMethod.Name == "LoadAsync")
            {
                return null;
            }

            if (current.Parent is not IExpressionStatementOperation { Syntax: ExpressionStatementSyntax statement } ||
                statement.Parent is not BlockSyntax { Parent: ForEachStatementSyntax { AwaitKeyword.RawKind: 0 } forEachSyntax } body ||
                model.GetOperation(forEachSyntax, cancellationToken) is not IForEachLoopOperation { Locals.Length: 1 } forEach ||
                !SymbolEqualityComparer.Default.Equals(forEach.Locals[0], element.Local) ||
                Loops.Unwrap(forEach.Collection) is not ILocalReferenceOperation { Local: { } list })
            {
                return null;
            }

            // Statements before the load do not mention the element (they could read the navigation).
            foreach (var before in body.Statements)
            {
                if (before == statement)
                {
                    break;
                }

                if (before.DescendantNodes().OfType<IdentifierNameSyntax>().Any(i => i.Identifier.ValueText == element.Local.Name))
                {
                    return null;
                }
            }

            if (!IsLoopBodyInert(apis, forEach, load) ||
                FindListQuery(model, list, forEachSyntax, cancellationToken) is not { } terminal ||
                model.GetOperation(terminal, cancellationToken) is not IInvocationOperation terminalOperation ||
                !IsIncludableQuery(apis, terminalOperation, context, element.Local.Type))
            {
                return null;
            }

            var removeLoop = body.Statements.Count == 1;
            var lambdaSyntax = (ExpressionSyntax)navigation.Arguments[0].Value.Syntax;
            return new IncludePlan(terminal, statement, forEachSyntax, removeLoop, lambdaSyntax.WithoutTrivia().ToString(), navigationProperty.Property.Name);
        }

        private static IAnonymousFunctionOperation? LambdaOf(IOperation argument) => Loops.Unwrap(argument) switch
        {
            IDelegateCreationOperation { Target: IAnonymousFunctionOperation target } => target,
            IConversionOperation { Operand: IAnonymousFunctionOperation operand } => operand,
            IAnonymousFunctionOperation direct => direct,
            _ => null,
        };

        /// <summary>No other database call or context use, no call into the code base, and no early exit.</summary>
        private static bool IsLoopBodyInert(DatabaseApis apis, IForEachLoopOperation loop, IInvocationOperation load)
        {
            var own = new HashSet<IOperation>(load.DescendantsAndSelf());
            foreach (var operation in loop.Body.DescendantsAndSelf())
            {
                if (own.Contains(operation))
                {
                    continue;
                }

                switch (operation)
                {
                    case IInvocationOperation invocation:
                        var method = invocation.TargetMethod;
                        if (apis.Classify(invocation) != DatabaseCallKind.None || apis.IsDbContext(method.ContainingType) || apis.IsDbSet(method.ContainingType) ||
                            method.MethodKind == MethodKind.LocalFunction || SaveOncePlan.IsInSource(method))
                        {
                            return false;
                        }

                        break;
                    case IPropertyReferenceOperation property when apis.IsDbContext(property.Property.ContainingType) || apis.IsDbSet(property.Type):
                    case IObjectCreationOperation { Constructor: { } constructor } when SaveOncePlan.IsInSource(constructor) && !constructor.IsImplicitlyDeclared:
                    case ITryOperation:
                    case IThrowOperation:
                    case IBranchOperation { BranchKind: not BranchKind.Continue }:
                    case IReturnOperation:
                        if (!IsInNestedFunction(operation, loop.Body))
                        {
                            return false;
                        }

                        break;
                }
            }

            return true;
        }

        internal static bool IsInNestedFunction(IOperation operation, IOperation body)
        {
            for (var current = operation.Parent; current is not null && current != body; current = current.Parent)
            {
                if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The materialising call of <c>var list = &lt;query&gt;.ToList();</c> (or <c>ToArray</c>, awaited <c>ToListAsync</c>/<c>ToArrayAsync</c>),
        /// a statement before the loop in a block enclosing it, with the list not mentioned in between.
        /// </summary>
        private static InvocationExpressionSyntax? FindListQuery(SemanticModel model, ILocalSymbol list, StatementSyntax loop, CancellationToken cancellationToken)
        {
            if (list.DeclaringSyntaxReferences.Length != 1 ||
                list.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax { Initializer.Value: { } value } declarator ||
                declarator.Parent?.Parent is not LocalDeclarationStatementSyntax { UsingKeyword.RawKind: 0 } declaration ||
                declaration.Parent is not BlockSyntax block ||
                !block.Span.Contains(loop.Span))
            {
                return null;
            }

            // Nothing between the declaration and the loop mentions the list; the loop is after it.
            var between = false;
            foreach (var statement in block.Statements)
            {
                if (statement == declaration)
                {
                    between = true;
                    continue;
                }

                if (!between)
                {
                    continue;
                }

                if (statement.Span.Contains(loop.Span))
                {
                    break;
                }

                if (statement.DescendantNodes().OfType<IdentifierNameSyntax>().Any(i => i.Identifier.ValueText == list.Name))
                {
                    return null;
                }
            }

            // No write to the list anywhere else in the block (reassignment).
            foreach (var node in block.DescendantNodes())
            {
                if (node is AssignmentExpressionSyntax { Left: IdentifierNameSyntax target } && target.Identifier.ValueText == list.Name)
                {
                    return null;
                }
            }

            var expression = value;
            if (expression is AwaitExpressionSyntax awaitExpression)
            {
                expression = awaitExpression.Expression;
            }

            if (expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Expression: InvocationExpressionSyntax configured } })
            {
                expression = configured;
            }

            return expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ToList" or "ToArray" or "ToListAsync" or "ToArrayAsync" } access } terminal &&
                (value is AwaitExpressionSyntax) == access.Name.Identifier.ValueText.EndsWith("Async", StringComparison.Ordinal) &&
                model.GetOperation(terminal, cancellationToken) is IInvocationOperation
                ? terminal
                : null;
        }

        /// <summary>The query's root is a set of <paramref name="context"/> (same symbol) of the element's type, under include-safe operators only.</summary>
        private static bool IsIncludableQuery(DatabaseApis apis, IInvocationOperation terminal, IOperation context, ITypeSymbol elementType)
        {
            var contextSymbol = SymbolOf(Loops.Unwrap(context));
            if (contextSymbol is null)
            {
                return false;
            }

            // The terminal's source: its receiver (reduced extension: the first argument).
            var source = terminal.Instance ?? (terminal.Arguments.Length > 0 ? terminal.Arguments[0].Value : null);
            while (source is not null)
            {
                source = Loops.Unwrap(source);
                switch (source)
                {
                    case IInvocationOperation { TargetMethod.Name: "Set", Instance: { } setContext } set when apis.IsDbContext(set.TargetMethod.ContainingType):
                        return SymbolEqualityComparer.Default.Equals(SymbolOf(Loops.Unwrap(setContext)), contextSymbol) && IsSetOf(set.Type, elementType);
                    case IPropertyReferenceOperation { Instance: { } setContext } property when apis.IsDbSet(property.Type):
                        return SymbolEqualityComparer.Default.Equals(SymbolOf(Loops.Unwrap(setContext)), contextSymbol) && IsSetOf(property.Type, elementType);
                    case IInvocationOperation { TargetMethod: { IsExtensionMethod: true } method } invocation when s_includeSafeOperators.Contains(method.Name) && invocation.Arguments.Length > 0:
                        source = invocation.Arguments[0].Value;
                        break;
                    default:
                        return false;
                }
            }

            return false;

            static bool IsSetOf(ITypeSymbol? set, ITypeSymbol element) =>
                set is INamedTypeSymbol { TypeArguments.Length: 1 } named && SymbolEqualityComparer.Default.Equals(named.TypeArguments[0], element);
        }

        private static ISymbol? SymbolOf(IOperation operation) => operation switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
            IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation, Property.SetMethod: null } property => property.Property,
            _ => null,
        };

        public SyntaxNode Apply(SyntaxNode root)
        {
            // ...Where(...).ToList()  ->  ...Where(...).Include(x => x.Nav).ToList(), on its own line in a chain written one operator per line.
            var access = (MemberAccessExpressionSyntax)Terminal.Expression;
            var included = SyntaxFactory.InvocationExpression(
                    SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, access.Expression, access.OperatorToken, SyntaxFactory.IdentifierName("Include")),
                    SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(SyntaxFactory.ParseExpression(Lambda)))))
                .WithTrailingTrivia(access.Expression.GetTrailingTrivia());
            var newAccess = access.WithExpression(included);

            var tracked = root.TrackNodes(Terminal, LoadStatement, Loop);
            tracked = tracked.ReplaceNode(tracked.GetCurrentNode(Terminal)!.Expression, newAccess);
            if (RemoveLoop)
            {
                return tracked.RemoveNode(tracked.GetCurrentNode(Loop)!, SyntaxRemoveOptions.KeepNoTrivia)!;
            }

            return tracked.RemoveNode(tracked.GetCurrentNode(LoadStatement)!, SyntaxRemoveOptions.KeepNoTrivia)!;
        }
    }
}
