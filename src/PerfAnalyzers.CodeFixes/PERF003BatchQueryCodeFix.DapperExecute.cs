using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.CodeFixes.Common;
using PerfAnalyzers.Common;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF003, Dapper writes: a <c>foreach</c> whose only statement is <c>connection.Execute(sql, new { ... element ... })</c>
/// (or <c>await ExecuteAsync</c>, or <c>total += ...</c>) becomes one <c>connection.Execute(sql, source.Select(element =&gt;
/// new { ... }))</c>: Dapper runs the command once per row, building each row's parameters just before its execution,
/// as the loop did, with one command and one connection open; inside one transaction where that is provably safe.
/// </summary>
public sealed partial class PERF003BatchQueryCodeFix
{
    internal const string DapperExecuteEquivalenceKey = "PERF003_DapperExecuteRows";

    private sealed class DapperExecutePlan : IFixPlan
    {
        private DapperExecutePlan(StatementSyntax loop, StatementSyntax statement, InvocationExpressionSyntax execute, ExpressionSyntax param, string rows, string? connection, string? transactionName)
        {
            Loop = loop;
            Statement = statement;
            Execute = execute;
            Param = param;
            Rows = rows;
            Connection = connection;
            TransactionName = transactionName;
            Title = transactionName is null
                ? "Pass all elements' rows to one Dapper 'Execute' (one command for all)"
                : "Pass all elements' rows to one Dapper 'Execute' (one command, all elements in one transaction)";
        }

        public string Title { get; }

        public string EquivalenceKey => DapperExecuteEquivalenceKey;

        private StatementSyntax Loop { get; }

        private StatementSyntax Statement { get; }

        private InvocationExpressionSyntax Execute { get; }

        private ExpressionSyntax Param { get; }

        private string Rows { get; }

        private string? Connection { get; }

        private string? TransactionName { get; }

        /// <summary>
        /// The call is Dapper's <c>Execute</c>/<c>ExecuteAsync</c> (SQL text overload), the only statement of a <c>foreach</c>
        /// over an <c>IEnumerable&lt;T&gt;</c> (iteration variable of type <c>T</c>, no deconstruction): as a statement,
        /// awaited, or added to a variable declared outside the loop (<c>total += ...</c>: Dapper returns the sum of the
        /// rows' counts). Its <c>param</c> is an anonymous object or the element itself (not a sequence: Dapper would run
        /// each of its items); the connection, SQL and other arguments do not change per iteration; the parameter
        /// expression has no <c>await</c>, <c>ref</c>/<c>out</c> or ref struct (it moves into a lambda).
        /// </summary>
        public static DapperExecutePlan? TryCreate(SemanticModel model, InvocationExpressionSyntax syntax, CancellationToken cancellationToken)
        {
            if (model.GetOperation(syntax, cancellationToken) is not IInvocationOperation invocation ||
                invocation.TargetMethod is not { ContainingType.Name: "SqlMapper", Name: "Execute" or "ExecuteAsync" } method ||
                DatabaseApis.TryCreate(model.Compilation) is not { } apis ||
                apis.Classify(invocation) != DatabaseCallKind.Write)
            {
                return null;
            }

            IOperation? connection = null;
            IOperation? param = null;
            var otherArguments = new List<IOperation>();
            var explicitTransactionOrMore = false;
            foreach (var argument in invocation.Arguments)
            {
                switch (argument.Parameter?.Name)
                {
                    case "cnn" when argument.Parameter.Ordinal == 0:
                        connection = argument.Value;
                        break;
                    case "sql" when argument.Value.Type?.SpecialType == SpecialType.System_String:
                        otherArguments.Add(argument.Value);
                        break;
                    case "param" when argument.ArgumentKind == ArgumentKind.Explicit:
                        param = Loops.Unwrap(argument.Value);
                        break;
                    case "transaction" or "commandTimeout" or "commandType":
                        if (argument.ArgumentKind != ArgumentKind.DefaultValue)
                        {
                            explicitTransactionOrMore = true;
                            otherArguments.Add(argument.Value);
                        }

                        break;
                    default:
                        return null;
                }
            }

            if (connection is null || param is null || otherArguments.Count == 0 ||
                syntax.ArgumentList.Arguments.Any(a => a.NameColon is not null))
            {
                return null;
            }

            // The statement: Execute(...); await ExecuteAsync(...)[.ConfigureAwait(..)]; total += [await] ...;
            IOperation current = invocation;
            if (current.Parent is IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configureAwait)
            {
                current = configureAwait;
            }

            if (current.Parent is IAwaitOperation awaited)
            {
                current = awaited;
            }
            else if (method.Name == "ExecuteAsync")
            {
                return null;
            }

            if (current.Parent is ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add, Target: ILocalReferenceOperation or IFieldReferenceOperation or IParameterReferenceOperation } sum &&
                sum.Value == current)
            {
                current = sum;
            }

