using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.CodeFixes.Common;
using PerfAnalyzers.Common;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF003, writes: <c>SaveChanges()</c>/<c>await SaveChangesAsync(...)</c> as the last statement of a <c>foreach</c>
/// or <c>for</c> body moves after the loop, so all the changes are saved in one round-trip (one transaction). Offered
/// only where nothing in the loop can see the difference: see <see cref="SaveOncePlan.TryCreate"/>.
/// </summary>
public sealed partial class PERF003BatchQueryCodeFix
{
    internal const string SaveOnceEquivalenceKey = "PERF003_SaveOnce";

    private sealed class SaveOncePlan : IFixPlan
    {
        private SaveOncePlan(ExpressionStatementSyntax save, StatementSyntax loop, string name)
        {
            Save = save;
            Loop = loop;
            Title = $"Call '{name}' once after the loop (all elements in one transaction)";
        }

        /// <summary>The save statement, the last of the loop body.</summary>
        public ExpressionStatementSyntax Save { get; }

        public StatementSyntax Loop { get; }

        public string Title { get; }

        public string EquivalenceKey => SaveOnceEquivalenceKey;

        /// <summary>
        /// The save is a statement of its own (its result unused), the last of the body of the nearest <c>foreach</c>,
        /// <c>await foreach</c> or <c>for</c>; its context and token do not change per iteration; and the loop body
        /// (1) makes no other database call (queries, explicit loads, <c>Entry</c>; only <c>Add</c>/<c>Update</c>/
        /// <c>Remove</c>/<c>Attach</c> and their range forms), (2) calls no method of the code base (which could hide one),
        /// (3) reads no key, foreign key or concurrency property (names <c>Id</c>, <c>...Id</c>, the model's key,
        /// <c>[Key]</c>/<c>[Timestamp]</c>/<c>[ConcurrencyCheck]</c>/<c>[DatabaseGenerated]</c>) except directly on the
        /// iteration variable: a save writes generated keys and tokens, which a later iteration could read, (4) has no
        /// <c>try</c>, <c>throw</c>, <c>break</c>, <c>continue</c>, <c>return</c>, <c>goto</c> or <c>yield</c>; and the
        /// <c>foreach</c> does not stream a database query.
        /// </summary>
        public static SaveOncePlan? TryCreate(SemanticModel model, InvocationExpressionSyntax syntax, CancellationToken cancellationToken)
        {
            if (model.GetOperation(syntax, cancellationToken) is not IInvocationOperation invocation ||
                invocation.TargetMethod.Name is not ("SaveChanges" or "SaveChangesAsync") ||
                DatabaseApis.TryCreate(model.Compilation) is not { } apis ||
                apis.Classify(invocation) != DatabaseCallKind.Write ||
                !apis.IsDbContext(invocation.TargetMethod.ContainingType))
            {
                return null;
            }

            // db.SaveChanges(); or await db.SaveChangesAsync(ct)[.ConfigureAwait(false)];
            IOperation current = invocation;
            if (current.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configureAwait)
            {
                current = configureAwait;
            }

            if (current.Parent is IAwaitOperation awaited)
            {
                current = awaited;
            }
            else if (invocation.TargetMethod.Name == "SaveChangesAsync")
            {
                return null; // not awaited where it is called
            }

            if (current.Parent is not IExpressionStatementOperation { Syntax: ExpressionStatementSyntax statement } ||
                !Loops.TryGetEnclosingLoop(invocation, null, out var loop) ||
                loop.Loop is not { } loopOperation)
            {
                return null;
            }

            StatementSyntax? body;
            ISymbol? element = null;
            switch (loopOperation)
            {
                case IForEachLoopOperation forEach when forEach.Syntax is ForEachStatementSyntax forEachSyntax:
                    body = forEachSyntax.Statement;
                    if (forEach.Locals.Length == 1)
                    {
                        element = forEach.Locals[0];
                    }

                    if (apis.IsDatabaseQuery(forEach.Collection))
                    {
                        return null; // a streamed query: the saves ran between its reads
                    }

                    break;
                case IForLoopOperation { Syntax: ForStatementSyntax forSyntax }:
                    body = forSyntax.Statement;
                    break;
                default:
                    return null;
            }

            if (body is not BlockSyntax block || block.Statements.Count == 0 || block.Statements[block.Statements.Count - 1] != statement ||
                loopOperation.Syntax is not StatementSyntax loopSyntax || loopSyntax.Parent is not (BlockSyntax or SwitchSectionSyntax or GlobalStatementSyntax))
            {
                return null;
            }

            // The context and token are the same for every iteration.
            foreach (var descendant in invocation.DescendantsAndSelf())
            {
                ISymbol? symbol = descendant switch
                {
                    ILocalReferenceOperation local => local.Local,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    _ => null,
                };
                if (symbol is not null && IsDeclaredWithin(symbol, loopSyntax))
                {
                    return null;
                }
            }

            return IsSafeToSaveOnce(model.Compilation, apis, loopOperation, invocation, element, cancellationToken)
                ? new SaveOncePlan(statement, loopSyntax, invocation.TargetMethod.Name)
                : null;
        }

