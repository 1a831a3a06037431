using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.Common;

/// <summary>Finds the loop an operation repeats in, and what is known about how often it repeats.</summary>
internal static class Loops
{
    /// <summary>
    /// The nearest enclosing repetition of <paramref name="operation"/> within its method: a loop whose body (or
    /// condition or increment) contains it, or a lambda that <paramref name="isPerElementCall"/> says is applied per
    /// element. The search stops at any other lambda or local function: their bodies run an unknown number of times.
    /// A <c>foreach</c> collection and a <c>for</c> initializer run once and do not count as inside their loop.
    /// </summary>
    public static bool TryGetEnclosingLoop(IOperation operation, Func<IInvocationOperation, bool>? isPerElementCall, out LoopContext context)
    {
        var child = operation;
        var parent = operation.Parent;
        while (parent is not null)
        {
            // Switched on Kind, not on the interfaces: this walk runs for every call the rules see, and a failed interface
            // test per case and ancestor was most of its cost (issue #18, PERF003 on EF-heavy code).
            switch (parent.Kind)
            {
                case OperationKind.Loop when IsRepeatedPart((ILoopOperation)parent, child):
                    context = LoopContext.ForLoop((ILoopOperation)parent);
                    return true;

                case OperationKind.AnonymousFunction:
                    var lambda = (IAnonymousFunctionOperation)parent;
                    if (isPerElementCall is not null && TryGetInvocationTakingLambda(lambda, out var invocation) && isPerElementCall(invocation))
                    {
                        context = LoopContext.ForLambda(invocation, lambda);
                        return true;
                    }

                    context = default;
                    return false;

                case OperationKind.LocalFunction:
                case OperationKind.MethodBody:
                case OperationKind.ConstructorBody:
                    context = default;
                    return false;
            }

            child = parent;
            parent = parent.Parent;
        }

        context = default;
        return false;
    }

    /// <summary>The invocation whose argument is <paramref name="lambda"/> (directly, or through a delegate creation).</summary>
    public static bool TryGetInvocationTakingLambda(IAnonymousFunctionOperation lambda, out IInvocationOperation invocation)
    {
        IOperation? current = lambda.Parent;
        if (current is IDelegateCreationOperation)
        {
            current = current.Parent;
        }

        while (current is IConversionOperation)
        {
            current = current.Parent;
        }

        if (current is IArgumentOperation { Parent: IInvocationOperation call })
        {
            invocation = call;
            return true;
        }

        invocation = null!;
        return false;
    }