            if (current.Parent is not IExpressionStatementOperation { Syntax: ExpressionStatementSyntax statement } ||
                statement.Parent is not (BlockSyntax { Statements.Count: 1 } or ForEachStatementSyntax) ||
                statement.FirstAncestorOrSelf<ForEachStatementSyntax>() is not { AwaitKeyword.RawKind: 0 } forEachSyntax ||
                (statement.Parent is BlockSyntax body && body.Parent != forEachSyntax) ||
                (statement.Parent is ForEachStatementSyntax && statement.Parent != forEachSyntax) ||
                model.GetOperation(forEachSyntax, cancellationToken) is not IForEachLoopOperation { Locals.Length: 1 } forEach)
            {
                return null;
            }

            var element = forEach.Locals[0];
            if (!IsEnumerableOf(forEach.Collection, element.Type) ||
                (param.Type is { } paramType && (paramType.SpecialType == SpecialType.System_String || paramType.AllInterfaces.Any(i => i.SpecialType == SpecialType.System_Collections_IEnumerable))) ||
                param.Type is null || !(param is IAnonymousObjectCreationOperation || (Loops.Unwrap(param) is ILocalReferenceOperation self && SymbolEqualityComparer.Default.Equals(self.Local, element))))
            {
                return null;
            }

            var written = WrittenIn(forEach);
            if (!IsInvariantValue(connection, written))
            {
                return null;
            }

            foreach (var other in otherArguments)
            {
                if (!IsInvariantValue(other, written))
                {
                    return null;
                }
            }

            foreach (var operation in param.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IAwaitOperation:
                    case IArgumentOperation { Parameter.RefKind: not RefKind.None }:
                    case ILocalReferenceOperation { Local: { IsRef: true } or { Type.IsRefLikeType: true } }:
                    case IParameterReferenceOperation { Parameter: { RefKind: not RefKind.None } or { Type.IsRefLikeType: true } }:
                    case IInstanceReferenceOperation { Type.IsValueType: true }:
                        return null;
                }
            }

            var rows = param is IAnonymousObjectCreationOperation
                ? $"{forEach.Collection.Syntax.WithoutTrivia()}.Select({forEachSyntax.Identifier.ValueText} => {param.Syntax.WithoutTrivia()})"
                : forEach.Collection.Syntax.WithoutTrivia().ToString();
            if (rows.Contains('\n'))
            {
                return null;
            }

            // One transaction, where nothing else can observe it and no transaction is passed already.
            string? connectionText = null;
            string? transactionName = null;
            var member = (SyntaxNode?)forEachSyntax.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? forEachSyntax.SyntaxTree.GetRoot(cancellationToken);
            if (!explicitTransactionOrMore &&
                Loops.Unwrap(connection) is ILocalReferenceOperation or IParameterReferenceOperation &&
                CommandReusePlan.CanAddTransaction(model, forEach, forEachSyntax, member, invocation, invocation, connection, null, cancellationToken))
            {
                connectionText = connection.Syntax.WithoutTrivia().ToString();
                transactionName = UniqueNames.Pick("transaction", member, model, forEachSyntax.SpanStart);
            }

