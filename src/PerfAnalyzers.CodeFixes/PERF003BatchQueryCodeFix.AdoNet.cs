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
/// PERF003, ADO.NET: a command created per element (<c>using (var cmd = conn.CreateCommand()) { cmd.CommandText = "...";
/// cmd.Parameters.AddWithValue(...); cmd.ExecuteNonQuery(); }</c> in a loop) becomes one command created before the loop
/// and reused with new parameter values per element, and, where it can be proved safe, one transaction around the loop.
/// Each element still runs its own statement (results, row counts and exceptions stay per element). See
/// <see cref="CommandReusePlan.TryCreate"/>.
/// </summary>
public sealed partial class PERF003BatchQueryCodeFix
{
    internal const string CommandReuseEquivalenceKey = "PERF003_ReuseCommand";

    private sealed class CommandReusePlan : IFixPlan
    {
        private CommandReusePlan(
            StatementSyntax loop,
            SyntaxNode creation,
            bool awaitUsing,
            string declaration,
            string commandName,
            IReadOnlyList<StatementSyntax> hoisted,
            IReadOnlyList<StatementSyntax>? flattened,
            bool clearParameters,
            string? connection,
            string? transactionName)
        {
            Loop = loop;
            Creation = creation;
            AwaitUsing = awaitUsing;
            Declaration = declaration;
            CommandName = commandName;
            Hoisted = hoisted;
            Flattened = flattened;
            ClearParameters = clearParameters;
            Connection = connection;
            TransactionName = transactionName;
            Title = transactionName is null
                ? "Create the command once before the loop and reuse it for every element"
                : "Create the command once before the loop and reuse it for every element (all elements in one transaction)";
        }

        public string Title { get; }

        public string EquivalenceKey => CommandReuseEquivalenceKey;

        private StatementSyntax Loop { get; }

        /// <summary>The <c>using (var cmd = ...) { ... }</c> statement or the <c>using var cmd = ...;</c> declaration in the loop body.</summary>
        private SyntaxNode Creation { get; }

        private bool AwaitUsing { get; }

        /// <summary>The text of the command's declaration (<c>var cmd = conn.CreateCommand()</c>).</summary>
        private string Declaration { get; }

        private string CommandName { get; }

        /// <summary>The element-independent setup statements (<c>cmd.CommandText = "..."</c>, <c>cmd.Transaction = tran</c>) that move before the loop.</summary>
        private IReadOnlyList<StatementSyntax> Hoisted { get; }

        /// <summary>For a <c>using (...) { }</c> statement: the statements of its block that stay in the loop; null for a using declaration.</summary>
        private IReadOnlyList<StatementSyntax>? Flattened { get; }

        private bool ClearParameters { get; }

        private string? Connection { get; }

        /// <summary>The name of the transaction the fix opens around the loop, or null when the command already has one.</summary>
        private string? TransactionName { get; }

