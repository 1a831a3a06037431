using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.Common;

/// <summary>Recognises string concatenation: <c>a + b</c> on strings, <c>string.Concat(...)</c> and the operands they join.</summary>
internal static class StringConcatenation
{
    /// <summary>True for the predefined <c>+</c> whose result is a string (string concatenation, not numeric addition).</summary>
    public static bool IsConcatenation(IOperation operation) =>
        operation is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, OperatorMethod: null, Type.SpecialType: SpecialType.System_String };

    /// <summary>
    /// The operands of a chain of string concatenations, left to right: <c>a + b + c</c> gives a, b, c. Only a
    /// <c>+</c> that is itself a string concatenation is split: in <c>1 + 2 + "s"</c> the numeric <c>1 + 2</c> stays one operand.
    /// Implicit conversions (to string or object) are kept on the operands.
    /// </summary>
    public static void AddOperands(IOperation operation, List<IOperation> operands)
    {
        if (IsConcatenation(operation))
        {
            var binary = (IBinaryOperation)operation;
            AddOperands(binary.LeftOperand, operands);
            AddOperands(binary.RightOperand, operands);
            return;
        }

        operands.Add(operation);
    }

    /// <summary>True for a call to one of the <c>string.Concat</c> overloads.</summary>
    public static bool IsStringConcatCall(IOperation operation) =>
        operation is IInvocationOperation { TargetMethod: { Name: "Concat", IsStatic: true, ContainingType.SpecialType: SpecialType.System_String } };

    /// <summary>
    /// The values a <c>string.Concat</c> call joins, left to right, with a <c>params</c> array or collection expanded.
    /// False when an argument's shape is not understood (for example an array passed as the params argument).
    /// </summary>
    public static bool TryGetConcatOperands(IInvocationOperation invocation, List<IOperation> operands)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.ArgumentKind == ArgumentKind.Explicit)
            {
                if (argument.Parameter?.Type is IArrayTypeSymbol || argument.Parameter?.Type is INamedTypeSymbol { IsGenericType: true })
                {
                    // Concat(string[]) / Concat(IEnumerable<string>) / Concat(ReadOnlySpan<string>) with an explicit collection.
                    return false;
                }

                operands.Add(argument.Value);
                continue;
            }

            if (argument.ArgumentKind == ArgumentKind.DefaultValue)
            {
                continue;
            }

            // params array or params collection: its elements are the operands.
            var value = argument.Value;
            if (value is IArrayCreationOperation array)
            {
                if (array.Initializer is null)
                {
                    return false;
                }

                operands.AddRange(array.Initializer.ElementValues);
                continue;
            }

            foreach (var child in value.ChildOperations)
            {
                operands.Add(child);
            }
        }

        return true;
    }
}