            return new DapperExecutePlan(forEachSyntax, statement, syntax, (ExpressionSyntax)param.Syntax, rows, connectionText, transactionName);
        }

        private static bool IsEnumerableOf(IOperation collection, ITypeSymbol elementType)
        {
            var type = Loops.Unwrap(collection).Type;
            if (type is IArrayTypeSymbol array)
            {
                return array.Rank == 1 && SymbolEqualityComparer.Default.Equals(array.ElementType, elementType);
            }

            if (type is not INamedTypeSymbol named || named.AllInterfaces.Any(i => i.Name is "IQueryable" or "IAsyncEnumerable"))
            {
                return false;
            }

            var enumerables = named.AllInterfaces.Where(i => i.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T).ToList();
            if (named.OriginalDefinition.SpecialType == SpecialType.System_Collections_Generic_IEnumerable_T)
            {
                enumerables.Add(named);
            }

            return enumerables.Count == 1 && SymbolEqualityComparer.Default.Equals(enumerables[0].TypeArguments[0], elementType);
        }

        private static HashSet<ISymbol> WrittenIn(IForEachLoopOperation loop) => CommandReusePlan.WrittenOrDeclaredIn(loop);

        private static bool IsInvariantValue(IOperation value, HashSet<ISymbol> written) => CommandReusePlan.IsInvariant(value, written);

        public SyntaxNode Apply(SyntaxNode root)
        {
            var newLineText = root.ToFullString().Contains("\r\n") ? "\r\n" : "\n";
            var newLine = SyntaxFactory.EndOfLine(newLineText);
            var leading = Loop.GetLeadingTrivia();
            var indentation = leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia) ? leading[leading.Count - 1].ToString() : string.Empty;
            var unit = indentation.Contains('\t') ? "\t" : "    ";

            var rows = SyntaxFactory.ParseExpression(Rows);
            var execute = Execute.ReplaceNode(Param, rows.WithTriviaFrom(Param));
            if (TransactionName is not null)
            {
                execute = execute.AddArgumentListArguments(SyntaxFactory.Argument(SyntaxFactory.IdentifierName(TransactionName)));
            }

            var statementIndentation = TransactionName is null ? indentation : indentation + unit;
            if (statementIndentation.Length + Statement.WithoutTrivia().ToString().Replace(Execute.ToString(), execute.ToString()).Length > LineWrapping.MaxLineLength)
            {
                // One argument per line, one level deeper than the statement.
                var arguments = execute.ArgumentList.Arguments.Select(a => a.WithLeadingTrivia(SyntaxFactory.Whitespace(statementIndentation + unit)).WithTrailingTrivia());
                var separators = Enumerable.Repeat(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(newLine), execute.ArgumentList.Arguments.Count - 1);
                execute = execute.WithArgumentList(SyntaxFactory.ArgumentList(
                    SyntaxFactory.Token(SyntaxKind.OpenParenToken).WithTrailingTrivia(newLine),
                    SyntaxFactory.SeparatedList(arguments, separators),
                    SyntaxFactory.Token(SyntaxKind.CloseParenToken)));
            }

            var statement = Statement.ReplaceNode(Execute, execute);

            if (TransactionName is null)
            {
                return root.ReplaceNode(Loop, statement.WithLeadingTrivia(leading).WithTrailingTrivia(Loop.GetTrailingTrivia()));
            }

            var inner = indentation + unit;
            var block = SyntaxFactory.Block(
                    statement.WithLeadingTrivia(SyntaxFactory.Whitespace(inner)).WithTrailingTrivia(newLine),
                    SyntaxFactory.ParseStatement($"{TransactionName}.Commit();").WithLeadingTrivia(SyntaxFactory.Whitespace(inner)).WithTrailingTrivia(newLine))
                .WithOpenBraceToken(SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(SyntaxFactory.Whitespace(indentation)).WithTrailingTrivia(newLine))
                .WithCloseBraceToken(SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(SyntaxFactory.Whitespace(indentation)));
            var outer = (UsingStatementSyntax)SyntaxFactory.ParseStatement($"using (var {TransactionName} = {Connection}.BeginTransaction())" + newLineText + "{}");
            return root.ReplaceNode(Loop, outer.WithStatement(block).WithLeadingTrivia(leading).WithTrailingTrivia(Loop.GetTrailingTrivia()));
        }
    }
}