        /// <summary>
        /// The call is <c>ExecuteNonQuery</c>/<c>ExecuteScalar</c>/<c>ExecuteReader</c> (+Async) on a local command declared by
        /// <c>using</c> directly in the body block of the nearest <c>foreach</c>/<c>for</c>/<c>while</c>/<c>do</c>, created by
        /// <c>x.CreateCommand()</c> or <c>new XCommand(...)</c> from values that do not change per iteration; every use of the
        /// command in its scope is one of: an assignment of <c>CommandText</c>/<c>Transaction</c>/<c>CommandType</c>/
        /// <c>CommandTimeout</c>/<c>Connection</c> to a value that does not change per iteration, as a statement of its own
        /// before any other use (these move before the loop); <c>cmd.Parameters.Add*(...)</c>, <c>cmd.CreateParameter()</c>,
        /// a helper extension of the code base whose body only does those; and this one execution, not inside a nested loop
        /// or lambda (a reader in a <c>using</c>, so it is closed before the next execution). Parameters are cleared where
        /// the command was created, so each execution sees exactly the parameters a new command would.
        /// </summary>
        public static CommandReusePlan? TryCreate(SemanticModel model, InvocationExpressionSyntax syntax, CancellationToken cancellationToken)
        {
            if (model.GetOperation(syntax, cancellationToken) is not IInvocationOperation invocation ||
                invocation.TargetMethod.Name is not ("ExecuteNonQuery" or "ExecuteNonQueryAsync" or "ExecuteScalar" or "ExecuteScalarAsync" or "ExecuteReader" or "ExecuteReaderAsync") ||
                Loops.Unwrap(invocation.Instance ?? invocation) is not ILocalReferenceOperation { Local: { } command } ||
                !IsCommandType(command.Type) ||
                command.DeclaringSyntaxReferences.Length != 1 ||
                command.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not VariableDeclaratorSyntax { Initializer.Value: { } initializer } declarator ||
                declarator.Parent is not VariableDeclarationSyntax { Variables.Count: 1 } declaration)
            {
                return null;
            }

            // The command's using: a statement with a block, or a declaration in the loop body.
            SyntaxNode creation;
            BlockSyntax loopBody;
            IReadOnlyList<StatementSyntax> scope;
            bool awaitUsing;
            switch (declaration.Parent)
            {
                case UsingStatementSyntax { Statement: BlockSyntax usingBlock, Parent: BlockSyntax body } usingStatement:
                    creation = usingStatement;
                    loopBody = body;
                    scope = usingBlock.Statements;
                    awaitUsing = usingStatement.AwaitKeyword != default;
                    break;
                case LocalDeclarationStatementSyntax { Parent: BlockSyntax body } local when local.UsingKeyword != default:
                    creation = local;
                    loopBody = body;
                    scope = body.Statements.Skip(body.Statements.IndexOf(local) + 1).ToList();
                    awaitUsing = local.AwaitKeyword != default;
                    break;
                default:
                    return null;
            }

            // The nearest loop around the command's block (the block may be a branch inside the loop body: creating the
            // command there unconditionally is harmless, it makes no round-trip).
            if (EnclosingLoop(loopBody) is not { } loopSyntax ||
                model.GetOperation(loopSyntax, cancellationToken) is not ILoopOperation loop ||
                !IsExecutedOncePerIteration(syntax, loopBody, creation))
            {
                return null;
            }

            var written = WrittenOrDeclaredIn(loop);
            if (model.GetOperation(initializer, cancellationToken) is not { } creationOperation ||
                !IsInvariantCreation(creationOperation, written, out var connectionOperation))
            {
                return null;
            }

            // Every use of the command in its scope.
            var hoisted = new List<StatementSyntax>();
            var assigned = new HashSet<string>(StringComparer.Ordinal);
            var hasTransaction = creationOperation is IObjectCreationOperation { Arguments.Length: >= 3 };
            var clearParameters = false;
            var otherUseSeen = false;
            foreach (var statement in scope)
            {
                if (IsSetupAssignment(model, statement, command, cancellationToken, out var property, out var value))
                {
                    if (otherUseSeen || !assigned.Add(property) || !IsInvariant(value, written))
                    {
                        return null; // set per element, after a use, or twice
                    }

                    if (property == "Transaction")
                    {
                        hasTransaction = true;
                    }
                    else if (property == "Connection")
                    {
                        connectionOperation = value;
                    }

                    hoisted.Add(statement);
                    continue;
                }

                foreach (var node in statement.DescendantNodesAndSelf())
                {
                    if (node is not IdentifierNameSyntax identifier || identifier.Identifier.ValueText != command.Name ||
                        model.GetOperation(identifier, cancellationToken) is not ILocalReferenceOperation reference ||
                        !SymbolEqualityComparer.Default.Equals(reference.Local, command))
                    {
                        continue;
                    }

                    otherUseSeen = true;
                    switch (ClassifyUse(model.Compilation, reference, invocation, cancellationToken))
                    {
                        case CommandUse.Parameter:
                            clearParameters = true;
                            break;
                        case CommandUse.Execution:
                            break;
                        default:
                            return null;
                    }
                }
            }

            if (!otherUseSeen || (invocation.TargetMethod.Name.StartsWith("ExecuteReader", StringComparison.Ordinal) && !IsUsingResource(syntax)))
            {
                return null;
            }

            // Names: the command now encloses the loop, and a flattened block's locals join the loop body.
            var member = (SyntaxNode?)loopSyntax.FirstAncestorOrSelf<MemberDeclarationSyntax>() ?? loopSyntax.SyntaxTree.GetRoot(cancellationToken);
            var declared = DeclarationCounts(member);
            if (declared.TryGetValue(command.Name, out var count) && count > 1)
            {
                return null;
            }

            IReadOnlyList<StatementSyntax>? flattened = null;
            if (creation is UsingStatementSyntax { Statement: BlockSyntax block })
            {
                foreach (var node in block.DescendantNodes())
                {
                    var name = DeclaredName(node);
                    if (name is not null && declared.TryGetValue(name, out var n) && n > 1)
                    {
                        return null;
                    }
                }

                flattened = block.Statements.Where(s => !hoisted.Contains(s)).ToList();
            }

            // One transaction around the loop, where nothing else can observe it.
            string? connection = null;
            string? transactionName = null;
            if (!hasTransaction &&
                connectionOperation is not null &&
                Loops.Unwrap(connectionOperation) is ILocalReferenceOperation or IParameterReferenceOperation &&
                CanAddTransaction(model, loop, loopSyntax, member, invocation, Loops.Unwrap(creationOperation), connectionOperation, command, cancellationToken))
            {
                connection = connectionOperation.Syntax.ToString();
                transactionName = UniqueNames.Pick("transaction", member, model, loopSyntax.SpanStart);
            }

            return new CommandReusePlan(
                loopSyntax,
                creation,
                awaitUsing,
                declaration.ToString(),
                command.Name,
                hoisted,
                flattened,
                clearParameters,
                connection,
                transactionName);
        }

