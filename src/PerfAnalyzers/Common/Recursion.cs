using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.Common;

/// <summary>One direct self-call found by <see cref="Recursion.TryAnalyze"/>.</summary>
internal sealed class SelfCall
{
    public SelfCall(IInvocationOperation invocation, bool isTail, bool halves, bool steps)
    {
        Invocation = invocation;
        IsTail = isTail;
        Halves = halves;
        Steps = steps;
    }

    public IInvocationOperation Invocation { get; }

    /// <summary>Nothing is done with the result: <c>return F(..)</c> (also through <c>?:</c> branches, the right of <c>??</c> and switch-expression arms), or a statement call that is the last action of a method returning nothing.</summary>
    public bool IsTail { get; }

    /// <summary>An argument halves (<c>/ k</c>, <c>&gt;&gt; k</c>, or a local computed that way, such as a midpoint): logarithmic depth.</summary>
    public bool Halves { get; }

    /// <summary>An argument is a parameter plus or minus a constant (<c>n - 1</c>, <c>i + 1</c>).</summary>
    public bool Steps { get; }
}

/// <summary>What <see cref="Recursion.TryAnalyze"/> learned about the direct recursion of one method or local function.</summary>
internal sealed class RecursionInfo
{
    public RecursionInfo(IMethodSymbol method, IBlockOperation body, ImmutableArray<SelfCall> calls, bool isLinear)
    {
        Method = method;
        Body = body;
        Calls = calls;
        IsLinear = isLinear;
    }

    public IMethodSymbol Method { get; }

    public IBlockOperation Body { get; }

    /// <summary>Every direct self-call in the body (nested lambdas and local functions excluded), halving ones included.</summary>
    public ImmutableArray<SelfCall> Calls { get; }

    /// <summary>
    /// The depth grows linearly with the input: at most one non-halving self-call runs per invocation (calls in
    /// mutually exclusive branches count as one), or every non-halving call steps a parameter by a constant
    /// (<c>F(n - 1) + F(n - 2)</c>). Otherwise the recursion is tree recursion (depth = height of the tree).
    /// </summary>
    public bool IsLinear { get; }
}

/// <summary>
/// Finds direct recursion: calls from a method (or local function) to itself, including the same instance method on
/// another receiver (<c>node.Next.Count()</c>). Calls to overloads, base implementations, delegates, from nested lambdas
/// or local functions, and mutual recursion are not direct recursion. Iterators are skipped (a call creates an
/// enumerator, it does not recurse).
/// </summary>
internal static class Recursion
{
    /// <summary>Analyzes the body of a method (<see cref="IMethodBodyOperation"/>) or local function (<see cref="ILocalFunctionOperation"/>).</summary>
    public static bool TryAnalyze(IOperation methodOrLocalFunction, IMethodSymbol? method, out RecursionInfo info)
    {
        info = null!;
        IBlockOperation? body = methodOrLocalFunction switch
        {
            IMethodBodyOperation methodBody => methodBody.BlockBody ?? methodBody.ExpressionBody,
            ILocalFunctionOperation localFunction => localFunction.Body,
            _ => null,
        };

        if (methodOrLocalFunction is ILocalFunctionOperation lf)
        {
            method = lf.Symbol;
        }

        if (body is null || method is null || method.MethodKind is not (MethodKind.Ordinary or MethodKind.LocalFunction))
        {
            return false;
        }

        // Cheaper still (cost, issue #18): a body whose text never spells the name cannot call the method.
        if (!MaySpellName(body.Syntax, method.Name))
        {
            return false;
        }

        // Cheap pass: invocations with the method's name, not inside nested functions; bail out on iterators.
        List<IInvocationOperation>? candidates = null;
        if (!CollectCandidates(body, method.Name, ref candidates) || candidates is null)
        {
            return false;
        }

        var definition = method.OriginalDefinition;
        var calls = ImmutableArray.CreateBuilder<SelfCall>();
        HashSet<IOperation>? counted = null;
        Dictionary<ILocalSymbol, bool>? halvingLocals = null;
        var allStep = true;
        foreach (var invocation in candidates)
        {
            if (!SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.OriginalDefinition, definition))
            {
                continue;
            }

            halvingLocals ??= CollectHalvingLocals(body);
            var halves = false;
            var steps = false;
            foreach (var argument in invocation.Arguments)
            {
                halves |= Halves(argument.Value, halvingLocals);
                steps |= Steps(argument.Value, method);
            }

            var call = new SelfCall(invocation, IsTailValue(invocation, method, body), halves, steps);
            calls.Add(call);
            if (!halves)
            {
                (counted ??= new HashSet<IOperation>()).Add(invocation);
                allStep &= steps;
            }
        }

