using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.Common;

/// <summary>What PERF004 and PERF005 do with one self-call found by <see cref="Recursion.TryAnalyze"/>.</summary>
internal enum SelfCallDepth
{
    /// <summary>The depth can grow with the input: report at the rule's severity.</summary>
    GrowsWithInput,

    /// <summary>The depth is bounded by a constant, does not depend on the input, or the call holds no stack: not reported.</summary>
    Bounded,

    /// <summary>A walk up a hierarchy (<c>Parent</c>, <c>BaseType</c>, <c>InnerException</c>, ...): shallow by nature.</summary>
    Hierarchy,
}

/// <summary>
/// Decides, for a self-call of a recursive method, whether its depth can grow with the input (issue #18):
/// bounded retries (a <c>bool</c> flag passed as the literal that turns its guard off, or a counter stepped up towards a
/// constant), arguments that cannot recur (constants and parameters passed unchanged), async re-scheduling (a task that is
/// not awaited), delegation to the same method on an object obtained from another service, and walks up a hierarchy.
/// Only called for the few invocations that are self-calls, so it may walk the method body.
/// </summary>
internal static partial class RecursionDepth
{
    internal const string HierarchyMembersOption = "hierarchy_members";

    /// <summary>Default names of members that lead up a hierarchy; a member matches when its name equals or ends with one.</summary>
    internal const string DefaultHierarchyMembers = "Parent,ParentId,ParentNode,BaseType,InnerException,InnerExceptions,DeclaringType,ContainingType,ContainingSymbol,ContainingNamespace,Directory,DirectoryName";

    public static SelfCallDepth Classify(SelfCall call, RecursionInfo info, AnalyzerOptions options, string ruleId)
    {
        var context = new Context(info);
        if (IsBounded(call, context))
        {
            return SelfCallDepth.Bounded;
        }

        // An empty hierarchy_members turns off both kinds of shallow walk (the severity lowering's off switch).
        var members = ReadHierarchyMembers(options, call.Invocation.Syntax.SyntaxTree, ruleId);
        return WalksHierarchy(call.Invocation, context, members) || (members.Length > 0 && WalksCodeStructure(call, context))
            ? SelfCallDepth.Hierarchy
            : SelfCallDepth.GrowsWithInput;
    }

    /// <summary>True when the call runs once per element of a loop in the method: tree recursion (one call per element).</summary>
    public static bool IsInsideLoop(SelfCall call, RecursionInfo info)
    {
        IOperation child = call.Invocation;
        for (var parent = child.Parent; parent is not null && !ReferenceEquals(child, info.Body); child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IReturnOperation:
                    // `return F(..)` inside a loop ends the loop: one call per invocation, not per element.
                    return false;
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return false;
                case IForEachLoopOperation forEach when ReferenceEquals(forEach.Body, child):
                case IForLoopOperation forLoop when ReferenceEquals(forLoop.Body, child) || ReferenceEquals(forLoop.Condition, child) || forLoop.AtLoopBottom.Contains(child):
                case IWhileLoopOperation whileLoop when ReferenceEquals(whileLoop.Body, child) || ReferenceEquals(whileLoop.Condition, child):
                    return true;
            }
        }

