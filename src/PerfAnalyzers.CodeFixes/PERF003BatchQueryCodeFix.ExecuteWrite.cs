using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.Common;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF003, set-based writes: <c>source.Where(x =&gt; x.Key == element.K [&amp;&amp; ...]).ExecuteDelete()</c> (or
/// <c>ExecuteUpdate(setters)</c>, sync or awaited, with <c>ConfigureAwait</c>) as a statement of a <c>foreach</c> body
/// becomes one <c>Where(x =&gt; keys.Contains(x.Key) [&amp;&amp; ...])</c> write before the loop (chunked under
/// <c>batch_size</c>). Offered only where the order against the loop's other statements cannot matter: see
/// <see cref="ExecuteWritePlan.TryCreate"/>.
/// </summary>
public sealed partial class PERF003BatchQueryCodeFix
{
    private sealed class ExecuteWritePlan : IFixPlan
    {
        private ExecuteWritePlan(ForEachStatementSyntax loop, ExpressionStatementSyntax write, ImmutableArray<string> statements, string title, bool needsLinq)
        {
            Loop = loop;
            Write = write;
            Statements = statements;
            Title = title;
            NeedsLinq = needsLinq;
        }

        public ForEachStatementSyntax Loop { get; }

        /// <summary>The per-element write statement, removed from the loop body.</summary>
        public ExpressionStatementSyntax Write { get; }

        /// <summary>The statements inserted before the loop ('\n' separated lines, indented relative to the loop).</summary>
        public ImmutableArray<string> Statements { get; }

        public string Title { get; }

        public string EquivalenceKey => PERF003BatchQueryCodeFix.EquivalenceKey;

        private bool NeedsLinq { get; }

        /// <summary>
        /// The write is a statement of its own (its affected-row count unused), directly in the body of the nearest
        /// <c>foreach</c> over an in-memory collection; its filter is <c>x.Key == key</c> (integer, enum or <c>Guid</c>
        /// column; the key read from the element alone), possibly and-ed with conditions that do not change per element;
        /// the setters, source and token do not change per element. And the loop body makes no other database call
        /// (only change-tracking <c>Add</c>/<c>Remove</c>/<c>Update</c>/<c>Attach</c>, which reach the database at a
        /// later <c>SaveChanges</c>), calls no method or constructor of the code base (it could hide one), and has no
        /// <c>try</c>, <c>throw</c>, <c>break</c>, <c>continue</c>, <c>return</c>, <c>using</c>: so the write is the
        /// loop's only database effect, nothing in the loop reads the rows it changes, and it runs once per element.
        /// </summary>
        public static ExecuteWritePlan? TryCreate(SemanticModel model, InvocationExpressionSyntax syntax, int batchSize, CancellationToken cancellationToken)
        {
            if (model.GetOperation(syntax, cancellationToken) is not IInvocationOperation invocation ||
                invocation.TargetMethod.Name is not ("ExecuteDelete" or "ExecuteDeleteAsync" or "ExecuteUpdate" or "ExecuteUpdateAsync") ||
                DatabaseApis.TryCreate(model.Compilation) is not { } apis ||
                apis.Classify(invocation) != DatabaseCallKind.Write)
            {
                return null;
            }

            if (batchSize > 0 && model.Compilation.GetTypeByMetadataName("System.Linq.Enumerable") is { } enumerable && enumerable.GetMembers("Chunk").IsEmpty)
            {
                return null;
            }

            // x.ExecuteDelete(); or await x.ExecuteDeleteAsync(ct)[.ConfigureAwait(false)];
            var isAsync = invocation.TargetMethod.Name.EndsWith("Async", StringComparison.Ordinal);
            IOperation current = invocation;
            if (isAsync && current.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configureAwait)
            {
                current = configureAwait;
            }

            if (current.Parent is IAwaitOperation awaited)
            {
                current = awaited;
            }
            else if (isAsync)
            {
                return null;
            }

            if (current.Parent is not IExpressionStatementOperation { Syntax: ExpressionStatementSyntax statement } statementOperation ||
                DatabaseApis.ReceiverOf(invocation) is not { } receiver ||
                Loops.Unwrap(receiver) is not IInvocationOperation { TargetMethod: { Name: "Where", ContainingType.Name: "Queryable" } } where ||
                !TryGetArguments(where, out _, out var predicate, out _, isAsync: false))
            {
                return null;
            }

            if (!Loops.TryGetEnclosingLoop(invocation, null, out var loop) ||
                loop.Loop is not IForEachLoopOperation { IsAsynchronous: false, Syntax: ForEachStatementSyntax forEachSyntax } forEach ||
                forEach.Locals.Length != 1 ||
                forEachSyntax.Statement is not BlockSyntax body || statement.Parent != body ||
                !IsInStatementList(forEachSyntax) ||
                !IsStable(forEach.Collection, out var collection) ||
                ElementType(collection.Type) is not { } elementType ||
                !SymbolEqualityComparer.Default.Equals(elementType, forEach.Locals[0].Type))
            {
                return null;
            }

            var element = forEach.Locals[0];
            if (!TryMatchKeyConjunct(predicate, element, out var parameter, out var property, out var key, out var equality) ||
                !IsInvariantExcept(statementOperation, key, loop, forEachSyntax) ||
                !IsOnlyDatabaseEffect(apis, forEach.Body, statementOperation))
            {
                return null;
            }

            var used = Plan.CollectUsedNames(model, forEachSyntax, cancellationToken);
            var keys = Plan.Unique(Plan.Camel(parameter.Type.Name) + "Keys", used);
            var chunk = batchSize > 0 ? Plan.Unique("chunk", used) : keys;
            var elementName = forEachSyntax.Identifier.ValueText;
            var collectionText = collection.Syntax.WithoutTrivia().ToString();
            var keyText = key.Syntax.WithoutTrivia().ToString();
            var keyList = keyText == elementName
                ? $"var {keys} = {collectionText}.Distinct().ToList();"
                : $"var {keys} = {collectionText}.Select({elementName} => {keyText}).Distinct().ToList();";

            // The write itself, its filter on the key list (or chunk), re-indented from the loop body to the loop.
            var contains = SyntaxFactory.ParseExpression($"{chunk}.Contains({parameter.Name}.{property.Name})").WithTriviaFrom(equality);
            var writeText = statement.ReplaceNode(equality, contains).WithoutTrivia().ToFullString();
            var bodyIndentation = Plan.IndentationOf(statement);
            writeText = Reindent(writeText, bodyIndentation, batchSize > 0 ? "    " : string.Empty);

            var statements = ImmutableArray.CreateBuilder<string>();
            statements.Add(keyList);
            if (batchSize > 0)
            {
                var size = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
                statements.Add($"foreach (var {chunk} in {keys}.Chunk({size}))\n{{\n    {writeText}\n}}");
            }
            else
            {
                statements.Add(writeText);
            }

            var verb = invocation.TargetMethod.Name.StartsWith("ExecuteDelete", StringComparison.Ordinal) ? "Delete" : "Update";
            var title = $"{verb} the rows of all elements in one '{invocation.TargetMethod.Name}' before the loop";
            var needsLinq = !Plan.HasExtension(model, forEachSyntax.SpanStart, collection.Type, "Distinct");
            return new ExecuteWritePlan(forEachSyntax, statement, statements.ToImmutable(), title, needsLinq);
        }

        /// <summary>Lines after the first lose the loop body's indentation (they are re-indented to the loop's by <see cref="Apply"/>).</summary>
        private static string Reindent(string text, string bodyIndentation, string extra)
        {
            var lines = text.Replace("\r\n", "\n").Split('\n');
            for (var i = 1; i < lines.Length; i++)
            {
                var line = lines[i];
                lines[i] = extra + (line.StartsWith(bodyIndentation, StringComparison.Ordinal) ? line.Substring(bodyIndentation.Length) : line.TrimStart());
            }

            return string.Join("\n", lines);
        }

        /// <summary>The lambda's body is <c>x.P == key</c>, or a chain of <c>&amp;&amp;</c> with exactly one such conjunct.</summary>
        private static bool TryMatchKeyConjunct(IAnonymousFunctionOperation lambda, ISymbol element, out IParameterSymbol parameter, out IPropertySymbol property, out IOperation key, out SyntaxNode equality)
        {
            parameter = null!;
            property = null!;
            key = null!;
            equality = null!;
            if (lambda.Symbol.Parameters.Length != 1 || lambda.Symbol.IsAsync || lambda.Body.Operations.Length != 1 ||
                lambda.Body.Operations[0] is not IReturnOperation { ReturnedValue: { } value })
            {
                return false;
            }

            parameter = lambda.Symbol.Parameters[0];
            var pending = new Stack<IOperation>();
            pending.Push(value);
            var found = 0;
            while (pending.Count > 0)
            {
                var operation = pending.Pop();
                while (operation is IParenthesizedOperation parenthesized)
                {
                    operation = parenthesized.Operand;
                }

                if (operation is IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } and)
                {
                    pending.Push(and.RightOperand);
                    pending.Push(and.LeftOperand);
                    continue;
                }

                if (operation is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals } binary)
                {
                    IOperation? other = null;
                    if (IsParameterProperty(binary.LeftOperand, parameter, out var left))
                    {
                        property = left;
                        other = binary.RightOperand;
                    }
                    else if (IsParameterProperty(binary.RightOperand, parameter, out var right))
                    {
                        property = right;
                        other = binary.LeftOperand;
                    }

                    if (other is not null && ReadsElement(other, element))
                    {
                        // The conjunct that reads the element is the key; it must be the only one, and a batchable column.
                        if (!SymbolEqualityComparer.Default.Equals(property.Type, other.Type) || !IsBatchableKeyType(property.Type) || !IsKeyOfElement(other, element))
                        {
                            return false;
                        }

                        found++;
                        key = other;
                        equality = binary.Syntax;
                    }
                }
            }

            return found == 1;
        }

        private static bool ReadsElement(IOperation operation, ISymbol element)
        {
            foreach (var descendant in operation.DescendantsAndSelf())
            {
                if (descendant is ILocalReferenceOperation local && SymbolEqualityComparer.Default.Equals(local.Local, element))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Every local and parameter the statement reads, outside the key, keeps its value across iterations.</summary>
        private static bool IsInvariantExcept(IOperation statement, IOperation key, in LoopContext loop, SyntaxNode loopSyntax)
        {
            var keySpan = key.Syntax.Span;
            foreach (var descendant in statement.DescendantsAndSelf())
            {
                ISymbol? symbol = descendant switch
                {
                    ILocalReferenceOperation local => local.Local,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    _ => null,
                };

                if (symbol is null || keySpan.Contains(descendant.Syntax.Span))
                {
                    continue;
                }

                var references = symbol.DeclaringSyntaxReferences;
                var declaredInStatement = references.Length > 0 && statement.Syntax.Span.Contains(references[0].Span);
                var declaredInLoop = references.Length > 0 && references[0].SyntaxTree == loopSyntax.SyntaxTree && loopSyntax.Span.Contains(references[0].Span);
                if (!declaredInStatement && (declaredInLoop || !loop.LifetimeSpansIterations(symbol)))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Nothing else in the loop body reaches the database, may hide a call that does, or skips or repeats the write.</summary>
        private static bool IsOnlyDatabaseEffect(DatabaseApis apis, IOperation body, IOperation write)
        {
            var writeSpan = write.Syntax.Span;
            foreach (var operation in body.DescendantsAndSelf())
            {
                if (writeSpan.Contains(operation.Syntax.Span))
                {
                    continue;
                }

                switch (operation)
                {
                    case IInvocationOperation invocation:
                    {
                        var method = invocation.TargetMethod;
                        if (apis.Classify(invocation) != DatabaseCallKind.None)
                        {
                            return false;
                        }

                        if (apis.IsDbContext(method.ContainingType) || apis.IsDbSet(method.ContainingType))
                        {
                            if (!SaveOncePlan.IsChangeTrackingCall(method.Name))
                            {
                                return false;
                            }
                        }
                        else if (method.MethodKind == MethodKind.LocalFunction || SaveOncePlan.IsInSource(method))
                        {
                            return false;
                        }

                        break;
                    }

                    case IObjectCreationOperation { Constructor: { } constructor } when SaveOncePlan.IsInSource(constructor) && !constructor.IsImplicitlyDeclared:
                        return false;

                    case ITryOperation:
                    case IThrowOperation:
                    case IBranchOperation:
                    case IReturnOperation:
                    case IUsingOperation:
                    case IUsingDeclarationOperation:
                        if (!IsInNestedFunction(operation, body))
                        {
                            return false; // the loop may stop part-way, or skip the write for some elements
                        }

                        break;
                }
            }

            return true;
        }

        /// <summary>True inside a lambda or local function of the body (its <c>return</c> ends that function, not the loop).</summary>
        private static bool IsInNestedFunction(IOperation operation, IOperation body)
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

        public SyntaxNode Apply(SyntaxNode root)
        {
            var newLineText = root.ToFullString().Contains("\r\n") ? "\r\n" : "\n";
            var newLine = SyntaxFactory.EndOfLine(newLineText);
            var indentationText = Plan.IndentationOf(Loop);
            var indentation = SyntaxFactory.Whitespace(indentationText);
            var leading = Loop.GetLeadingTrivia();

            var inserted = new List<StatementSyntax>();
            foreach (var text in Statements)
            {
                inserted.Add(SyntaxFactory.ParseStatement(text.Replace("\n", newLineText + indentationText))
                    .WithLeadingTrivia(inserted.Count == 0 ? leading : SyntaxFactory.TriviaList(indentation))
                    .WithTrailingTrivia(newLine));
            }

            var body = (BlockSyntax)Loop.Statement;
            var nodes = new List<SyntaxNode>(inserted);
            if (body.Statements.Count > 1)
            {
                var loop = Loop.RemoveNode(Write, SyntaxRemoveOptions.KeepNoTrivia)!;
                var loopBody = (BlockSyntax)loop.Statement;
                if (loopBody.Statements.Count > 0 && loopBody.Statements[0].GetLeadingTrivia() is { Count: > 0 } firstTrivia && firstTrivia[0].IsKind(SyntaxKind.EndOfLineTrivia))
                {
                    // The write was the first statement: the blank line that followed it is not kept at the top of the body.
                    var first = loopBody.Statements[0];
                    loop = loop.ReplaceNode(first, first.WithLeadingTrivia(StripLeadingBlankLines(first.GetLeadingTrivia())));
                }

                nodes.Add(loop.WithLeadingTrivia(indentation));
            }

            SyntaxNode result;
            if (Loop.Parent is GlobalStatementSyntax global)
            {
                var globals = new List<SyntaxNode>();
                foreach (var node in nodes)
                {
                    globals.Add(SyntaxFactory.GlobalStatement((StatementSyntax)node));
                }

                result = root.ReplaceNode(global, globals);
            }
            else
            {
                result = root.ReplaceNode(Loop, nodes);
            }

            return NeedsLinq ? AddUsings(result, ImmutableArray.Create("System.Linq"), newLine) : result;
        }

        private static SyntaxTriviaList StripLeadingBlankLines(SyntaxTriviaList trivia)
        {
            var start = 0;
            while (start < trivia.Count && (trivia[start].IsKind(SyntaxKind.EndOfLineTrivia) ||
                   (trivia[start].IsKind(SyntaxKind.WhitespaceTrivia) && start + 1 < trivia.Count && trivia[start + 1].IsKind(SyntaxKind.EndOfLineTrivia))))
            {
                start++;
            }

            return SyntaxFactory.TriviaList(System.Linq.Enumerable.Skip(trivia, start));
        }
    }
}