        if (calls.Count == 0)
        {
            return false;
        }

        var isLinear = counted is null || allStep || MaxCallsPerPath(body, counted) <= 1;
        info = new RecursionInfo(method, body, calls.ToImmutable(), isLinear);
        return true;
    }

    /// <summary>
    /// False only when no call in <paramref name="body"/> can target a method named <paramref name="name"/>: a call is
    /// written with the name, so the body's text must hold it, unless it is written with a Unicode escape (any backslash
    /// in the text: true) or the compiler calls it without the name being written (a collection initializer's
    /// <c>Add</c>, a query clause's <c>Select</c>, ...: those names always give true). Saves the walk over every
    /// operation of the body for the methods that cannot recurse (most of PERF004/PERF005's time).
    /// </summary>
    private static bool MaySpellName(SyntaxNode body, string name)
    {
        if (ImplicitlyCalledNames.Contains(name))
        {
            return true;
        }

        var text = body.SyntaxTree.GetText().ToString(body.Span);
        return text.IndexOf('\\') >= 0 || text.IndexOf(name, StringComparison.Ordinal) >= 0;
    }

    /// <summary>Methods C# calls without their name in the source: collection initializers, query clauses, interpolated string handlers.</summary>
    private static readonly HashSet<string> ImplicitlyCalledNames = new(StringComparer.Ordinal)
    {
        "Add", "Select", "SelectMany", "Where", "Join", "GroupJoin", "GroupBy", "OrderBy", "OrderByDescending", "ThenBy", "ThenByDescending", "Cast",
        "AppendLiteral", "AppendFormatted",
        // Not seen as invocations today, kept on the safe side: pattern-based calls.
        "Dispose", "DisposeAsync", "GetEnumerator", "GetAsyncEnumerator", "MoveNext", "MoveNextAsync", "Deconstruct", "GetAwaiter", "GetResult", "Slice", "GetPinnableReference", "Invoke",
    };

    private static bool CollectCandidates(IOperation operation, string name, ref List<IInvocationOperation>? candidates)
    {
        foreach (var child in operation.ChildOperations)
        {
            switch (child)
            {
                case IAnonymousFunctionOperation:
                case ILocalFunctionOperation:
                    continue;
                case IReturnOperation { Kind: OperationKind.YieldReturn or OperationKind.YieldBreak }:
                    return false;
                case IInvocationOperation invocation when invocation.TargetMethod.Name == name:
                    (candidates ??= new List<IInvocationOperation>()).Add(invocation);
                    break;
            }

            if (!CollectCandidates(child, name, ref candidates))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when the value of <paramref name="operation"/> is returned as is, or it is the last action of a method returning nothing.</summary>
    internal static bool IsTailValue(IOperation operation, IMethodSymbol method, IBlockOperation body)
    {
        while (true)
        {
            var parent = operation.Parent;
            switch (parent)
            {
                case IConversionOperation { IsImplicit: true } conversion when conversion.Conversion.IsIdentity:
                    operation = conversion;
                    continue;
                case IReturnOperation { Kind: OperationKind.Return }:
                    return true;
                case IConditionalOperation conditional when !ReferenceEquals(conditional.Condition, operation) && conditional.WhenFalse is not null && conditional.Type is not null:
                    operation = conditional;
                    continue;
                case ICoalesceOperation coalesce when ReferenceEquals(coalesce.WhenNull, operation):
                    operation = coalesce;
                    continue;
                case ISwitchExpressionArmOperation arm when ReferenceEquals(arm.Value, operation) && arm.Parent is not null:
                    operation = arm.Parent;
                    continue;
                case IAwaitOperation awaitOperation when method.IsAsync:
                    operation = awaitOperation;
                    continue;
                case IExpressionStatementOperation statement when ReturnsNothing(method):
                    return IsTailStatement(statement, body);
                default:
                    return false;
            }
        }
    }

    private static bool ReturnsNothing(IMethodSymbol method)
    {
        if (method.ReturnsVoid)
        {
            return true;
        }

        // async Task / ValueTask: the awaited call is the last action.
        return method.IsAsync && method.ReturnType is INamedTypeSymbol { IsGenericType: false, Name: "Task" or "ValueTask" };
    }

    private static bool IsTailStatement(IOperation statement, IBlockOperation body)
    {
        while (!ReferenceEquals(statement, body))
        {
            var parent = statement.Parent;
            switch (parent)
            {
                case IBlockOperation block:
                    var operations = block.Operations;
                    var index = operations.IndexOf(statement);
                    if (index < 0)
                    {
                        return false;
                    }

                    if (index + 1 < operations.Length)
                    {
                        return operations[index + 1] is IReturnOperation { Kind: OperationKind.Return, ReturnedValue: null };
                    }

                    break;
                case IConditionalOperation conditional when !ReferenceEquals(conditional.Condition, statement) && conditional.Type is null:
                case ILabeledOperation:
                case ITryOperation { Finally: null } tryOperation when ReferenceEquals(tryOperation.Body, statement):
                case IUsingOperation usingOperation when ReferenceEquals(usingOperation.Body, statement):
                case ILockOperation lockOperation when ReferenceEquals(lockOperation.Body, statement):
                    break;
                default:
                    return false;
            }

            statement = parent;
        }

        return true;
    }

    /// <summary>The largest number of counted calls that one execution of <paramref name="operation"/> can make; loops count as many.</summary>
    internal static int MaxCallsPerPath(IOperation operation, HashSet<IOperation> counted)
    {
        switch (operation)
        {
            case IAnonymousFunctionOperation:
            case ILocalFunctionOperation:
                return 0;
            case IBlockOperation block:
                return MaxCallsInSequence(block.Operations, counted);
            case IConditionalOperation conditional:
                return MaxCallsPerPath(conditional.Condition, counted) + Max(
                    MaxCallsPerPath(conditional.WhenTrue, counted),
                    conditional.WhenFalse is null ? 0 : MaxCallsPerPath(conditional.WhenFalse, counted));
            case ISwitchOperation switchOperation:
            {
                var most = 0;
                foreach (var section in switchOperation.Cases)
                {
                    most = Max(most, MaxCallsInSequence(section.Body, counted));
                }

                return MaxCallsPerPath(switchOperation.Value, counted) + most;
            }

            case ISwitchExpressionOperation switchExpression:
            {
                var most = 0;
                foreach (var arm in switchExpression.Arms)
                {
                    most = Max(most, (arm.Guard is null ? 0 : MaxCallsPerPath(arm.Guard, counted)) + MaxCallsPerPath(arm.Value, counted));
                }

                return MaxCallsPerPath(switchExpression.Value, counted) + most;
            }

            case ILoopOperation loop:
            {
                var inside = SumChildren(loop, counted);
                return inside == 0 ? 0 : inside + 1;
            }

            default:
                return (counted.Contains(operation) ? 1 : 0) + SumChildren(operation, counted);
        }
    }

    private static int SumChildren(IOperation operation, HashSet<IOperation> counted)
    {
        var sum = 0;
        foreach (var child in operation.ChildOperations)
        {
            sum += MaxCallsPerPath(child, counted);
        }

        return sum;
    }

    /// <summary>Statements run in order; a branch that always exits ends its own path (<c>if (..) return F(..); return G(F(..));</c> makes one call per path).</summary>
    private static int MaxCallsInSequence(ImmutableArray<IOperation> statements, HashSet<IOperation> counted)
    {
        var running = 0;
        var best = 0;
        foreach (var statement in statements)
        {
            if (statement is IConditionalOperation { Type: null } conditional)
            {
                var condition = MaxCallsPerPath(conditional.Condition, counted);
                var whenTrue = MaxCallsPerPath(conditional.WhenTrue, counted);
                var whenFalse = conditional.WhenFalse is null ? 0 : MaxCallsPerPath(conditional.WhenFalse, counted);
                var trueExits = AlwaysExits(conditional.WhenTrue);
                var falseExits = conditional.WhenFalse is not null && AlwaysExits(conditional.WhenFalse);
                running += condition;
                if (trueExits && falseExits)
                {
                    return Max(best, running + Max(whenTrue, whenFalse));
                }

                if (trueExits)
                {
                    best = Max(best, running + whenTrue);
                    running += whenFalse;
                }
                else if (falseExits)
                {
                    best = Max(best, running + whenFalse);
                    running += whenTrue;
                }
                else
                {
                    running += Max(whenTrue, whenFalse);
                }

                continue;
            }

            running += MaxCallsPerPath(statement, counted);
            if (AlwaysExits(statement))
            {
                return Max(best, running);
            }
        }

        return Max(best, running);
    }

    internal static bool AlwaysExits(IOperation statement) => statement switch
    {
        IReturnOperation { Kind: OperationKind.Return } => true,
        IThrowOperation => true,
        IExpressionStatementOperation { Operation: IThrowOperation } => true,
        IBranchOperation => true,
        IBlockOperation { Operations.Length: > 0 } block => AlwaysExits(block.Operations[block.Operations.Length - 1]),
        IConditionalOperation { Type: null, WhenFalse: not null } conditional => AlwaysExits(conditional.WhenTrue) && AlwaysExits(conditional.WhenFalse),
        _ => false,
    };

    private static int Max(int a, int b) => a > b ? a : b;

    private static Dictionary<ILocalSymbol, bool> CollectHalvingLocals(IBlockOperation body)
    {
        var locals = new Dictionary<ILocalSymbol, bool>(SymbolEqualityComparer.Default);

        // Two passes so that a local computed from a halving local (mid, then mid + 1) is found in order.
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var operation in body.Descendants())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when (declarator.Initializer ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer) is { } initializer:
                        if (Halves(initializer.Value, locals))
                        {
                            locals[declarator.Symbol] = true;
                        }

                        break;
                    case ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment when Halves(assignment.Value, locals):
                        locals[target.Local] = true;
                        break;
                }
            }
        }

        return locals;
    }

    private static bool Halves(IOperation value, Dictionary<ILocalSymbol, bool> halvingLocals)
    {
        switch (value)
        {
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } divide when IsConstantAtLeast(divide.RightOperand, 2):
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.RightShift } shift when IsConstantAtLeast(shift.RightOperand, 1):
                return true;
            case ILocalReferenceOperation local when halvingLocals.ContainsKey(local.Local):
                return true;
            case IAnonymousFunctionOperation:
                return false;
        }

        foreach (var child in value.ChildOperations)
        {
            if (Halves(child, halvingLocals))
            {
                return true;
            }
        }

        return false;
    }

    internal static bool IsConstantAtLeast(IOperation operation, double minimum)
    {
        var constant = operation.ConstantValue;
        if (!constant.HasValue || constant.Value is null)
        {
            return false;
        }

        switch (constant.Value)
        {
            case int i: return i >= minimum;
            case long l: return l >= minimum;
            case uint ui: return ui >= minimum;
            case ulong ul: return ul >= minimum;
            case short s: return s >= minimum;
            case ushort us: return us >= minimum;
            case byte b: return b >= minimum;
            case sbyte sb: return sb >= minimum;
            case double d: return d >= minimum;
            case float f: return f >= minimum;
            case decimal m: return m >= (decimal)minimum;
            default: return false;
        }
    }

    private static bool Steps(IOperation value, IMethodSymbol method)
    {
        value = Loops.Unwrap(value);
        if (value is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract } binary)
        {
            return false;
        }

        var left = Loops.Unwrap(binary.LeftOperand);
        var right = Loops.Unwrap(binary.RightOperand);
        return (IsParameterOf(left, method) && right.ConstantValue.HasValue) ||
               (binary.OperatorKind == BinaryOperatorKind.Add && IsParameterOf(right, method) && left.ConstantValue.HasValue);
    }

    private static bool IsParameterOf(IOperation operation, IMethodSymbol method) =>
        operation is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter.ContainingSymbol, method);
}