    private static bool IsRepeatedPart(ILoopOperation loop, IOperation child)
    {
        switch (loop)
        {
            case IForEachLoopOperation forEach:
                return !ReferenceEquals(child, forEach.Collection);
            case IForLoopOperation forLoop:
                foreach (var before in forLoop.Before)
                {
                    if (ReferenceEquals(child, before))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return true;
        }
    }

    /// <summary>
    /// The number of iterations when it is a compile-time constant: <c>for (int i = a; i &lt; b; i++)</c> (also
    /// <c>&lt;=</c>, counting down with <c>&gt;</c>/<c>&gt;=</c>, and steps of <c>+= k</c>/<c>-= k</c>) whose variable the
    /// body never writes; <c>foreach</c> over an array created with a constant size or initializer, a collection
    /// initializer, a string literal, <c>Enumerable.Range(a, count)</c> or <c>Enumerable.Repeat(x, count)</c>.
    /// </summary>
    public static bool TryGetConstantIterationCount(ILoopOperation loop, out long count)
    {
        count = 0;
        return loop switch
        {
            IForLoopOperation forLoop => TryGetForLoopCount(forLoop, out count),
            IForEachLoopOperation { IsAsynchronous: false } forEach => TryGetCollectionCount(forEach.Collection, out count),
            _ => false,
        };
    }

    /// <summary>
    /// True when the repetition has a constant count at or below <paramref name="threshold"/>. A per-element lambda
    /// uses its receiver or source argument's count.
    /// </summary>
    public static bool HasConstantCountAtMost(in LoopContext context, long threshold) =>
        TryGetConstantCount(context, out var count) && count <= threshold;

    /// <summary>
    /// The constant number of times the repetition runs, when known: the loop's count, or for a per-element lambda
    /// its receiver or source argument's count.
    /// </summary>
    public static bool TryGetConstantCount(in LoopContext context, out long count)
    {
        if (context.Loop is not null)
        {
            return TryGetConstantIterationCount(context.Loop, out count);
        }

        var call = context.PerElementCall!;
        var source = call.Instance ?? (call.Arguments.Length > 0 ? call.Arguments[0].Value : null);
        count = 0;
        return source is not null && TryGetCollectionCount(source, out count);
    }

    /// <summary>The element count of a collection expression when it is a compile-time constant.</summary>
    public static bool TryGetCollectionCount(IOperation collection, out long count)
    {
        count = 0;
        collection = Unwrap(collection);
        switch (collection)
        {
            case IArrayCreationOperation array:
                if (array.Initializer is not null)
                {
                    count = array.Initializer.ElementValues.Length;
                    return true;
                }

                if (array.DimensionSizes.Length == 1 && TryGetConstant(array.DimensionSizes[0], out count))
                {
                    return true;
                }

                return false;

            case IObjectCreationOperation { Initializer: IObjectOrCollectionInitializerOperation initializer } creation
                when creation.Arguments.Length == 0:
                foreach (var element in initializer.Initializers)
                {
                    if (element is not IInvocationOperation and not IDynamicInvocationOperation)
                    {
                        return false;
                    }
                }

                count = initializer.Initializers.Length;
                return true;

            case ILiteralOperation { ConstantValue: { HasValue: true, Value: string text } }:
                count = text.Length;
                return true;

            case IFieldReferenceOperation field:
                return ConstantLengthFields.TryGetCount(field.Field, out count);

            case IInvocationOperation invocation
                when invocation.TargetMethod.ContainingType is { Name: "Enumerable", ContainingNamespace: { Name: "Linq", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } }
                     && invocation.Arguments.Length == 2
                     && (invocation.TargetMethod.Name == "Range" || invocation.TargetMethod.Name == "Repeat"):
                return TryGetConstant(ArgumentByOrdinal(invocation, 1), out count);

            default:
                return false;
        }
    }

    private static IOperation? ArgumentByOrdinal(IInvocationOperation invocation, int ordinal)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == ordinal)
            {
                return argument.Value;
            }
        }

        return null;
    }

    private static bool TryGetForLoopCount(IForLoopOperation forLoop, out long count)
    {
        count = 0;
        if (forLoop.Before.Length != 1 || forLoop.AtLoopBottom.Length != 1 || forLoop.Condition is not IBinaryOperation condition)
        {
            return false;
        }

        if (!TryGetInitializedLocal(forLoop.Before[0], out var local, out var start))
        {
            return false;
        }

        if (!IsLocalReference(condition.LeftOperand, local) ||
            (!TryGetConstant(condition.RightOperand, out var end) && !TryGetConstantLength(condition.RightOperand, out end)))
        {
            return false;
        }

        if (!TryGetStep(forLoop.AtLoopBottom[0], local, out var step) || step == 0)
        {
            return false;
        }

        if (WritesLocal(forLoop.Body, local))
        {
            return false;
        }

        long span;
        switch (condition.OperatorKind)
        {
            case BinaryOperatorKind.LessThan when step > 0:
                span = end - start;
                break;
            case BinaryOperatorKind.LessThanOrEqual when step > 0:
                span = end - start + 1;
                break;
            case BinaryOperatorKind.GreaterThan when step < 0:
                span = start - end;
                break;
            case BinaryOperatorKind.GreaterThanOrEqual when step < 0:
                span = start - end + 1;
                break;
            default:
                return false;
        }

        var magnitude = Math.Abs(step);
        count = span <= 0 ? 0 : (span + magnitude - 1) / magnitude;
        return true;
    }

    /// <summary><c>Field.Length</c> (or <c>.Count</c>) of a readonly field whose element count is constant.</summary>
    private static bool TryGetConstantLength(IOperation operation, out long count)
    {
        count = 0;
        switch (Unwrap(operation))
        {
            case IPropertyReferenceOperation { Property.Name: "Length" or "Count", Instance: IFieldReferenceOperation field }:
                return ConstantLengthFields.TryGetCount(field.Field, out count);
            default:
                return false;
        }
    }

    private static bool TryGetInitializedLocal(IOperation before, out ILocalSymbol local, out long start)
    {
        local = null!;
        start = 0;
        if (before is IVariableDeclarationGroupOperation group &&
            group.Declarations.Length == 1 &&
            group.Declarations[0].Declarators.Length == 1)
        {
            var declarator = group.Declarations[0].Declarators[0];
            local = declarator.Symbol;
            var initializer = declarator.Initializer ?? group.Declarations[0].Initializer;
            return initializer is not null && TryGetConstant(initializer.Value, out start);
        }

        if (before is IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment })
        {
            local = target.Local;
            return TryGetConstant(assignment.Value, out start);
        }

        return false;
    }

    private static bool TryGetStep(IOperation bottom, ILocalSymbol local, out long step)
    {
        step = 0;
        var operation = bottom is IExpressionStatementOperation statement ? statement.Operation : bottom;
        switch (operation)
        {
            case IIncrementOrDecrementOperation increment when IsLocalReference(increment.Target, local):
                step = increment.Kind == OperationKind.Increment ? 1 : -1;
                return true;
            case ICompoundAssignmentOperation compound when IsLocalReference(compound.Target, local) && TryGetConstant(compound.Value, out var amount):
                if (compound.OperatorKind == BinaryOperatorKind.Add)
                {
                    step = amount;
                    return true;
                }

                if (compound.OperatorKind == BinaryOperatorKind.Subtract)
                {
                    step = -amount;
                    return true;
                }

                return false;
            default:
                return false;
        }
    }

    private static bool WritesLocal(IOperation body, ILocalSymbol local)
    {
        foreach (var descendant in body.DescendantsAndSelf())
        {
            switch (descendant)
            {
                case IAssignmentOperation assignment when IsLocalReference(assignment.Target, local):
                case IIncrementOrDecrementOperation increment when IsLocalReference(increment.Target, local):
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument when IsLocalReference(argument.Value, local):
                    return true;
            }
        }

        return false;
    }

    private static bool IsLocalReference(IOperation? operation, ILocalSymbol local) =>
        operation is not null && Unwrap(operation) is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local);

    private static bool TryGetConstant(IOperation? operation, out long value)
    {
        value = 0;
        if (operation is null)
        {
            return false;
        }

        var constant = operation.ConstantValue;
        if (!constant.HasValue || constant.Value is null)
        {
            return false;
        }

        switch (constant.Value)
        {
            case int i: value = i; return true;
            case long l: value = l; return true;
            case short s: value = s; return true;
            case byte b: value = b; return true;
            case sbyte sb: value = sb; return true;
            case ushort us: value = us; return true;
            case uint ui: value = ui; return true;
            case char c: value = c; return true;
            default: return false;
        }
    }

    /// <summary>Strips implicit conversions and parentheses.</summary>
    /// <summary>
    /// The value under <c>await</c>, <c>ConfigureAwait(..)</c>, conversions and parentheses (at most 8 of them):
    /// <c>await q.FirstAsync(..).ConfigureAwait(false)</c> is the <c>FirstAsync</c> call.
    /// </summary>
    public static IOperation UnwrapAwaited(IOperation operation)
    {
        for (var depth = 0; depth < 8; depth++)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    continue;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    continue;
                case IAwaitOperation awaited:
                    operation = awaited.Operation;
                    continue;
                case IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } instance }:
                    operation = instance;
                    continue;
            }

            break;
        }

        return operation;
    }

    /// <summary><see cref="Unwrap"/>, then every conversion (explicit ones too) and the parentheses under it.</summary>
    public static IOperation UnwrapConversions(IOperation operation)
    {
        operation = Unwrap(operation);
        while (operation is IConversionOperation conversion)
        {
            operation = Unwrap(conversion.Operand);
        }

        return operation;
    }

    public static IOperation Unwrap(IOperation operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation { IsImplicit: true } conversion:
                    operation = conversion.Operand;
                    continue;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    continue;
                default:
                    return operation;
            }
        }
    }
}