        return false;
    }

    private static bool IsBounded(SelfCall call, Context context)
    {
        return IsAsyncReschedule(call.Invocation, context.Info.Method) ||
               CannotRecur(call.Invocation, context) ||
               IsBoundedFlag(call, context) ||
               IsBoundedCounter(call, context) ||
               SwitchesToFixedValue(call.Invocation, context) ||
               SwitchesSign(call.Invocation, context) ||
               RelooksUpSameKey(call.Invocation, context) ||
               IsDelegation(call.Invocation, context);
    }

    /// <summary>In an async method, a self-call whose task is stored in a field or discarded starts a new operation: it holds no stack.</summary>
    private static bool IsAsyncReschedule(IInvocationOperation invocation, IMethodSymbol method)
    {
        if (!method.IsAsync)
        {
            return false;
        }

        IOperation value = invocation;
        while (true)
        {
            var parent = value.Parent;
            switch (parent)
            {
                case IConversionOperation or IParenthesizedOperation:
                    value = parent;
                    continue;
                case IInvocationOperation { TargetMethod.Name: "ConfigureAwait" } configure when ReferenceEquals(configure.Instance, value):
                    value = parent;
                    continue;
                case IExpressionStatementOperation:
                    return true;
                case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Value, value):
                    return assignment.Target is IDiscardOperation or IFieldReferenceOperation or IPropertyReferenceOperation;
                default:
                    return false;
            }
        }
    }

    /// <summary>
    /// Every argument is a constant or a parameter passed unchanged, and the receiver is <c>this</c> (or none): the call
    /// makes no progress through the input, so the depth is bounded (a constant switches mode once) or the recursion
    /// never ends (not this rule's business). Still reported when the guard consumes instance state through a call
    /// (<c>if (_queue.TryDequeue(out var x)) { ..; Pump(); }</c>): there the depth is the length of that state.
    /// </summary>
    private static bool CannotRecur(IInvocationOperation invocation, Context context)
    {
        if (invocation.Instance is { } instance && Loops.Unwrap(instance) is not IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } &&
            !context.IsUnchangedParameter(Loops.Unwrap(instance)))
        {
            return false;
        }

        foreach (var argument in invocation.Arguments)
        {
            var value = Loops.Unwrap(argument.Value);
            if (!IsConstant(value) && !context.IsUnchangedParameter(value))
            {
                return false;
            }
        }

        foreach (var (condition, _) in Guards(invocation, context.Info.Body))
        {
            if (ConsumesState(condition))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsConstant(IOperation value)
    {
        while (true)
        {
            if (value.ConstantValue.HasValue || value is IDefaultValueOperation)
            {
                return true;
            }

            // VideoRangeType.HDR10 passed to a VideoRangeType? parameter: an explicit-free nullable conversion of a constant.
            if (value is IConversionOperation conversion)
            {
                value = conversion.Operand;
                continue;
            }

            return false;
        }
    }

    private static bool ConsumesState(IOperation condition)
    {
        foreach (var operation in condition.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation { Instance: { } instance } && Loops.Unwrap(instance) is IFieldReferenceOperation or IPropertyReferenceOperation)
            {
                return true;
            }

            if (operation is IInvocationOperation call)
            {
                foreach (var argument in call.Arguments)
                {
                    if (argument.Parameter?.RefKind == RefKind.Out && Loops.Unwrap(argument.Value) is IFieldReferenceOperation or IPropertyReferenceOperation)
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>
    /// A <c>bool</c> parameter that every self-call passes as a literal, and that guards this call so that the literal
    /// passed turns the guard off (<c>if (status == 429 &amp;&amp; retry) return await SendAsync(x, retry: false);</c>): depth ≤ 1.
    /// </summary>
    private static bool IsBoundedFlag(SelfCall call, Context context)
    {
        foreach (var parameter in context.Info.Method.Parameters)
        {
            if (parameter.Type.SpecialType != SpecialType.System_Boolean || parameter.RefKind != RefKind.None || context.IsAssigned(parameter))
            {
                continue;
            }

            if (ArgumentFor(call.Invocation, parameter) is not { ConstantValue: { HasValue: true, Value: bool passed } })
            {
                continue;
            }

            var everyCallPassesLiteral = true;
            foreach (var other in context.Info.Calls)
            {
                everyCallPassesLiteral &= ArgumentFor(other.Invocation, parameter) is { ConstantValue: { HasValue: true, Value: bool } };
            }

            if (!everyCallPassesLiteral)
            {
                continue;
            }

            foreach (var (atom, truth) in GuardAtoms(call.Invocation, context.Info.Body))
            {
                if (FlagValue(atom, parameter, truth) is { } required && required != passed)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The value <paramref name="parameter"/> must have for <paramref name="atom"/> to be <paramref name="truth"/>, if the atom tests it.</summary>
    private static bool? FlagValue(IOperation atom, IParameterSymbol parameter, bool truth)
    {
        switch (atom)
        {
            case IParameterReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter):
                return truth;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
            {
                var left = Loops.Unwrap(binary.LeftOperand);
                var right = Loops.Unwrap(binary.RightOperand);
                var (reference, constant) = left is IParameterReferenceOperation ? (left, right) : (right, left);
                if (reference is IParameterReferenceOperation p && SymbolEqualityComparer.Default.Equals(p.Parameter, parameter) &&
                    constant.ConstantValue is { HasValue: true, Value: bool value })
                {
                    return (binary.OperatorKind == BinaryOperatorKind.Equals) == truth ? value : !value;
                }

                return null;
            }

            case IIsPatternOperation { Pattern: IConstantPatternOperation { Value.ConstantValue: { HasValue: true, Value: bool value } } } isPattern
                when Loops.Unwrap(isPattern.Value) is IParameterReferenceOperation p && SymbolEqualityComparer.Default.Equals(p.Parameter, parameter):
                return truth ? value : !value;
            default:
                return null;
        }
    }

    /// <summary>
    /// An integer parameter that every self-call passes as itself plus a positive constant (<c>attempt + 1</c>), and a guard
    /// of this call keeps it below a constant (<c>if (attempt &gt;= 5) return;</c>): the depth is bounded by that constant.
    /// A bound that is a parameter, field or property is not a constant: still reported.
    /// </summary>
    private static bool IsBoundedCounter(SelfCall call, Context context)
    {
        foreach (var parameter in context.Info.Method.Parameters)
        {
            if (!IsInteger(parameter.Type) || parameter.RefKind != RefKind.None || context.IsAssigned(parameter))
            {
                continue;
            }

            var everyCallSteps = true;
            foreach (var other in context.Info.Calls)
            {
                everyCallSteps &= StepsUp(ArgumentFor(other.Invocation, parameter), parameter);
            }

            if (!everyCallSteps)
            {
                continue;
            }

            foreach (var (atom, truth) in GuardAtoms(call.Invocation, context.Info.Body))
            {
                if (KeepsBelowConstant(atom, parameter, truth))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// A guard requires a parameter to differ from a value that does not depend on the parameters, and the call passes
    /// that value (<c>if (master != languageId) GetResource(key, master)</c> with <c>master</c> read from instance state):
    /// in the recursive call the guard is false, so the depth is one.
    /// </summary>
    private static bool SwitchesToFixedValue(IInvocationOperation invocation, Context context)
    {
        foreach (var (atom, truth) in GuardAtoms(invocation, context.Info.Body))
        {
            if (atom is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison ||
                (comparison.OperatorKind == BinaryOperatorKind.NotEquals) != truth)
            {
                continue;
            }

            var left = Loops.Unwrap(comparison.LeftOperand);
            var right = Loops.Unwrap(comparison.RightOperand);
            var (reference, other) = left is IParameterReferenceOperation ? (left, right) : (right, left);
            if (reference is not IParameterReferenceOperation { Parameter: var parameter } || !context.IsUnchangedParameterSymbol(parameter) ||
                other is not ILocalReferenceOperation local || ArgumentFor(invocation, parameter) is not { } passed ||
                Loops.Unwrap(passed) is not ILocalReferenceOperation passedLocal ||
                !SymbolEqualityComparer.Default.Equals(local.Local, passedLocal.Local))
            {
                continue;
            }

            var origin = context.Origin(local);
            if (origin is ILocalReferenceOperation)
            {
                continue;
            }

            var readsParameterOrLocal = false;
            foreach (var part in origin.DescendantsAndSelf())
            {
                readsParameterOrLocal |= part is IParameterReferenceOperation or ILocalReferenceOperation;
            }

            if (!readsParameterOrLocal)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInteger(ITypeSymbol type) => type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Int16 or
        SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_UInt16 or SpecialType.System_UInt32 or SpecialType.System_UInt64;

    private static bool StepsUp(IOperation? argument, IParameterSymbol parameter)
    {
        if (argument is null || Loops.Unwrap(argument) is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } add)
        {
            return false;
        }

        var left = Loops.Unwrap(add.LeftOperand);
        var right = Loops.Unwrap(add.RightOperand);
        var (reference, step) = left is IParameterReferenceOperation ? (left, right) : (right, left);
        return reference is IParameterReferenceOperation p && SymbolEqualityComparer.Default.Equals(p.Parameter, parameter) &&
               Recursion.IsConstantAtLeast(step, 1);
    }

    /// <summary>True when <paramref name="atom"/> being <paramref name="truth"/> means <c>parameter &lt; K</c>, <c>≤ K</c> or <c>≠ K</c> for a constant K.</summary>
    private static bool KeepsBelowConstant(IOperation atom, IParameterSymbol parameter, bool truth)
    {
        if (atom is not IBinaryOperation binary)
        {
            return false;
        }

        var left = Loops.Unwrap(binary.LeftOperand);
        var right = Loops.Unwrap(binary.RightOperand);
        var kind = binary.OperatorKind;
        if (IsParameter(right, parameter))
        {
            // K > p  is  p < K
            (left, right) = (right, left);
            kind = kind switch
            {
                BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThan,
                BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThanOrEqual,
                BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThan,
                BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThanOrEqual,
                _ => kind,
            };
        }

        if (!IsParameter(left, parameter) || !right.ConstantValue.HasValue)
        {
            return false;
        }

        return truth
            ? kind is BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.NotEquals
            : kind is BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.Equals;
    }

    private static bool IsParameter(IOperation operation, IParameterSymbol parameter) =>
        operation is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter);

    private static IOperation? ArgumentFor(IInvocationOperation invocation, IParameterSymbol parameter)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is { } p && p.Ordinal == parameter.Ordinal)
            {
                return argument.Value;
            }
        }

        return null;
    }

    /// <summary>
    /// <c>return _service.GetRoot().GetChildren(q);</c>: the same instance method on an object obtained by calling a method of
    /// another service held in a field or property (not the method's own type, not a collection): a hand-off, not a walk.
    /// </summary>
    private static bool IsDelegation(IInvocationOperation invocation, Context context)
    {
        if (invocation.Instance is null || context.Origin(invocation.Instance) is not IInvocationOperation { TargetMethod.IsStatic: false, Instance: { } serviceReference })
        {
            return false;
        }

        var service = Loops.Unwrap(serviceReference);
        if (service is not (IFieldReferenceOperation or IPropertyReferenceOperation) || service.Type is not { } serviceType)
        {
            return false;
        }

        var containingType = context.Info.Method.ContainingType;
        for (var type = containingType; type is not null; type = type.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(type, serviceType))
            {
                return false;
            }
        }

        if (serviceType.SpecialType == SpecialType.System_String || serviceType is IArrayTypeSymbol)
        {
            return false;
        }

        foreach (var implemented in serviceType.AllInterfaces)
        {
            if (implemented.SpecialType is SpecialType.System_Collections_IEnumerable or SpecialType.System_Collections_Generic_IEnumerable_T)
            {
                return false;
            }
        }

        return serviceType.SpecialType != SpecialType.System_Collections_IEnumerable && serviceType.OriginalDefinition.SpecialType != SpecialType.System_Collections_Generic_IEnumerable_T;
    }

    /// <summary>The receiver or an argument comes from a member that leads up a hierarchy (<c>Parent</c>, <c>BaseType</c>, <c>InnerException</c>, ...).</summary>
    private static bool WalksHierarchy(IInvocationOperation invocation, Context context, string[] members)
    {
        if (members.Length == 0)
        {
            return false;
        }

        if (invocation.Instance is { } instance && ReachesHierarchyMember(context.Origin(instance), members, context, 0))
        {
            return true;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (ReachesHierarchyMember(context.Origin(argument.Value), members, context, 0))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A property or field named in the list (<c>node.Parent</c>, <c>view.DisplayParentId</c>), a method named <c>Get</c> +
    /// such a name (<c>node.GetParentNode()</c>), or a local so named (<c>TryGetValue(id, out var parentId)</c>), also
    /// through a local used inside the value (<c>inners[0]</c> with <c>inners = agg.InnerExceptions</c>).
    /// </summary>
    private static bool ReachesHierarchyMember(IOperation value, string[] members, Context context, int depth)
    {
        foreach (var operation in value.DescendantsAndSelf())
        {
            var matches = operation switch
            {
                IMemberReferenceOperation { Member: IPropertySymbol or IFieldSymbol } member => MatchesHierarchyMember(member.Member.Name, members, StringComparison.Ordinal),
                IInvocationOperation { TargetMethod.Name: { Length: > 3 } name } when name.StartsWith("Get", StringComparison.Ordinal) =>
                    MatchesHierarchyMember(name.Substring(3), members, StringComparison.Ordinal),
                ILocalReferenceOperation local => MatchesHierarchyMember(local.Local.Name, members, StringComparison.OrdinalIgnoreCase) ||
                    (depth < 3 && context.Origin(local) is var origin && origin is not ILocalReferenceOperation && ReachesHierarchyMember(origin, members, context, depth + 1)),
                _ => false,
            };

            if (matches)
            {
                return true;
            }
        }

        return false;
    }

    private static bool MatchesHierarchyMember(string name, string[] members, StringComparison comparison)
    {
        foreach (var member in members)
        {
            if (name.EndsWith(member, comparison))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads <c>perf_analyzers.&lt;ID&gt;.hierarchy_members</c> or <c>perf_analyzers.hierarchy_members</c>: comma-separated member names (empty: none).</summary>
    internal static string[] ReadHierarchyMembers(AnalyzerOptions options, SyntaxTree tree, string ruleId)
    {
        var raw = RuleOptions.TryGetRaw(options, tree, ruleId, HierarchyMembersOption, out var configured) ? configured : DefaultHierarchyMembers;
        return RuleOptions.SplitNames(raw);
    }

    /// <summary>Each condition on the way to the call and whether it must be true (<c>&amp;&amp;</c> chains and <c>!</c> split).</summary>
    private static IEnumerable<(IOperation Atom, bool Truth)> GuardAtoms(IOperation call, IBlockOperation body)
    {
        foreach (var (condition, truth) in Guards(call, body))
        {
            foreach (var atom in Split(condition, truth))
            {
                yield return atom;
            }
        }
    }

    private static IEnumerable<(IOperation Atom, bool Truth)> Split(IOperation condition, bool truth)
    {
        condition = Loops.Unwrap(condition);
        switch (condition)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                foreach (var atom in Split(not.Operand, !truth))
                {
                    yield return atom;
                }

                break;

            // a && b true: both true; a || b false: both false.
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } when truth:
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } when !truth:
                var binary = (IBinaryOperation)condition;
                foreach (var atom in Split(binary.LeftOperand, truth))
                {
                    yield return atom;
                }

                foreach (var atom in Split(binary.RightOperand, truth))
                {
                    yield return atom;
                }

                break;
            default:
                yield return (condition, truth);
                break;
        }
    }

    /// <summary>
    /// The conditions that hold when <paramref name="call"/> runs: enclosing <c>if</c>/<c>?:</c> branches, the left of
    /// <c>&amp;&amp;</c>/<c>||</c>, and earlier statements of an enclosing block of the form <c>if (c) return/throw;</c>.
    /// </summary>
    private static IEnumerable<(IOperation Condition, bool Truth)> Guards(IOperation call, IBlockOperation body)
    {
        IOperation child = call;
        for (var parent = child.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case IConditionalOperation conditional when conditional.Condition is not null && !ReferenceEquals(conditional.Condition, child):
                    yield return (conditional.Condition, ReferenceEquals(conditional.WhenTrue, child));
                    break;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.ConditionalOr } logical when ReferenceEquals(logical.RightOperand, child):
                    yield return (logical.LeftOperand, logical.OperatorKind == BinaryOperatorKind.ConditionalAnd);
                    break;
                case IBlockOperation block:
                    foreach (var statement in block.Operations)
                    {
                        if (ReferenceEquals(statement, child))
                        {
                            break;
                        }

                        if (statement is IConditionalOperation { Type: null, Condition: { } condition } earlyExit)
                        {
                            var trueExits = Recursion.AlwaysExits(earlyExit.WhenTrue);
                            var falseExits = earlyExit.WhenFalse is not null && Recursion.AlwaysExits(earlyExit.WhenFalse);
                            if (trueExits && !falseExits)
                            {
                                yield return (condition, false);
                            }
                            else if (falseExits && !trueExits)
                            {
                                yield return (condition, true);
                            }
                        }
                    }

                    break;
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    yield break;
            }

            if (ReferenceEquals(parent, body))
            {
                yield break;
            }
        }
    }

    /// <summary>Facts about the method body computed once per classification: which parameters are assigned, where locals come from.</summary>
    private sealed class Context
    {
        private HashSet<IParameterSymbol>? _assigned;
        private Dictionary<ILocalSymbol, IOperation?>? _localOrigins;

        public Context(RecursionInfo info) => Info = info;

        public RecursionInfo Info { get; }

        public bool IsAssigned(IParameterSymbol parameter) => (_assigned ??= CollectAssigned()).Contains(parameter);

        public bool IsUnchangedParameterSymbol(IParameterSymbol parameter) =>
            SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, Info.Method) && parameter.RefKind == RefKind.None && !IsAssigned(parameter);

        /// <summary>A parameter of the method, passed on as it came in (an <c>out</c> parameter carries nothing in).</summary>
        public bool IsUnchangedParameter(IOperation value) =>
            value is IParameterReferenceOperation reference &&
            SymbolEqualityComparer.Default.Equals(reference.Parameter.ContainingSymbol, Info.Method) &&
            (reference.Parameter.RefKind == RefKind.Out || !IsAssigned(reference.Parameter));

        /// <summary>Follows conversions, <c>await</c> and locals assigned once (a declaration or an <c>is T x</c> pattern) to where the value comes from.</summary>
        public IOperation Origin(IOperation value)
        {
            for (var steps = 0; steps < 8; steps++)
            {
                value = Loops.Unwrap(value);
                switch (value)
                {
                    case IConversionOperation conversion:
                        value = conversion.Operand;
                        continue;
                    case IAwaitOperation awaited:
                        value = awaited.Operation;
                        continue;
                    case ILocalReferenceOperation local when LocalOrigin(local.Local) is { } origin:
                        value = origin;
                        continue;
                }

                break;
            }

            return value;
        }

        private IOperation? LocalOrigin(ILocalSymbol local)
        {
            if (_localOrigins is null)
            {
                _localOrigins = new Dictionary<ILocalSymbol, IOperation?>(SymbolEqualityComparer.Default);
                foreach (var operation in Info.Body.Descendants())
                {
                    switch (operation)
                    {
                        case IVariableDeclaratorOperation declarator when (declarator.Initializer ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer) is { } initializer:
                            AddOrigin(declarator.Symbol, initializer.Value);
                            break;
                        case IDeclarationPatternOperation { DeclaredSymbol: ILocalSymbol declared } pattern when pattern.Parent is IIsPatternOperation isPattern:
                            AddOrigin(declared, isPattern.Value);
                            break;
                        case IRecursivePatternOperation { DeclaredSymbol: ILocalSymbol declared } pattern when pattern.Parent is IIsPatternOperation isPattern:
                            AddOrigin(declared, isPattern.Value);
                            break;
                        case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment:
                            AddOrigin(target.Local, assignment.Value);
                            break;
                    }
                }
            }

            return _localOrigins.TryGetValue(local, out var found) ? found : null;
        }

        private void AddOrigin(ILocalSymbol local, IOperation value)
        {
            // Assigned more than once: no single origin.
            _localOrigins![local] = _localOrigins.ContainsKey(local) ? null : value;
        }

        private HashSet<IParameterSymbol> CollectAssigned()
        {
            var assigned = new HashSet<IParameterSymbol>(SymbolEqualityComparer.Default);
            foreach (var operation in Info.Body.Descendants())
            {
                IOperation? target = operation switch
                {
                    IAssignmentOperation assignment => assignment.Target,
                    IIncrementOrDecrementOperation increment => increment.Target,
                    IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument when !IsSelfCall(argument.Parent) => argument.Value,
                    _ => null,
                };

                AddAssigned(target, assigned);
            }

            return assigned;
        }

        /// <summary>A parameter is reassigned when it is the target, or an element of a deconstruction target (not when a member of it is set).</summary>
        private static void AddAssigned(IOperation? target, HashSet<IParameterSymbol> assigned)
        {
            switch (target)
            {
                case IParameterReferenceOperation reference:
                    assigned.Add(reference.Parameter);
                    break;
                case ITupleOperation tuple:
                    foreach (var element in tuple.Elements)
                    {
                        AddAssigned(element, assigned);
                    }

                    break;
                case IConversionOperation conversion:
                    AddAssigned(conversion.Operand, assigned);
                    break;
            }
        }

        private bool IsSelfCall(IOperation? operation) =>
            operation is IInvocationOperation invocation &&
            SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.OriginalDefinition, Info.Method.OriginalDefinition);
    }
}
