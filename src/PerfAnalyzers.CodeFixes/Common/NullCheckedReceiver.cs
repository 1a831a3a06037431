using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.CodeFixes.Common;

/// <summary>
/// Whether a receiver is known not to be null because the code right before it checked it, for code where the
/// compiler's nullable analysis is off (<c>#nullable disable</c>: bitwarden's <c>MockedHttpResponse</c>,
/// <c>_childResponse == null ? .. : _childResponse.RespondToAsync(..)</c>). The receiver must be a field of <c>this</c>,
/// a local or a parameter (a property's getter could return something else the second time), and nothing may run
/// between the check and the read of the receiver: it is in the branch of a <c>?:</c> or <c>if</c> that the check
/// chose, or in the statement right after <c>if (x == null) { ..exits.. }</c>, reached through parentheses, <c>await</c>,
/// <c>return</c>, an expression statement, or the right operand of a binary operator whose left operand calls,
/// assigns and awaits nothing.
/// </summary>
internal static class NullCheckedReceiver
{
    public static bool IsCheckedNotNull(SemanticModel model, ExpressionSyntax receiver, CancellationToken cancellationToken)
    {
        if (Variable(model.GetOperation(receiver, cancellationToken)) is null)
        {
            return false;
        }

        SyntaxNode child = receiver;
        for (var parent = receiver.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                // Parts evaluated before anything else of their parent: nothing runs in between.
                case MemberAccessExpressionSyntax access when access.Expression == child:
                case InvocationExpressionSyntax invocation when invocation.Expression == child:
                case BinaryExpressionSyntax binary when binary.Left == child:
                case ParenthesizedExpressionSyntax:
                case AwaitExpressionSyntax:
                case ReturnStatementSyntax:
                case ExpressionStatementSyntax:
                case EqualsValueClauseSyntax:
                case VariableDeclaratorSyntax:
                case LocalDeclarationStatementSyntax:
                case VariableDeclarationSyntax { Variables.Count: 1 }:
                    continue;
                case BinaryExpressionSyntax binary when binary.Right == child && binary.IsKind(SyntaxKind.LogicalAndExpression):
                    return Checks(model, binary.Left, receiver, notNullWhenTrue: true, cancellationToken);
                case BinaryExpressionSyntax binary when binary.Right == child && binary.IsKind(SyntaxKind.LogicalOrExpression):
                    return Checks(model, binary.Left, receiver, notNullWhenTrue: false, cancellationToken);
                case BinaryExpressionSyntax binary when binary.Right == child && !binary.IsKind(SyntaxKind.CoalesceExpression) && IsInert(model, binary.Left, cancellationToken):
                    continue;
                case ConditionalExpressionSyntax conditional when conditional.WhenTrue == child:
                    return Checks(model, conditional.Condition, receiver, notNullWhenTrue: true, cancellationToken);
                case ConditionalExpressionSyntax conditional when conditional.WhenFalse == child:
                    return Checks(model, conditional.Condition, receiver, notNullWhenTrue: false, cancellationToken);
                case IfStatementSyntax ifStatement when ifStatement.Statement == child:
                    return Checks(model, ifStatement.Condition, receiver, notNullWhenTrue: true, cancellationToken);
                case ElseClauseSyntax { Parent: IfStatementSyntax elseOf }:
                    return Checks(model, elseOf.Condition, receiver, notNullWhenTrue: false, cancellationToken);
                case BlockSyntax block when child is StatementSyntax statement:
                    var index = block.Statements.IndexOf(statement);
                    if (index == 0)
                    {
                        continue;
                    }

                    return index > 0 && block.Statements[index - 1] is IfStatementSyntax { Else: null } previous &&
                        Checks(model, previous.Condition, receiver, notNullWhenTrue: false, cancellationToken) &&
                        model.AnalyzeControlFlow(previous.Statement) is { Succeeded: true, EndPointIsReachable: false };
                default:
                    return false;
            }
        }