        private enum CommandUse
        {
            Other,
            Parameter,
            Execution,
        }

        internal static bool IsCommandType(ITypeSymbol? type)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (current is { Name: "DbCommand", ContainingNamespace: { Name: "Common", ContainingNamespace: { Name: "Data", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } })
                {
                    return true;
                }
            }

            return type is not null && (IsIDbCommand(type) || type.AllInterfaces.Any(IsIDbCommand));

            static bool IsIDbCommand(ITypeSymbol t) =>
                t is { Name: "IDbCommand", ContainingNamespace: { Name: "Data", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } };
        }

        /// <summary>The nearest <c>foreach</c>/<c>for</c>/<c>while</c>/<c>do</c> whose body holds the block, with no lambda or local function between.</summary>
        private static StatementSyntax? EnclosingLoop(BlockSyntax block)
        {
            for (SyntaxNode? node = block, child = null; node is not null; child = node, node = node.Parent)
            {
                switch (node)
                {
                    case ForEachStatementSyntax forEach when child == forEach.Statement:
                        return forEach;
                    case ForStatementSyntax @for when child == @for.Statement:
                        return @for;
                    case WhileStatementSyntax @while when child == @while.Statement:
                        return @while;
                    case DoStatementSyntax @do when child == @do.Statement:
                        return @do;
                    case ForEachStatementSyntax or ForStatementSyntax or WhileStatementSyntax or DoStatementSyntax:
                    case AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax:
                        return null;
                }
            }

            return null;
        }

