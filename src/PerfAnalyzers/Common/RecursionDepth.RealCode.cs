using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.Common;

/// <summary>
/// Shapes from real code (issue #18 section 2): one-level recursion through a local (a sign switch, a re-lookup of the
/// same entity by its key) is bounded; a walk over code structure (types, expression trees, syntax, symbols) is shallow
/// by nature, like a walk up a hierarchy.
/// </summary>
internal static partial class RecursionDepth
{
    /// <summary>
    /// <c>if (n &lt; 0) return "-" + F(-n);</c> or <c>F(Math.Abs(n))</c>: the call passes the parameter's negation (or
    /// absolute value) under a guard that requires it to be negative, so in the recursive call this guard is false.
    /// </summary>
    private static bool SwitchesSign(IInvocationOperation invocation, Context context)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is not { } target || NegatedParameter(Loops.Unwrap(argument.Value), context) is not { } negated ||
                negated.Ordinal != target.Ordinal)
            {
                continue;
            }

            foreach (var (atom, truth) in GuardAtoms(invocation, context.Info.Body))
            {
                if (RequiresNegative(atom, negated, truth))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static IParameterSymbol? NegatedParameter(IOperation value, Context context)
    {
        while (value is IConversionOperation conversion)
        {
            value = Loops.Unwrap(conversion.Operand);
        }

        var operand = value switch
        {
            IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } unary => unary.Operand,
            IInvocationOperation { TargetMethod: { Name: "Abs", ContainingType.Name: "Math" }, Arguments.Length: 1 } abs => abs.Arguments[0].Value,
            _ => null,
        };

        return operand is not null && Loops.Unwrap(operand) is IParameterReferenceOperation reference && context.IsUnchangedParameterSymbol(reference.Parameter)
            ? reference.Parameter
            : null;
    }

    /// <summary><c>p &lt; 0</c> (or <c>0 &gt; p</c>, <c>p &lt;= -1</c>) must be true, or <c>p &gt;= 0</c> false.</summary>
    private static bool RequiresNegative(IOperation atom, IParameterSymbol parameter, bool truth)
    {
        if (atom is not IBinaryOperation binary)
        {
            return false;
        }

        var left = Loops.Unwrap(binary.LeftOperand);
        var right = Loops.Unwrap(binary.RightOperand);
        var kind = binary.OperatorKind;
        if (IsParameter(right, parameter) && !IsParameter(left, parameter))
        {
            (left, right) = (right, left);
            kind = kind switch
            {
                BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThan,
                BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThan,
                BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThanOrEqual,
                BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThanOrEqual,
                _ => kind,
            };
        }

        if (!IsParameter(left, parameter) || !right.ConstantValue.HasValue || right.ConstantValue.Value is not { } constant)
        {
            return false;
        }

        double bound;
        try
        {
            bound = System.Convert.ToDouble(constant, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (System.Exception e) when (e is System.FormatException or System.InvalidCastException or System.OverflowException)
        {
            return false;
        }

        return (kind, truth) switch
        {
            (BinaryOperatorKind.LessThan, true) or (BinaryOperatorKind.GreaterThanOrEqual, false) => bound <= 0,
            (BinaryOperatorKind.LessThanOrEqual, true) or (BinaryOperatorKind.GreaterThan, false) => bound < 0,
            _ => false,
        };
    }

    /// <summary>
    /// <c>var other = ctx.FindTracked(entity.Id); ... F(ctx, other)</c>: every argument that is not a constant or a
    /// parameter passed unchanged is looked up by the key (<c>Id</c>, <c>Key</c>) of the parameter it replaces, with
    /// nothing else from the input: the same entity again (another instance of it), not the next one.
    /// </summary>
    private static bool RelooksUpSameKey(IInvocationOperation invocation, Context context)
    {
        if (invocation.Instance is { } instance && Loops.Unwrap(instance) is not IInstanceReferenceOperation && !context.IsUnchangedParameter(Loops.Unwrap(instance)))
        {
            return false;
        }

        var relooked = 0;
        foreach (var argument in invocation.Arguments)
        {
            // Constants and parameters passed on (a flag the method resets, `force = false;`, included): the re-looked-up
            // argument decides the depth.
            var value = Loops.Unwrap(argument.Value);
            if (IsConstant(value) || value is IParameterReferenceOperation)
            {
                continue;
            }

            if (argument.Parameter is not { } target || context.Origin(value) is not IInvocationOperation lookup || !IsLookupByOwnKey(lookup, target, context))
            {
                return false;
            }

            relooked++;
        }

        return relooked > 0;
    }

    private static bool IsLookupByOwnKey(IInvocationOperation lookup, IParameterSymbol target, Context context)
    {
        if (lookup.Instance is { } receiver && Loops.Unwrap(receiver) is not (IInstanceReferenceOperation or IFieldReferenceOperation or IPropertyReferenceOperation) &&
            !context.IsUnchangedParameter(Loops.Unwrap(receiver)))
        {
            return false;
        }

        var keys = 0;
        foreach (var argument in lookup.Arguments)
        {
            var value = Loops.Unwrap(argument.Value);
            if (IsConstant(value) || context.IsUnchangedParameter(value))
            {
                continue;
            }

            // entity.Id where entity is the very parameter the result replaces.
            if (value is IMemberReferenceOperation { Member.Name: "Id" or "Key", Instance: { } owner } &&
                Loops.Unwrap(owner) is IParameterReferenceOperation { Parameter: var keyed } &&
                keyed.Ordinal == target.Ordinal && context.IsUnchangedParameterSymbol(keyed))
            {
                keys++;
                continue;
            }

            return false;
        }

        return keys > 0;
    }

    /// <summary>
    /// The receiver or a changing argument is code structure — a <c>System.Type</c> or other reflection member, a
    /// <c>System.Linq.Expressions.Expression</c>, a Roslyn syntax node, symbol or operation: its depth is the nesting of
    /// code a person wrote (<c>a.b.c</c>, <c>List&lt;List&lt;T&gt;&gt;</c>), not the size of data. A call that also steps
    /// a counter walks data.
    /// </summary>
    private static bool WalksCodeStructure(SelfCall call, Context context)
    {
        if (call.Steps)
        {
            return false;
        }

        var invocation = call.Invocation;
        if (invocation.Instance is { } instance && IsChangingCodeStructure(Loops.Unwrap(instance), context))
        {
            return true;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (IsChangingCodeStructure(Loops.Unwrap(argument.Value), context))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsChangingCodeStructure(IOperation value, Context context)
    {
        if (value is IInstanceReferenceOperation || IsConstant(value) || context.IsUnchangedParameter(value))
        {
            return false;
        }

        var type = value.Type;
        if (value is IConversionOperation conversion)
        {
            type = conversion.Operand.Type ?? type;
        }

        for (var depth = 0; depth < 12 && type is not null; depth++, type = type.BaseType)
        {
            if (IsCodeStructureType(type))
            {
                return true;
            }
        }

        if (value.Type is { } valueType)
        {
            foreach (var implemented in valueType.AllInterfaces)
            {
                if (implemented is { Name: "ISymbol" or "IOperation", ContainingNamespace.Name: "CodeAnalysis" })
                {
                    return true;
                }
            }
        }

        return value.Type is { TypeKind: TypeKind.Interface, Name: "ISymbol" or "ITypeSymbol" or "INamedTypeSymbol" or "IOperation", ContainingNamespace.Name: "CodeAnalysis" };
    }

    private static bool IsCodeStructureType(ITypeSymbol type)
    {
        var ns = type.ContainingNamespace?.ToDisplayString();
        return (type.Name, ns) switch
        {
            ("Type" or "MemberInfo", "System" or "System.Reflection") => true,
            ("Expression", "System.Linq.Expressions") => true,
            ("SyntaxNode", "Microsoft.CodeAnalysis") => true,
            _ => false,
        };
    }
}
