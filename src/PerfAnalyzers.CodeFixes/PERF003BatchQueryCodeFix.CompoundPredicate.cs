using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.Common;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF003 fix, predicates: the key equality <c>x.Column == key</c> found among the conjuncts of a predicate
/// (<c>x.Column == key &amp;&amp; x.IsActive</c>); the other conjuncts go into the batch query unchanged.
/// </summary>
public sealed partial class PERF003BatchQueryCodeFix
{
    /// <summary>
    /// <c>x =&gt; x.Property == key</c> (either side), with both sides of one batchable key type, the key read from the
    /// element (<paramref name="isElementKey"/>); or a conjunction (<c>&amp;&amp;</c>) holding exactly one such equality and
    /// other conjuncts, which the caller checks do not read the element.
    /// </summary>
    private static bool TryMatchEquality(IAnonymousFunctionOperation lambda, Func<IOperation, bool> isElementKey, out IParameterSymbol parameter, out IPropertySymbol property, out IOperation key, out IOperation keyConjunct, out ImmutableArray<IOperation> others)
    {
        parameter = null!;
        property = null!;
        key = null!;
        keyConjunct = null!;
        others = ImmutableArray<IOperation>.Empty;
        if (lambda.Symbol.Parameters.Length != 1 || lambda.Symbol.IsAsync ||
            lambda.Body.Operations.Length != 1 ||
            lambda.Body.Operations[0] is not IReturnOperation { ReturnedValue: { } value })
        {
            return false;
        }

        parameter = lambda.Symbol.Parameters[0];
        var conjuncts = new List<IOperation>();
        if (!TryFlattenConjunction(value, conjuncts))
        {
            return false;
        }

        var rest = ImmutableArray.CreateBuilder<IOperation>();
        foreach (var conjunct in conjuncts)
        {
            if (keyConjunct is null && conjunct is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals } equality &&
                TryMatchKeyEquality(equality, parameter, out var candidateProperty, out var candidateKey) && isElementKey(candidateKey))
            {
                keyConjunct = conjunct;
                property = candidateProperty;
                key = candidateKey;
                continue;
            }

            rest.Add(conjunct);
        }

        others = rest.ToImmutable();
        return keyConjunct is not null;
    }

    /// <summary>The conjuncts of <c>a &amp;&amp; b &amp;&amp; c</c> (at most 8; parentheses seen through).</summary>
    private static bool TryFlattenConjunction(IOperation operation, List<IOperation> conjuncts)
    {
        operation = Loops.Unwrap(operation);
        if (operation is IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd, OperatorMethod: null } and)
        {
            return TryFlattenConjunction(and.LeftOperand, conjuncts) && TryFlattenConjunction(and.RightOperand, conjuncts);
        }

        conjuncts.Add(operation);
        return conjuncts.Count <= 8;
    }

    private static bool TryMatchKeyEquality(IBinaryOperation equality, IParameterSymbol parameter, out IPropertySymbol property, out IOperation key)
    {
        if (IsParameterProperty(equality.LeftOperand, parameter, out property))
        {
            key = equality.RightOperand;
        }
        else if (IsParameterProperty(equality.RightOperand, parameter, out property))
        {
            key = equality.LeftOperand;
        }
        else
        {
            key = null!;
            return false;
        }

        return SymbolEqualityComparer.Default.Equals(property.Type, key.Type) && IsBatchableKeyType(property.Type);
    }
}