        private static bool IsDeclaredWithin(ISymbol symbol, SyntaxNode node)
        {
            var references = symbol.DeclaringSyntaxReferences;
            return references.Length > 0 && references[0].SyntaxTree == node.SyntaxTree && node.Span.Contains(references[0].Span);
        }

        private static bool IsSafeToSaveOnce(Compilation compilation, DatabaseApis apis, ILoopOperation loop, IInvocationOperation save, ISymbol? element, CancellationToken cancellationToken)
        {
            foreach (var operation in loop.Body.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IInvocationOperation invocation when invocation != save:
                    {
                        var method = invocation.TargetMethod;
                        if (apis.Classify(invocation) != DatabaseCallKind.None)
                        {
                            return false;
                        }

                        if (apis.IsDbContext(method.ContainingType) || apis.IsDbSet(method.ContainingType))
                        {
                            if (!IsChangeTrackingCall(method.Name))
                            {
                                return false;
                            }
                        }
                        else if (method.MethodKind == MethodKind.LocalFunction || IsInSource(method))
                        {
                            return false;
                        }

                        break;
                    }

                    case IObjectCreationOperation { Constructor: { } constructor } when IsInSource(constructor) && !constructor.IsImplicitlyDeclared:
                        return false;

                    case IPropertyReferenceOperation property when !IsWriteTarget(property) && IsGeneratedOrKeyLike(compilation, property.Property, cancellationToken):
                        if (element is null || Loops.Unwrap(property.Instance ?? property) is not ILocalReferenceOperation local ||
                            !SymbolEqualityComparer.Default.Equals(local.Local, element))
                        {
                            return false;
                        }

                        break;

                    case ITryOperation:
                    case IThrowOperation:
                    case IBranchOperation:
                    case IReturnOperation:
                    case IUsingOperation:
                    case IUsingDeclarationOperation:
                        return false;
                }
            }

            return true;
        }

        internal static bool IsChangeTrackingCall(string name) => name is
            "Add" or "AddRange" or "AddAsync" or "AddRangeAsync" or
            "Update" or "UpdateRange" or "Remove" or "RemoveRange" or "Attach" or "AttachRange";

        internal static bool IsInSource(IMethodSymbol method)
        {
            foreach (var location in method.OriginalDefinition.Locations)
            {
                if (location.IsInSource)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>True when the reference is only assigned (<c>x.Id = ...</c>, an object initializer member), not read.</summary>
        private static bool IsWriteTarget(IPropertyReferenceOperation property) =>
            property.Parent is ISimpleAssignmentOperation assignment && assignment.Target == property;

        /// <summary>A property a save may write: a key or foreign key by name, the model's key, or one marked as generated or a concurrency token.</summary>
        private static bool IsGeneratedOrKeyLike(Compilation compilation, IPropertySymbol property, CancellationToken cancellationToken)
        {
            if (property.Name == "Id" || property.Name.EndsWith("Id", StringComparison.Ordinal) || property.Name.EndsWith("ID", StringComparison.Ordinal) ||
                property.Name is "RowVersion" or "Version" or "ConcurrencyStamp" or "Timestamp")
            {
                return true;
            }

            foreach (var attribute in property.GetAttributes())
            {
                if (attribute.AttributeClass?.Name is "KeyAttribute" or "TimestampAttribute" or "ConcurrencyCheckAttribute" or "DatabaseGeneratedAttribute")
                {
                    return true;
                }
            }

            return property.ContainingType is { } type && EntityKeys.SingleKey(compilation, type, cancellationToken) is { } key &&
                SymbolEqualityComparer.Default.Equals(key, property);
        }

        public SyntaxNode Apply(SyntaxNode root)
        {
            var newLineText = root.ToFullString().Contains("\r\n") ? "\r\n" : "\n";
            var leading = Loop.GetLeadingTrivia();
            var indentation = leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia) ? leading[leading.Count - 1] : SyntaxFactory.Whitespace(string.Empty);
            var moved = Save.WithoutTrivia()
                .WithLeadingTrivia(SyntaxFactory.EndOfLine(newLineText), indentation)
                .WithTrailingTrivia(SyntaxFactory.EndOfLine(newLineText));

            var loop = Loop.RemoveNode(Save, SyntaxRemoveOptions.KeepNoTrivia)!;
            if (!loop.GetTrailingTrivia().Any(SyntaxKind.EndOfLineTrivia))
            {
                // The loop ends the file without a line break: the save takes over that position.
                loop = loop.WithTrailingTrivia(loop.GetTrailingTrivia().Add(SyntaxFactory.EndOfLine(newLineText)));
                moved = moved.WithTrailingTrivia();
            }

            if (Loop.Parent is GlobalStatementSyntax global)
            {
                return root.ReplaceNode(global, new SyntaxNode[] { global.WithStatement(loop), SyntaxFactory.GlobalStatement(moved) });
            }

            return root.ReplaceNode(Loop, new SyntaxNode[] { loop, moved });
        }
    }
}