        /// <summary>The execution is in the command's scope, not inside a nested loop, lambda or local function.</summary>
        private static bool IsExecutedOncePerIteration(SyntaxNode execution, BlockSyntax loopBody, SyntaxNode creation)
        {
            for (var node = execution.Parent; node is not null && node != loopBody; node = node.Parent)
            {
                if (node is ForEachStatementSyntax or ForStatementSyntax or WhileStatementSyntax or DoStatementSyntax or
                    AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
                {
                    return false;
                }
            }

            return creation is LocalDeclarationStatementSyntax || creation.Span.Contains(execution.Span);
        }

        /// <summary>Locals declared in the loop, and locals, parameters and fields written in it.</summary>
        internal static HashSet<ISymbol> WrittenOrDeclaredIn(ILoopOperation loop)
        {
            var result = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var local in loop.Locals)
            {
                result.Add(local);
            }

            foreach (var operation in loop.DescendantsAndSelf())
            {
                IOperation? target = operation switch
                {
                    ISimpleAssignmentOperation assignment => assignment.Target,
                    ICompoundAssignmentOperation compound => compound.Target,
                    ICoalesceAssignmentOperation coalesce => coalesce.Target,
                    IIncrementOrDecrementOperation increment => increment.Target,
                    IDeconstructionAssignmentOperation deconstruction => deconstruction.Target,
                    IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument => argument.Value,
                    _ => null,
                };
                if (operation is IVariableDeclaratorOperation declared)
                {
                    result.Add(declared.Symbol);
                }

                if (target is null)
                {
                    continue;
                }

                foreach (var written in target.DescendantsAndSelf())
                {
                    switch (written)
                    {
                        case ILocalReferenceOperation local:
                            result.Add(local.Local);
                            break;
                        case IParameterReferenceOperation parameter:
                            result.Add(parameter.Parameter);
                            break;
                        case IFieldReferenceOperation field:
                            result.Add(field.Field);
                            break;
                        case IPropertyReferenceOperation property:
                            result.Add(property.Property);
                            break;
                    }
                }
            }

            return result;
        }

        /// <summary>A value that is the same in every iteration: constants, and locals, parameters and fields the loop neither declares nor writes.</summary>
        internal static bool IsInvariant(IOperation value, HashSet<ISymbol> written)
        {
            foreach (var operation in value.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case ILocalReferenceOperation local when !written.Contains(local.Local):
                    case IParameterReferenceOperation parameter when !written.Contains(parameter.Parameter):
                    case IFieldReferenceOperation field when !written.Contains(field.Field):
                    case ILiteralOperation:
                    case IConversionOperation:
                    case IParenthesizedOperation:
                    case IInstanceReferenceOperation:
                    case IInterpolatedStringOperation:
                    case IInterpolatedStringTextOperation:
                    case IInterpolationOperation:
                    case IBinaryOperation:
                    case INameOfOperation:
                    case IDefaultValueOperation:
                    case IFieldReferenceOperation { Field.IsConst: true }:
                        break;
                    default:
                        if (!operation.ConstantValue.HasValue)
                        {
                            return false;
                        }

                        break;
                }
            }