        return false;
    }

    /// <summary>
    /// <paramref name="condition"/> is a built-in null test of the same variable as <paramref name="receiver"/>
    /// (<c>x == null</c>, <c>null != x</c>, <c>x is null</c>, <c>x is not null</c>) that is true exactly when it is not
    /// null (<paramref name="notNullWhenTrue"/>) or exactly when it is null.
    /// </summary>
    private static bool Checks(SemanticModel model, ExpressionSyntax condition, ExpressionSyntax receiver, bool notNullWhenTrue, CancellationToken cancellationToken)
    {
        while (condition is ParenthesizedExpressionSyntax parenthesized)
        {
            condition = parenthesized.Expression;
        }

        if (condition is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not)
        {
            return Checks(model, not.Operand, receiver, !notNullWhenTrue, cancellationToken);
        }

        var variable = Variable(model.GetOperation(receiver, cancellationToken));
        switch (model.GetOperation(condition, cancellationToken))
        {
            case IBinaryOperation { OperatorMethod: null, OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                var tested = IsNullLiteral(binary.RightOperand) ? binary.LeftOperand : IsNullLiteral(binary.LeftOperand) ? binary.RightOperand : null;
                return tested is not null && (binary.OperatorKind == BinaryOperatorKind.NotEquals) == notNullWhenTrue && SameVariable(tested, variable);
            case IIsPatternOperation { Pattern: IConstantPatternOperation constant } isNull when IsNullLiteral(constant.Value):
                return !notNullWhenTrue && SameVariable(isNull.Value, variable);
            case IIsPatternOperation { Pattern: INegatedPatternOperation { Pattern: IConstantPatternOperation constant } } isNotNull when IsNullLiteral(constant.Value):
                return notNullWhenTrue && SameVariable(isNotNull.Value, variable);
            default:
                return false;
        }
    }

    private static bool IsNullLiteral(IOperation operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion)
        {
            operation = conversion.Operand;
        }

        return operation is ILiteralOperation { ConstantValue: { HasValue: true, Value: null } };
    }

    private static bool SameVariable(IOperation tested, ISymbol? variable) =>
        variable is not null && SymbolEqualityComparer.Default.Equals(Variable(tested), variable);

    /// <summary>The local, parameter or field of <c>this</c> an operation reads; null for anything else.</summary>
    private static ISymbol? Variable(IOperation? operation)
    {
        while (operation is IConversionOperation { IsImplicit: true } conversion)
        {
            operation = conversion.Operand;
        }

        return operation switch
        {
            ILocalReferenceOperation local => local.Local,
            IParameterReferenceOperation parameter => parameter.Parameter,
            IFieldReferenceOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } } field => field.Field,
            _ => null,
        };
    }

    /// <summary>
    /// An operand evaluated between the check and the receiver that runs no code of the program: literals, locals,
    /// parameters, fields and built-in operators (no call, property getter, user-defined operator or conversion).
    /// </summary>
    private static bool IsInert(SemanticModel model, ExpressionSyntax operand, CancellationToken cancellationToken) =>
        model.GetOperation(operand, cancellationToken) is { } operation && IsInert(operation);

    private static bool IsInert(IOperation operation) => operation switch
    {
        ILiteralOperation or ILocalReferenceOperation or IParameterReferenceOperation or IInstanceReferenceOperation => true,
        IFieldReferenceOperation field => field.Instance is null || IsInert(field.Instance),
        IConversionOperation conversion => conversion.OperatorMethod is null && IsInert(conversion.Operand),
        IBinaryOperation binary => binary.OperatorMethod is null && IsInert(binary.LeftOperand) && IsInert(binary.RightOperand),
        IUnaryOperation unary => unary.OperatorMethod is null && IsInert(unary.Operand),
        IParenthesizedOperation parenthesized => IsInert(parenthesized.Operand),
        _ => false,
    };
}
