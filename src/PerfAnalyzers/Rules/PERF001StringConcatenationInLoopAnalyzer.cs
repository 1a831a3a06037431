using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using PerfAnalyzers.Common;

namespace PerfAnalyzers.Rules;

/// <summary>
/// PERF001: a string that lives across loop iterations is grown by concatenation inside the loop (<c>x += e</c>,
/// <c>x = x + e</c>, <c>x = e + x</c>, <c>x = $"{x}..."</c>, <c>x = string.Concat(x, ...)</c>,
/// <c>x = string.Format("{0}...", x, ...)</c>), or
/// <c>Enumerable.Aggregate</c> builds a string by concatenating to its accumulator. Each step copies the whole string: O(n²).
/// </summary>
[DiagnosticAnalyzer(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
public sealed class PERF001StringConcatenationInLoopAnalyzer : DiagnosticAnalyzer
{
    internal const string RuleId = "PERF001";
    internal const string MaxConstantIterationsOption = "max_constant_iterations";
    internal const int DefaultMaxConstantIterations = 8;

    /// <summary>Diagnostic property telling the fix which shape was found.</summary>
    internal const string KindProperty = "Kind";
    internal const string KindAppend = "Append";
    internal const string KindAggregate = "Aggregate";

    /// <summary>Diagnostic property: <c>Indexer</c> when the grown string is an indexer with constant arguments (<c>totals["all"]</c>).</summary>
    internal const string TargetProperty = "Target";
    internal const string TargetIndexer = "Indexer";

    /// <summary>
    /// Diagnostic property: <c>Branch</c> when the string reads itself only inside a <c>?:</c>, <c>??</c> or
    /// <c>switch</c> operand (<c>s = "a" + (s == null ? "" : s)</c>), not as a plain operand of the concatenation.
    /// </summary>
    internal const string SelfProperty = "Self";
    internal const string SelfInBranch = "Branch";

    private static readonly ImmutableDictionary<string, string?> AppendProperties = ImmutableDictionary<string, string?>.Empty.Add(KindProperty, KindAppend);
    private static readonly ImmutableDictionary<string, string?> AggregateProperties = ImmutableDictionary<string, string?>.Empty.Add(KindProperty, KindAggregate);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.PERF001StringConcatenationInLoop);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        // Generated code is not analysed (the driver skips it); ReportDiagnostics spares the per-tree [GeneratedCode] lookup on
        // the first diagnostic of each tree. The diagnostics lie in the analysed operation, so the same are reported (issue #18).
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.RegisterCompilationStartAction(start =>
        {
            var compilation = start.Compilation;
            if (compilation.GetSpecialType(SpecialType.System_String).TypeKind == TypeKind.Error)
            {
                return;
            }

            var types = new KnownTypes(
                compilation.GetTypeByMetadataName("System.Collections.Generic.List`1"),
                compilation.GetSpecialType(SpecialType.System_Array),
                compilation.GetTypeByMetadataName("System.Linq.Enumerable"));

            start.RegisterOperationAction(c => AnalyzeAssignment(c, types), OperationKind.CompoundAssignment, OperationKind.SimpleAssignment);
            if (types.Enumerable is not null)
            {
                start.RegisterOperationAction(c => AnalyzeInvocation(c, types), OperationKind.Invocation);
            }
        });
    }

    internal sealed class KnownTypes
    {
        public KnownTypes(INamedTypeSymbol? list, INamedTypeSymbol? array, INamedTypeSymbol? enumerable)
        {
            List = list;
            Array = array;
            Enumerable = enumerable;
            IsPerElementCall = IsPerElementCallCore;
        }

        public INamedTypeSymbol? List { get; }

        public INamedTypeSymbol? Array { get; }

        public INamedTypeSymbol? Enumerable { get; }

        /// <summary><c>List&lt;T&gt;.ForEach(action)</c> and <c>Array.ForEach(array, action)</c>: the lambda runs once per element.</summary>
        public Func<IInvocationOperation, bool> IsPerElementCall { get; }

        private bool IsPerElementCallCore(IInvocationOperation invocation)
        {
            var method = invocation.TargetMethod;
            if (method.Name == "Select")
            {
                return IsMaterialisedSelect(invocation, Enumerable);
            }

            if (method.Name != "ForEach")
            {
                return false;
            }

            var type = method.ContainingType.OriginalDefinition;
            return SymbolEqualityComparer.Default.Equals(type, List) || SymbolEqualityComparer.Default.Equals(type, Array);
        }
    }

    /// <summary>
    /// <c>Enumerable.Select(source, selector)</c> whose result goes straight into <c>ToList()</c> or <c>ToArray()</c>: the
    /// selector runs once per element, there and then (a captured accumulator, <c>items.Select(i =&gt; { s += i; .. }).ToList()</c>,
    /// is a loop). A Select that is returned, stored or enumerated later is lazy and is not counted.
    /// </summary>
    internal static bool IsMaterialisedSelect(IInvocationOperation invocation, INamedTypeSymbol? enumerable)
    {
        if (enumerable is null || !SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType.OriginalDefinition, enumerable) ||
            invocation.Arguments.Length != 2)
        {
            return false;
        }

        IOperation current = invocation;
        while (current.Parent is IConversionOperation { IsImplicit: true } conversion)
        {
            current = conversion;
        }

        return current.Parent is IArgumentOperation { Parent: IInvocationOperation { TargetMethod.Name: "ToList" or "ToArray" } materialise } argument &&
               materialise.Arguments.Length == 1 && ReferenceEquals(materialise.Arguments[0], argument) &&
               SymbolEqualityComparer.Default.Equals(materialise.TargetMethod.ContainingType.OriginalDefinition, enumerable);
    }

    private static void AnalyzeAssignment(OperationAnalysisContext context, KnownTypes types)
    {
        var threshold = RuleOptions.GetInt32(context.Options, context.Operation.Syntax.SyntaxTree, RuleId, MaxConstantIterationsOption, DefaultMaxConstantIterations, min: 0);
        if (!IsReportedAppend(context.Operation, types, threshold, out var target, out var symbol, out var loop) ||
            !IsFirstAppendOfItsLoop(context.Operation, symbol, target, loop, types, threshold))
        {
            return;
        }

        var properties = AppendProperties;
        var name = symbol.Name;
        if (target is IPropertyReferenceOperation { Property.IsIndexer: true })
        {
            properties = properties.Add(TargetProperty, TargetIndexer);
            name = target.Syntax.ToString();
        }

        if (context.Operation is ISimpleAssignmentOperation simple && SelfOnlyInBranch(Loops.Unwrap(simple.Value), target))
        {
            properties = properties.Add(SelfProperty, SelfInBranch);
        }

        var descriptor = Descriptors.PERF001StringConcatenationInLoop;
        var severity = TestProjects.LowerInTestCode(descriptor.DefaultSeverity, context.Options, context.Operation.Syntax.SyntaxTree, context.ContainingSymbol);
        if (loop.Loop is IForEachLoopOperation { Collection: var collection } && ReflectionMembers.IsMembersOfOneType(collection))
        {
            // The members of one type: a count fixed by the code (issue #18 section 2).
            severity = DiagnosticSeverity.Info;
        }

        context.ReportDiagnostic(Diagnostic.Create(descriptor, context.Operation.Syntax.GetLocation(), severity, null, properties, name, "in a loop", "use a StringBuilder"));
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, KnownTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (!TryMatchStringAggregate(invocation, types.Enumerable, out var lambda, out _))
        {
            return;
        }

        // A source with a small constant count (new[] { a, b }.Aggregate(...)) is not worth reporting, as for loops.
        var threshold = RuleOptions.GetInt32(context.Options, invocation.Syntax.SyntaxTree, RuleId, MaxConstantIterationsOption, DefaultMaxConstantIterations, min: 0);
        var membersOfOneType = false;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Ordinal == 0 && Loops.TryGetCollectionCount(argument.Value, out var count) && count <= threshold)
            {
                return;
            }

            membersOfOneType |= argument.Parameter?.Ordinal == 0 && ReflectionMembers.IsMembersOfOneType(argument.Value);
        }

        var syntax = invocation.Syntax;
        var start = syntax.SpanStart;
        if (syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax memberAccess })
        {
            start = memberAccess.Name.SpanStart;
        }

        var location = Location.Create(syntax.SyntaxTree, TextSpan.FromBounds(start, syntax.Span.End));
        var descriptor = Descriptors.PERF001StringConcatenationInLoop;
        var severity = membersOfOneType
            ? DiagnosticSeverity.Info
            : TestProjects.LowerInTestCode(descriptor.DefaultSeverity, context.Options, syntax.SyntaxTree, context.ContainingSymbol);
        context.ReportDiagnostic(Diagnostic.Create(
            descriptor, location, severity, null, AggregateProperties, lambda.Symbol.Parameters[0].Name, "in Aggregate", "use string.Join, string.Concat or a StringBuilder"));
    }

    /// <summary>
    /// <c>Enumerable.Aggregate</c> whose accumulator is a string and whose lambda returns a concatenation containing the
    /// accumulator (<c>(acc, s) =&gt; acc + ...</c>).
    /// </summary>
    internal static bool TryMatchStringAggregate(IInvocationOperation invocation, INamedTypeSymbol? enumerable, out IAnonymousFunctionOperation lambda, out IOperation returned)
    {
        lambda = null!;
        returned = null!;
        var method = invocation.TargetMethod;
        if (method.Name != "Aggregate" || enumerable is null || !SymbolEqualityComparer.Default.Equals(method.ContainingType, enumerable))
        {
            return false;
        }

        var accumulatorType = method.TypeArguments.Length == 1 ? method.TypeArguments[0] : method.TypeArguments.Length > 1 ? method.TypeArguments[1] : null;
        if (accumulatorType?.SpecialType != SpecialType.System_String)
        {
            return false;
        }

        IOperation? func = null;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name == "func")
            {
                func = argument.Value;
            }
        }

        while (func is IConversionOperation or IDelegateCreationOperation)
        {
            func = func is IConversionOperation conversion ? conversion.Operand : ((IDelegateCreationOperation)func).Target;
        }

        if (func is not IAnonymousFunctionOperation anonymous || anonymous.Symbol.Parameters.Length != 2 ||
            anonymous.Body.Operations.Length != 1 || anonymous.Body.Operations[0] is not IReturnOperation { ReturnedValue: { } value })
        {
            return false;
        }

        var accumulator = anonymous.Symbol.Parameters[0];
        value = Loops.Unwrap(value);
        if (!GrowsItself(value, null, accumulator))
        {
            return false;
        }

        lambda = anonymous;
        returned = value;
        return true;
    }

    /// <summary>
    /// Matches an assignment that grows a string by concatenating it with something: <c>x += e</c>, <c>x = x + e</c>,
    /// <c>x = e + x</c>, <c>x = $"{x}..."</c>, <c>x = string.Concat(x, ...)</c>, where x is a local, parameter, field or
    /// property (not an indexer or array element).
    /// </summary>
    internal static bool TryMatchAppend(IOperation operation, out IOperation target, out ISymbol symbol)
    {
        symbol = null!;
        switch (operation)
        {
            case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } compound
                when compound.Target.Type?.SpecialType == SpecialType.System_String:
                target = compound.Target;
                return TryGetVariable(target, out symbol);

            case ISimpleAssignmentOperation simple when simple.Target.Type?.SpecialType == SpecialType.System_String && !simple.IsRef:
                target = simple.Target;
                if (!TryGetVariable(target, out symbol))
                {
                    return false;
                }

                return GrowsItself(Loops.Unwrap(simple.Value), target, null);

            default:
                target = null!;
                return false;
        }
    }

    /// <summary>
    /// True when <paramref name="value"/> is a concatenation (binary, interpolated or string.Concat) with an operand
    /// that is <paramref name="self"/> (the same variable) or a reference to <paramref name="accumulator"/>.
    /// </summary>
    private static bool GrowsItself(IOperation value, IOperation? self, IParameterSymbol? accumulator)
    {
        if (StringConcatenation.IsConcatenation(value))
        {
            return HasSelfOperand(value, self, accumulator);
        }

        if (value is IInterpolatedStringOperation interpolated)
        {
            foreach (var part in interpolated.Parts)
            {
                if (part is IInterpolationOperation interpolation && IsSelf(interpolation.Expression, self, accumulator))
                {
                    return true;
                }
            }

            return false;
        }

        if (StringConcatenation.IsStringConcatCall(value))
        {
            var operands = new List<IOperation>();
            if (StringConcatenation.TryGetConcatOperands((IInvocationOperation)value, operands))
            {
                foreach (var operand in operands)
                {
                    if (IsSelf(operand, self, accumulator))
                    {
                        return true;
                    }
                }
            }
        }

        // s = string.Format("{0}, {1}", s, x): a constant format that places the string's own value.
        if (value is IInvocationOperation format && StringFormat.IsStringFormat(format) &&
            StringFormat.TryGetParts(format, out _, out var formatText, out var arguments))
        {
            for (var i = 0; i < arguments.Count; i++)
            {
                if (IsDirectSelf(arguments[i], self, accumulator) && StringFormat.References(formatText, arguments.Count, i))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool HasSelfOperand(IOperation operation, IOperation? self, IParameterSymbol? accumulator)
    {
        if (StringConcatenation.IsConcatenation(operation))
        {
            var binary = (IBinaryOperation)operation;
            return HasSelfOperand(binary.LeftOperand, self, accumulator) || HasSelfOperand(binary.RightOperand, self, accumulator);
        }

        return IsSelf(operation, self, accumulator);
    }

    private static bool IsSelf(IOperation operand, IOperation? self, IParameterSymbol? accumulator) =>
        IsDirectSelf(operand, self, accumulator) || IsSelfInBranch(Loops.Unwrap(operand), self, accumulator, 0);

    private static bool IsDirectSelf(IOperation operand, IOperation? self, IParameterSymbol? accumulator)
    {
        operand = Loops.Unwrap(operand);
        return self is not null
            ? IsSameVariable(operand, self)
            : operand is IParameterReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Parameter, accumulator);
    }

    /// <summary>
    /// The variable as a possible value of a <c>?:</c> branch, a <c>??</c> operand or a <c>switch</c> arm
    /// (<c>"a" + (s == null ? "" : s)</c>, <c>(s ?? "") + x</c>): the result still copies the whole string.
    /// </summary>
    private static bool IsSelfInBranch(IOperation operand, IOperation? self, IParameterSymbol? accumulator, int depth)
    {
        if (depth > 3)
        {
            return false;
        }

        switch (operand)
        {
            case IConditionalOperation { WhenFalse: { } whenFalse } conditional:
                return IsSelfOrConcatenationOfSelf(conditional.WhenTrue, self, accumulator, depth) || IsSelfOrConcatenationOfSelf(whenFalse, self, accumulator, depth);
            case ICoalesceOperation coalesce:
                return IsSelfOrConcatenationOfSelf(coalesce.Value, self, accumulator, depth) || IsSelfOrConcatenationOfSelf(coalesce.WhenNull, self, accumulator, depth);
            case ISwitchExpressionOperation switchExpression:
                foreach (var arm in switchExpression.Arms)
                {
                    if (IsSelfOrConcatenationOfSelf(arm.Value, self, accumulator, depth))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    private static bool IsSelfOrConcatenationOfSelf(IOperation branch, IOperation? self, IParameterSymbol? accumulator, int depth)
    {
        branch = Loops.Unwrap(branch);
        if (IsDirectSelf(branch, self, accumulator))
        {
            return true;
        }

        if (StringConcatenation.IsConcatenation(branch))
        {
            var binary = (IBinaryOperation)branch;
            return IsSelfOrConcatenationOfSelf(binary.LeftOperand, self, accumulator, depth + 1) ||
                   IsSelfOrConcatenationOfSelf(binary.RightOperand, self, accumulator, depth + 1);
        }

        return IsSelfInBranch(branch, self, accumulator, depth + 1);
    }

    /// <summary>True when the concatenation reads the variable only inside a branch operand, never directly.</summary>
    private static bool SelfOnlyInBranch(IOperation value, IOperation self)
    {
        var operands = new List<IOperation>();
        if (StringConcatenation.IsConcatenation(value))
        {
            StringConcatenation.AddOperands(value, operands);
        }
        else if (value is IInterpolatedStringOperation interpolated)
        {
            foreach (var part in interpolated.Parts)
            {
                if (part is IInterpolationOperation interpolation)
                {
                    operands.Add(interpolation.Expression);
                }
            }
        }
        else if (!StringConcatenation.IsStringConcatCall(value) || !StringConcatenation.TryGetConcatOperands((IInvocationOperation)value, operands))
        {
            return false;
        }

        foreach (var operand in operands)
        {
            if (IsDirectSelf(operand, self, null))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The condition of the <c>while</c>/<c>do</c>/<c>for</c> loop reads the variable.</summary>
    private static bool ConditionReads(in LoopContext loop, IOperation target)
    {
        var condition = loop.Loop switch
        {
            IWhileLoopOperation whileLoop => whileLoop.Condition,
            IForLoopOperation forLoop => forLoop.Condition,
            _ => null,
        };

        if (condition is null)
        {
            return false;
        }

        foreach (var operation in condition.DescendantsAndSelf())
        {
            if (IsSameVariable(operation, target))
            {
                return true;
            }

            // while (File.Exists(lnk)) { name += "1"; lnk = Path.Combine(dir, name + ext); }: the condition reads a
            // local (or a parameter: jellyfin's EnsureFileUnique(path, ...)) the body derives from the string.
            if ((operation is ILocalReferenceOperation local && IsDerivedInBody(loop.Body, local.Local, target)) ||
                (operation is IParameterReferenceOperation parameter && IsDerivedInBody(loop.Body, parameter.Parameter, target)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsDerivedInBody(IOperation body, ISymbol local, IOperation target)
    {
        foreach (var operation in body.Descendants())
        {
            if (operation is ISimpleAssignmentOperation assignment &&
                assignment.Target switch
                {
                    ILocalReferenceOperation assigned => SymbolEqualityComparer.Default.Equals(assigned.Local, local),
                    IParameterReferenceOperation assigned => SymbolEqualityComparer.Default.Equals(assigned.Parameter, local),
                    _ => false,
                })
            {
                foreach (var part in assignment.Value.DescendantsAndSelf())
                {
                    if (IsSameVariable(part, target))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>A local, parameter, field or parameterless property reference.</summary>
    internal static bool TryGetVariable(IOperation reference, out ISymbol symbol)
    {
        switch (reference)
        {
            case ILocalReferenceOperation local:
                symbol = local.Local;
                return true;
            case IParameterReferenceOperation parameter:
                symbol = parameter.Parameter;
                return true;
            case IFieldReferenceOperation field:
                symbol = field.Field;
                return true;
            case IPropertyReferenceOperation { Arguments.Length: 0 } property:
                symbol = property.Property;
                return true;
            case IPropertyReferenceOperation { Property.IsIndexer: true } indexer when HasConstantArguments(indexer):
                // totals["all"]: one slot, grown like a variable.
                symbol = indexer.Property;
                return true;
            default:
                symbol = null!;
                return false;
        }
    }

    private static bool HasConstantArguments(IPropertyReferenceOperation indexer)
    {
        foreach (var argument in indexer.Arguments)
        {
            if (!argument.Value.ConstantValue.HasValue)
            {
                return false;
            }
        }

        return indexer.Arguments.Length > 0;
    }

    private static bool SameConstantArguments(IPropertyReferenceOperation left, IPropertyReferenceOperation right)
    {
        if (left.Arguments.Length != right.Arguments.Length)
        {
            return false;
        }

        for (var i = 0; i < left.Arguments.Length; i++)
        {
            if (!Equals(left.Arguments[i].Value.ConstantValue.Value, right.Arguments[i].Value.ConstantValue.Value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when both operations denote the same storage: same symbol, and for members the same instance.</summary>
    internal static bool IsSameVariable(IOperation left, IOperation right)
    {
        left = Loops.Unwrap(left);
        right = Loops.Unwrap(right);
        if (!TryGetVariable(left, out var leftSymbol) || !TryGetVariable(right, out var rightSymbol) ||
            !SymbolEqualityComparer.Default.Equals(leftSymbol, rightSymbol))
        {
            return false;
        }

        if (left is IPropertyReferenceOperation { Property.IsIndexer: true } leftIndexer &&
            (right is not IPropertyReferenceOperation rightIndexer || !SameConstantArguments(leftIndexer, rightIndexer)))
        {
            return false;
        }

        var leftInstance = (left as IMemberReferenceOperation)?.Instance;
        var rightInstance = (right as IMemberReferenceOperation)?.Instance;
        if (leftInstance is null || rightInstance is null)
        {
            return leftInstance is null && rightInstance is null;
        }

        if (leftInstance is IInstanceReferenceOperation && rightInstance is IInstanceReferenceOperation)
        {
            return true;
        }

        return IsSameVariable(leftInstance, rightInstance);
    }

    /// <summary>An append to a string that lives across the iterations of an unbounded repetition (what this rule reports).</summary>
    private static bool IsReportedAppend(IOperation operation, KnownTypes types, int threshold, out IOperation target, out ISymbol symbol, out LoopContext loop)
    {
        loop = default;
        if (!TryMatchAppend(operation, out target, out symbol) ||
            !Loops.TryGetEnclosingLoop(operation, types.IsPerElementCall, out loop) || !SpansIterations(loop, target))
        {
            return false;
        }

        // A probe loop (while (File.Exists(path)) path += "_1";) reads the whole string every iteration in its
        // condition: a StringBuilder cannot help, and the loop ends after a few steps.
        return !ConditionReads(loop, target) && RepeatsUnboundedly(operation, loop, target, threshold, types);
    }

    /// <summary>
    /// One diagnostic per string and loop: several appends to the same local or parameter in one repetition (smartstore's
    /// <c>output += ...</c> in both branches of an <c>if</c>) are one problem with one fix, which turns every one of them
    /// into <c>Append</c>. Only the first reported append in source order, within the outermost repetition over which the
    /// string lives, is reported. Fields, properties and indexers (whose instances may differ) are reported per append.
    /// </summary>
    private static bool IsFirstAppendOfItsLoop(IOperation append, ISymbol symbol, IOperation target, LoopContext loop, KnownTypes types, int threshold)
    {
        if (symbol is not (ILocalSymbol or IParameterSymbol))
        {
            return true;
        }

        var outermost = loop;
        while (Loops.TryGetEnclosingLoop(outermost.Operation, types.IsPerElementCall, out var outer) && SpansIterations(outer, target))
        {
            outermost = outer;
        }

        var start = append.Syntax.SpanStart;
        foreach (var operation in outermost.Operation.Descendants())
        {
            if (operation.Syntax.SpanStart >= start || operation.Kind is not (OperationKind.CompoundAssignment or OperationKind.SimpleAssignment))
            {
                continue;
            }

            if (TryMatchAppend(operation, out _, out var other) && SymbolEqualityComparer.Default.Equals(other, symbol) &&
                IsReportedAppend(operation, types, threshold, out _, out _, out _))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// True when the variable keeps its value across iterations of <paramref name="loop"/>: the symbol's lifetime spans
    /// them and, for a field or property, so does its instance (<c>item.Name += ...</c> on a per-iteration item does not grow one string).
    /// </summary>
    private static bool SpansIterations(in LoopContext loop, IOperation target)
    {
        while (true)
        {
            target = Loops.Unwrap(target);
            if (!TryGetVariable(target, out var symbol) || !loop.LifetimeSpansIterations(symbol))
            {
                return false;
            }

            var instance = (target as IMemberReferenceOperation)?.Instance;
            if (instance is null || instance is IInstanceReferenceOperation)
            {
                return true;
            }

            target = instance;
        }
    }

    /// <summary>
    /// True when the append runs an unbounded number of times: some enclosing repetition over which the variable
    /// lives has no constant count and does not leave right after the append, or the product of the constant counts
    /// of the enclosing repetitions over which it lives exceeds the threshold.
    /// </summary>
    private static bool RepeatsUnboundedly(IOperation append, LoopContext loop, IOperation target, int threshold, KnownTypes types)
    {
        // Nested constant loops count as the product of their counts (5 × 5 appends = 25).
        var start = append;
        long product = 1;
        while (true)
        {
            if (!RunsAtMostOnce(start, loop))
            {
                if (!Loops.TryGetConstantCount(loop, out var count) || count > threshold)
                {
                    return true;
                }

                product *= count;
                if (product > threshold)
                {
                    return true;
                }
            }

            if (!Loops.TryGetEnclosingLoop(loop.Operation, types.IsPerElementCall, out var outer) || !SpansIterations(outer, target))
            {
                return false;
            }

            start = loop.Operation;
            loop = outer;
        }
    }

    /// <summary>
    /// True when every path from <paramref name="start"/> leaves the loop before the next iteration (a <c>break</c>,
    /// <c>return</c> or <c>throw</c> follows it with no <c>continue</c> or <c>goto</c> in between).
    /// </summary>
    internal static bool RunsAtMostOnce(IOperation start, in LoopContext loop)
    {
        var body = loop.Body;
        var current = start;
        while (!ReferenceEquals(current, body))
        {
            // Reaching the loop itself (a for header) or another loop means the append may repeat.
            var parent = current.Parent;
            if (parent is null or ILoopOperation || ReferenceEquals(parent, loop.Operation))
            {
                return false;
            }

            if (parent is IBlockOperation block)
            {
                var index = block.Operations.IndexOf(current);
                for (var i = index + 1; i < block.Operations.Length; i++)
                {
                    var statement = block.Operations[i];
                    if (LeavesLoop(statement, loop))
                    {
                        return true;
                    }

                    if (MayStartNextIteration(statement, loop))
                    {
                        return false;
                    }
                }
            }

            current = parent;
        }

        return false;
    }

    private static bool LeavesLoop(IOperation statement, in LoopContext loop)
    {
        switch (statement)
        {
            case IExpressionStatementOperation { Operation: IThrowOperation }:
            case IThrowOperation:
                return true;
            case IReturnOperation { Kind: OperationKind.Return or OperationKind.YieldBreak }:
                return loop.Loop is not null;
            case IBranchOperation { BranchKind: BranchKind.Break } branch:
                return loop.Loop is not null && SymbolEqualityComparer.Default.Equals(branch.Target, loop.Loop.ExitLabel);
            default:
                return false;
        }
    }

    private static bool MayStartNextIteration(IOperation statement, in LoopContext loop)
    {
        foreach (var operation in statement.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IBranchOperation { BranchKind: BranchKind.Continue or BranchKind.GoTo }:
                    return true;
                case IReturnOperation when loop.IsLambda:
                    return true;
            }
        }

        return false;
    }
}
