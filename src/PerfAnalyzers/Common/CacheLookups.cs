using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.Common;

/// <summary>
/// Cache-first shapes in a method body (PERF003 through calls, issue #13): a load that runs only on a cache miss is not a
/// round-trip per call. Recognised: a factory passed to a get-or-add call (<c>_cache.GetOrCreateAsync(key, e =&gt; load())</c>,
/// <c>dictionary.GetOrAdd(key, load)</c>, Sonarr's <c>_cache.Get(key, () =&gt; load())</c> on an <c>ICached&lt;T&gt;</c>), and
/// a branch on a lookup in state kept across calls (<c>if (_cache.TryGetValue(key, out var v)) return v;</c>,
/// <c>if (!_byId.ContainsKey(id)) { ... }</c>), and a field or property memoised on first use (<c>if (_details == null)
/// _details = await load();</c>, <c>_details ??= await load();</c>).
/// </summary>
internal static class CacheLookups
{
    /// <summary>A get-or-add call that takes a factory: the factory's body runs on a miss only.</summary>
    public static bool IsCacheCall(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var name = method.Name;
        var getOrAdd = name.StartsWith("GetOr", StringComparison.Ordinal) || name is "AddOrGetExisting";
        if (!getOrAdd && !(name.StartsWith("Get", StringComparison.Ordinal) && IsCacheType(ReceiverType(invocation))))
        {
            return false;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (IsDelegate(argument.Value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Visits the receiver and the arguments that are not factories.</summary>
    public static void PushAllButFactories(IInvocationOperation invocation, Stack<IOperation> pending)
    {
        if (invocation.Instance is { } instance)
        {
            pending.Push(instance);
        }

        foreach (var argument in invocation.Arguments)
        {
            if (!IsDelegate(argument.Value))
            {
                pending.Push(argument);
            }
        }
    }

    /// <summary>A condition that tests a lookup in a cache or in state the type keeps (<c>_cache.TryGetValue(..)</c>, <c>_byId.ContainsKey(..)</c>).</summary>
    public static bool IsCacheTest(IOperation condition)
    {
        var seen = 0;
        foreach (var operation in condition.DescendantsAndSelf())
        {
            if (++seen > 64)
            {
                return false;
            }

            if (operation is not IInvocationOperation call)
            {
                continue;
            }

            var name = call.TargetMethod.Name;
            if (!(name.StartsWith("TryGet", StringComparison.Ordinal) || name is "ContainsKey"))
            {
                continue;
            }

            var receiver = call.Instance ?? (call.TargetMethod.IsExtensionMethod && call.Arguments.Length > 0 ? call.Arguments[0].Value : null);
            if (receiver is null)
            {
                continue;
            }

            receiver = Loops.UnwrapConversions(receiver);

            if (receiver is IFieldReferenceOperation or IPropertyReferenceOperation || IsCacheType(receiver.Type))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A field or property memoised on first use: <c>if (_details == null &amp;&amp; ..) { _details = await load(); }</c>
    /// (bitwarden's request-scoped <c>CurrentContext.GetProviderUserOrganizations</c>, which <c>EventService</c> reaches
    /// per organization): the condition tests the member for null (<c>== null</c>, <c>is null</c>, alone or as one
    /// operand of <c>&amp;&amp;</c>) and the branch taken assigns that same member. The load runs once per instance, unless
    /// the type sets the member back to null somewhere (<see cref="MemberResets"/>).
    /// </summary>
    public static bool IsMemoizingTest(IConditionalOperation conditional)
    {
        var tested = new List<ISymbol>();
        CollectNullTestedMembers(conditional.Condition, tested, 0);
        if (tested.Count == 0)
        {
            return false;
        }

        var seen = 0;
        foreach (var operation in conditional.WhenTrue.DescendantsAndSelf())
        {
            if (++seen > 256)
            {
                return false;
            }

            if (operation is IAssignmentOperation { Target: var target } && MemberOfThis(target) is { } assigned)
            {
                foreach (var member in tested)
                {
                    if (SymbolEqualityComparer.Default.Equals(member, assigned))
                    {
                        return !MemberResets.IsResetInItsType(assigned);
                    }
                }
            }
        }

        return false;
    }

    /// <summary><c>_details ??= await load();</c> on a field or property: the load runs only while the member is null (and nothing in its type sets it back to null).</summary>
    public static bool IsMemoizingAssignment(ICoalesceAssignmentOperation assignment) =>
        MemberOfThis(assignment.Target) is { } member && !MemberResets.IsResetInItsType(member);

    private static void CollectNullTestedMembers(IOperation condition, List<ISymbol> tested, int depth)
    {
        condition = Loops.Unwrap(condition);
        if (depth > 8)
        {
            return;
        }

        switch (condition)
        {
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } and:
                CollectNullTestedMembers(and.LeftOperand, tested, depth + 1);
                CollectNullTestedMembers(and.RightOperand, tested, depth + 1);
                break;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals } equals:
                if (IsNull(equals.RightOperand) && MemberOfThis(equals.LeftOperand) is { } left)
                {
                    tested.Add(left);
                }
                else if (IsNull(equals.LeftOperand) && MemberOfThis(equals.RightOperand) is { } right)
                {
                    tested.Add(right);
                }

                break;
            case IIsPatternOperation { Pattern: IConstantPatternOperation { Value: var constant } } isPattern when IsNull(constant) && MemberOfThis(isPattern.Value) is { } member:
                tested.Add(member);
                break;
        }
    }

    private static bool IsNull(IOperation operation)
    {
        operation = Loops.UnwrapConversions(operation);

        return operation is ILiteralOperation { ConstantValue: { HasValue: true, Value: null } };
    }

    /// <summary>A field or property of the type itself (<c>_details</c>, <c>this.Details</c>, a static member), not of another object.</summary>
    private static ISymbol? MemberOfThis(IOperation operation)
    {
        operation = Loops.UnwrapConversions(operation);

        return operation switch
        {
            IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
            IPropertyReferenceOperation { Instance: null or IInstanceReferenceOperation, Arguments.Length: 0 } property => property.Property,
            _ => null,
        };
    }

    private static ITypeSymbol? ReceiverType(IInvocationOperation invocation) =>
        invocation.Instance?.Type ??
        (invocation.TargetMethod.IsExtensionMethod && invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value.Type : invocation.TargetMethod.ContainingType);

    /// <summary>A type named like a cache (<c>IMemoryCache</c>, <c>ICacheManager</c>, <c>ICached&lt;T&gt;</c>, <c>HybridCache</c>).</summary>
    private static bool IsCacheType(ITypeSymbol? type) =>
        type is not null && (type.Name.IndexOf("Cache", StringComparison.Ordinal) >= 0 || type.Name.IndexOf("Cached", StringComparison.Ordinal) >= 0);

    private static bool IsDelegate(IOperation value)
    {
        value = Loops.UnwrapConversions(value);

        return value is IAnonymousFunctionOperation or IDelegateCreationOperation or IMethodReferenceOperation;
    }
}
