using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF003 fix, aggregates: a selector computed from the row alone (<c>l =&gt; l.UnitPrice * l.Quantity</c>) is kept
/// as written inside the grouped query (<c>g.Sum(l =&gt; l.UnitPrice * l.Quantity)</c>): the database evaluates the same
/// expression on the same rows, once per row, whether the rows are aggregated per key or grouped by it.
/// </summary>
public sealed partial class PERF003BatchQueryCodeFix
{
    /// <summary>
    /// <c>x =&gt; x.Value</c>, or built-in arithmetic (<c>+ - * / %</c>, unary minus) over members of the row, literals
    /// and conversions: it reads nothing but the row and calls nothing (no method, no user-defined operator).
    /// </summary>
    private static bool IsRowExpressionSelector(IAnonymousFunctionOperation lambda)
    {
        if (lambda.Symbol.Parameters.Length != 1 || lambda.Symbol.IsAsync || lambda.Body.Operations.Length != 1 ||
            lambda.Body.Operations[0] is not IReturnOperation { ReturnedValue: { } value })
        {
            return false;
        }

        var readsParameter = false;
        foreach (var operation in value.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IParameterReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Parameter, lambda.Symbol.Parameters[0]):
                    readsParameter = true;
                    break;
                case IPropertyReferenceOperation { Arguments.Length: 0, Instance: not null }:
                case IFieldReferenceOperation { Instance: not null }:
                case IConversionOperation { OperatorMethod: null }:
                case IParenthesizedOperation:
                case ILiteralOperation:
                    break;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract or BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide or BinaryOperatorKind.Remainder } binary
                    when IsBuiltInArithmetic(binary.OperatorMethod):
                    break;
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus or UnaryOperatorKind.Plus } unary when IsBuiltInArithmetic(unary.OperatorMethod):
                    break;
                default:
                    return false;
            }
        }

        return readsParameter;
    }

    /// <summary>No operator method, or decimal's (the compiler binds decimal arithmetic to <c>decimal.op_Multiply</c> and so on).</summary>
    private static bool IsBuiltInArithmetic(IMethodSymbol? operatorMethod) =>
        operatorMethod is null || operatorMethod.ContainingType.SpecialType == SpecialType.System_Decimal;
}