            return true;
        }

        /// <summary><c>x.CreateCommand()</c> or <c>new XCommand(args)</c>, with an invariant receiver and arguments; outputs the connection when known.</summary>
        private static bool IsInvariantCreation(IOperation creation, HashSet<ISymbol> written, out IOperation? connection)
        {
            connection = null;
            switch (Loops.Unwrap(creation))
            {
                case IInvocationOperation { TargetMethod.Name: "CreateCommand", Arguments.Length: 0, Instance: { } receiver }:
                    connection = receiver;
                    return IsInvariant(receiver, written);
                case IObjectCreationOperation { Initializer: null } objectCreation when IsCommandType(objectCreation.Type):
                    foreach (var argument in objectCreation.Arguments)
                    {
                        if (!IsInvariant(argument.Value, written))
                        {
                            return false;
                        }

                        if (argument.Parameter?.Ordinal == 1)
                        {
                            connection = argument.Value;
                        }
                    }

                    return true;
                default:
                    return false;
            }
        }

        /// <summary><c>cmd.CommandText = value;</c> (or <c>Transaction</c>, <c>CommandType</c>, <c>CommandTimeout</c>, <c>Connection</c>) as a statement of its own.</summary>
        private static bool IsSetupAssignment(SemanticModel model, StatementSyntax statement, ILocalSymbol command, CancellationToken cancellationToken, out string property, out IOperation value)
        {
            property = string.Empty;
            value = null!;
            if (statement is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment } ||
                model.GetOperation(assignment, cancellationToken) is not ISimpleAssignmentOperation
                {
                    Target: IPropertyReferenceOperation { Property.Name: "CommandText" or "Transaction" or "CommandType" or "CommandTimeout" or "Connection", Instance: { } instance } target,
                } operation ||
                Loops.Unwrap(instance) is not ILocalReferenceOperation local ||
                !SymbolEqualityComparer.Default.Equals(local.Local, command))
            {
                return false;
            }

            property = target.Property.Name;
            value = operation.Value;
            return true;
        }

        private static CommandUse ClassifyUse(Compilation compilation, ILocalReferenceOperation reference, IInvocationOperation execution, CancellationToken cancellationToken)
        {
            IOperation current = reference;
            while (current.Parent is IConversionOperation { IsImplicit: true } conversion)
            {
                current = conversion;
            }

            switch (current.Parent)
            {
                case IInvocationOperation invocation when invocation.Instance == current:
                    if (invocation == execution)
                    {
                        return CommandUse.Execution;
                    }

                    return invocation.TargetMethod.Name == "CreateParameter" && invocation.Arguments.Length == 0 ? CommandUse.Parameter : CommandUse.Other;
                case IPropertyReferenceOperation { Property.Name: "Parameters" } parameters when parameters.Parent is IInvocationOperation add && add.Instance == parameters:
                    return add.TargetMethod.Name is "Add" or "AddWithValue" or "AddRange" ? CommandUse.Parameter : CommandUse.Other;
                case IArgumentOperation { Parameter.Ordinal: 0, Parent: IInvocationOperation { TargetMethod: { IsExtensionMethod: true } helper } }
                    when IsParameterHelper(compilation, helper, cancellationToken):
                    return CommandUse.Parameter;
                default:
                    return CommandUse.Other;
            }
        }

        /// <summary>
        /// An extension method of the code base on a command whose body uses the command only to create parameters and add
        /// them (<c>var p = command.CreateParameter(); p.Value = value; command.Parameters.Add(p);</c>), and calls no other
        /// method of the code base.
        /// </summary>
        private static bool IsParameterHelper(Compilation compilation, IMethodSymbol method, CancellationToken cancellationToken)
        {
            var definition = method.ReducedFrom ?? method.OriginalDefinition;
            if (definition.Parameters.Length == 0 || definition.DeclaringSyntaxReferences.Length != 1 ||
                definition.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not MethodDeclarationSyntax declaration ||
                ((SyntaxNode?)declaration.Body ?? declaration.ExpressionBody) is not { } body ||
                !compilation.ContainsSyntaxTree(declaration.SyntaxTree))
            {
                return false;
            }

            var model = compilation.GetSemanticModel(declaration.SyntaxTree);
            var commandParameter = definition.Parameters[0];
            foreach (var node in body.DescendantNodes())
            {
                if (node is InvocationExpressionSyntax call && model.GetSymbolInfo(call, cancellationToken).Symbol is IMethodSymbol called &&
                    called.Locations.Any(l => l.IsInSource))
                {
                    return false;
                }

                if (node is not IdentifierNameSyntax identifier || identifier.Identifier.ValueText != commandParameter.Name ||
                    model.GetOperation(identifier, cancellationToken) is not IParameterReferenceOperation reference ||
                    !SymbolEqualityComparer.Default.Equals(reference.Parameter, commandParameter))
                {
                    continue;
                }

                var use = reference.Parent switch
                {
                    IInvocationOperation { TargetMethod.Name: "CreateParameter", Arguments.Length: 0 } create when create.Instance == reference => true,
                    IPropertyReferenceOperation { Property.Name: "Parameters", Parent: IInvocationOperation add } parameters when add.Instance == parameters =>
                        add.TargetMethod.Name is "Add" or "AddWithValue" or "AddRange",
                    _ => false,
                };
                if (!use)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>An <c>ExecuteReader</c> whose reader is a <c>using</c> resource (closed before the next execution).</summary>
        private static bool IsUsingResource(InvocationExpressionSyntax execution)
        {
            SyntaxNode node = execution;
            while (node.Parent is AwaitExpressionSyntax or ParenthesizedExpressionSyntax ||
                   (node.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } && node.Parent.Parent is InvocationExpressionSyntax))
            {
                node = node.Parent is MemberAccessExpressionSyntax ? node.Parent.Parent! : node.Parent;
            }

            return node.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Parent: var owner } } } &&
                (owner is UsingStatementSyntax || (owner is LocalDeclarationStatementSyntax local && local.UsingKeyword != default));
        }

        private static Dictionary<string, int> DeclarationCounts(SyntaxNode member)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var node in member.DescendantNodes())
            {
                if (DeclaredName(node) is { } name)
                {
                    counts[name] = counts.TryGetValue(name, out var n) ? n + 1 : 1;
                }
            }

            return counts;
        }

        private static string? DeclaredName(SyntaxNode node) => node switch
        {
            VariableDeclaratorSyntax v => v.Identifier.ValueText,
            SingleVariableDesignationSyntax d => d.Identifier.ValueText,
            ForEachStatementSyntax f => f.Identifier.ValueText,
            ParameterSyntax p => p.Identifier.ValueText,
            LocalFunctionStatementSyntax l => l.Identifier.ValueText,
            CatchDeclarationSyntax c when c.Identifier != default => c.Identifier.ValueText,
            _ => null,
        };

        /// <summary>
        /// A transaction around the loop changes nothing the code can observe except what a failure leaves behind (the title
        /// says so): the connection is a local or parameter opened (<c>Open()</c>/<c>OpenAsync()</c>) by a statement before the
        /// loop in an enclosing block; the method mentions no transaction otherwise (<c>BeginTransaction</c>, <c>Transaction</c>,
        /// <c>TransactionScope</c>); the loop is a <c>foreach</c> over an in-memory collection or a <c>for</c>; it makes no
        /// other database call, creates no other command and calls no method of the code base but a parameter helper; and it
        /// has no <c>return</c>, <c>goto</c> or <c>yield</c> (each would leave the loop without the commit). The transaction
        /// type <c>BeginTransaction()</c> returns must be assignable to the command's <c>Transaction</c>.
        /// </summary>
        internal static bool CanAddTransaction(
            SemanticModel model, ILoopOperation loop, StatementSyntax loopSyntax, SyntaxNode member, IInvocationOperation execution,
            IOperation creation, IOperation connection, ILocalSymbol? command, CancellationToken cancellationToken)
        {
            var connectionSymbol = Loops.Unwrap(connection) switch
            {
                ILocalReferenceOperation local => (ISymbol)local.Local,
                IParameterReferenceOperation parameter => parameter.Parameter,
                _ => null,
            };
            if (connectionSymbol is null || DatabaseApis.TryCreate(model.Compilation) is not { } apis)
            {
                return false;
            }

            foreach (var token in member.DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.IdentifierToken) && (token.ValueText.Contains("Transaction") || token.ValueText == "EnlistTransaction"))
                {
                    return false;
                }
            }

            switch (loop)
            {
                case IForEachLoopOperation forEach when IsInMemoryCollection(forEach.Collection):
                case IForLoopOperation:
                    break;
                default:
                    return false;
            }

            foreach (var operation in loop.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IInvocationOperation invocation when invocation != execution && invocation != creation:
                        if (apis.Classify(invocation) != DatabaseCallKind.None || invocation.TargetMethod.Name is "CreateCommand" or "Open" or "OpenAsync" or "Close" ||
                            ((invocation.TargetMethod.MethodKind == MethodKind.LocalFunction || SaveOncePlan.IsInSource(invocation.TargetMethod)) &&
                             !(invocation.TargetMethod.IsExtensionMethod && IsParameterHelper(model.Compilation, invocation.TargetMethod, cancellationToken))))
                        {
                            return false;
                        }

                        break;
                    case IObjectCreationOperation other when other != creation &&
                        (IsCommandType(other.Type) || (other.Constructor is { } constructor && SaveOncePlan.IsInSource(constructor) && !constructor.IsImplicitlyDeclared)):
                        return false;
                    case IReturnOperation:
                    case IBranchOperation { BranchKind: BranchKind.GoTo }:
                        if (!IncludePlan.IsInNestedFunction(operation, loop))
                        {
                            return false;
                        }

                        break;
                }
            }

            foreach (var node in loopSyntax.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
            {
                if (node is YieldStatementSyntax or ReturnStatementSyntax or GotoStatementSyntax)
                {
                    return false;
                }
            }

            if (!IsOpenedBefore(model, loopSyntax, connectionSymbol, cancellationToken))
            {
                return false;
            }

            // BeginTransaction()'s result fits the command's Transaction property (Dapper takes any IDbTransaction).
            var connectionType = connection.Type;
            var begin = FindMember<IMethodSymbol>(connectionType, "BeginTransaction", m => m.Parameters.Length == 0);
            if (command is null)
            {
                return begin is not null;
            }

            var transactionProperty = FindMember<IPropertySymbol>(command.Type, "Transaction", p => p.SetMethod is not null);
            return begin is not null && transactionProperty is not null &&
                model.Compilation.ClassifyConversion(begin.ReturnType, transactionProperty.Type).IsImplicit;
        }

        private static T? FindMember<T>(ITypeSymbol? type, string name, Func<T, bool> accept)
            where T : class, ISymbol
        {
            if (type is null)
            {
                return null;
            }

            for (var current = type; current is not null; current = current.BaseType)
            {
                foreach (var member in current.GetMembers(name))
                {
                    if (member is T typed && typed.DeclaredAccessibility == Accessibility.Public && !typed.IsStatic && accept(typed))
                    {
                        return typed;
                    }
                }
            }

            foreach (var implemented in type.AllInterfaces)
            {
                foreach (var member in implemented.GetMembers(name))
                {
                    if (member is T typed && accept(typed))
                    {
                        return typed;
                    }
                }
            }

            return null;
        }

        private static bool IsInMemoryCollection(IOperation collection)
        {
            var type = Loops.Unwrap(collection).Type;
            if (type is IArrayTypeSymbol)
            {
                return true;
            }

            if (type is not INamedTypeSymbol named || IsStreamed(named) || named.AllInterfaces.Any(IsStreamed))
            {
                return false;
            }

            return IsCollection(named) || named.AllInterfaces.Any(IsCollection);

            static bool IsStreamed(INamedTypeSymbol t) => t.Name is "IQueryable" or "IDataReader" or "IAsyncEnumerable";

            static bool IsCollection(INamedTypeSymbol t) =>
                t.OriginalDefinition is { Name: "ICollection" or "IReadOnlyCollection", ContainingNamespace.Name: "Generic" or "Collections" };
        }

        /// <summary><c>conn.Open();</c> or <c>await conn.OpenAsync(...)</c> as a statement before the loop in a block enclosing it.</summary>
        private static bool IsOpenedBefore(SemanticModel model, StatementSyntax loop, ISymbol connection, CancellationToken cancellationToken)
        {
            SyntaxNode child = loop;
            for (var node = loop.Parent; node is not null and not MemberDeclarationSyntax; child = node, node = node.Parent)
            {
                if (node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
                {
                    return false;
                }

                if (node is not BlockSyntax block)
                {
                    continue;
                }

                foreach (var statement in block.Statements)
                {
                    if (statement == child)
                    {
                        break;
                    }

                    if (statement is ExpressionStatementSyntax expressionStatement &&
                        model.GetOperation(expressionStatement.Expression, cancellationToken) is { } operation &&
                        OpenedConnection(operation) is { } opened &&
                        SymbolEqualityComparer.Default.Equals(opened, connection))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        private static ISymbol? OpenedConnection(IOperation operation)
        {
            if (operation is IAwaitOperation awaited)
            {
                operation = awaited.Operation;
            }

            if (operation is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured })
            {
                operation = configured;
            }

            return operation is IInvocationOperation { TargetMethod.Name: "Open" or "OpenAsync", Instance: { } instance }
                ? Loops.Unwrap(instance) switch
                {
                    ILocalReferenceOperation local => local.Local,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    _ => null,
                }
                : null;
        }

        public SyntaxNode Apply(SyntaxNode root)
        {
            var newLineText = root.ToFullString().Contains("\r\n") ? "\r\n" : "\n";
            var newLine = SyntaxFactory.EndOfLine(newLineText);
            var leading = Loop.GetLeadingTrivia();
            var indentation = leading.Count > 0 && leading[leading.Count - 1].IsKind(SyntaxKind.WhitespaceTrivia) ? leading[leading.Count - 1].ToString() : string.Empty;
            var unit = indentation.Contains('\t') ? "\t" : "    ";
            var inner = indentation + unit;

            // The loop, one level deeper; the command's creation replaced by clearing its parameters.
            var loop = Loop.TrackNodes(new[] { Creation }.Concat(Hoisted));
            loop = Indent(loop, unit);
            var creation = loop.GetCurrentNode(Creation)!;
            var replacement = new List<SyntaxNode>();
            if (ClearParameters)
            {
                replacement.Add(SyntaxFactory.ParseStatement($"{CommandName}.Parameters.Clear();")
                    .WithLeadingTrivia(creation.GetLeadingTrivia())
                    .WithTrailingTrivia(newLine));
            }

            if (Flattened is not null)
            {
                replacement.AddRange(Flattened);
            }
            else
            {
                foreach (var statement in Hoisted)
                {
                    loop = loop.RemoveNode(loop.GetCurrentNode(statement)!, SyntaxRemoveOptions.KeepNoTrivia)!;
                }

                creation = loop.GetCurrentNode(Creation)!;
            }

            loop = replacement.Count == 0
                ? loop.RemoveNode(creation, SyntaxRemoveOptions.KeepNoTrivia)!
                : loop.ReplaceNode(creation, replacement);

            var statements = new List<StatementSyntax>();
            if (TransactionName is not null)
            {
                statements.Add(Line($"{CommandName}.Transaction = {TransactionName};"));
            }

            foreach (var statement in Hoisted)
            {
                statements.Add(statement.WithoutTrivia().WithLeadingTrivia(SyntaxFactory.Whitespace(inner)).WithTrailingTrivia(newLine));
            }

            statements.Add(loop.WithLeadingTrivia(SyntaxFactory.Whitespace(inner)).WithTrailingTrivia(newLine));
            if (TransactionName is not null)
            {
                statements.Add(Line($"{TransactionName}.Commit();"));
            }

            var block = SyntaxFactory.Block(statements)
                .WithOpenBraceToken(SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithLeadingTrivia(SyntaxFactory.Whitespace(indentation)).WithTrailingTrivia(newLine))
                .WithCloseBraceToken(SyntaxFactory.Token(SyntaxKind.CloseBraceToken).WithLeadingTrivia(SyntaxFactory.Whitespace(indentation)));
            var awaitPrefix = AwaitUsing ? "await " : string.Empty;
            var header = (UsingStatementSyntax)SyntaxFactory.ParseStatement($"{awaitPrefix}using ({Declaration})" + newLineText + "{}");
            StatementSyntax result = header.WithStatement(block).WithTrailingTrivia(Loop.GetTrailingTrivia());
            if (TransactionName is not null)
            {
                var outer = (UsingStatementSyntax)SyntaxFactory.ParseStatement($"using (var {TransactionName} = {Connection}.BeginTransaction())" + newLineText + "{}");
                result = outer.WithStatement(result.WithLeadingTrivia(SyntaxFactory.Whitespace(indentation)));
            }

            result = result.WithLeadingTrivia(leading).WithTrailingTrivia(Loop.GetTrailingTrivia());
            return root.ReplaceNode(Loop, result);

            StatementSyntax Line(string text) =>
                SyntaxFactory.ParseStatement(text).WithLeadingTrivia(SyntaxFactory.Whitespace(inner)).WithTrailingTrivia(newLine);
        }

        /// <summary>Adds <paramref name="unit"/> to the indentation of every line of <paramref name="node"/> (string contents untouched).</summary>
        private static T Indent<T>(T node, string unit)
            where T : SyntaxNode
        {
            var atLineStart = true;
            var replacements = new Dictionary<SyntaxTrivia, SyntaxTrivia>();
            foreach (var trivia in node.DescendantTrivia(descendIntoTrivia: false))
            {
                if (trivia.IsKind(SyntaxKind.WhitespaceTrivia) && atLineStart && trivia.Token.LeadingTrivia.Span.Contains(trivia.Span))
                {
                    replacements[trivia] = SyntaxFactory.Whitespace(unit + trivia.ToString());
                }

                atLineStart = trivia.IsKind(SyntaxKind.EndOfLineTrivia);
            }

            return node.ReplaceTrivia(replacements.Keys, (original, _) => replacements[original]);
        }
    }
}
