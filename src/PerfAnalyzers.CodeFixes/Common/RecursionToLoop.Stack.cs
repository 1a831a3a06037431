using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using PerfAnalyzers.Common;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace PerfAnalyzers.CodeFixes.Common;

/// <summary>
/// The explicit stack (PERF004, linear recursion with any combination step): a two-phase loop. The first loop runs the
/// method's body down to the self-call, pushes what the rest of the body needs (the locals and parameters it reads,
/// and the operands evaluated before the call), reassigns the parameters and goes round again, until a path returns
/// a value. The second loop pops the frames in reverse order and runs the rest of the body of each with that value in
/// place of the call. Every statement and operand runs in the same order as in the recursion, so side effects and
/// exceptions come in the same order.
/// </summary>
internal static partial class RecursionToLoop
{
    private static SyntaxNode? TryRewriteStack(SemanticModel model, SyntaxNode method, string? selfName, CancellationToken cancellationToken)
    {
        if (BodyOf(method) is not (BlockSyntax block, null) ||
            model.GetDeclaredSymbol(method, cancellationToken) is not IMethodSymbol symbol ||
            model.GetOperation(method, cancellationToken) is not { } operation ||
            !Recursion.TryAnalyze(operation, symbol, out var info))
        {
            return null;
        }

        if (symbol.ReturnsByRef || symbol.ReturnsByRefReadonly || symbol.Parameters.Any(p => p.RefKind != RefKind.None || p.IsParams) ||
            ExtensionBlocks.Receiver(model, symbol, cancellationToken) is { RefKind: not RefKind.None })
        {
            return null;
        }

        if (symbol.IsAsync && !AsyncStackApplies(model, symbol, block, info, cancellationToken))
        {
            return null;
        }

        foreach (var node in block.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            if (node is GotoStatementSyntax or LabeledStatementSyntax or FixedStatementSyntax or UnsafeStatementSyntax or YieldStatementSyntax)
            {
                return null;
            }
        }

        // using declarations of the body: each frame's resources are kept until that frame returns (RecursionToLoop.StackResources.cs).
        var resources = ResourcesPerFrame(model, block, info.Calls.Select(c => c.Invocation.Syntax), cancellationToken);
        if (resources < 0)
        {
            return null;
        }

        // Linear recursion: at most one self-call on any path through the body.
        var counted = new HashSet<IOperation>();
        foreach (var call in info.Calls)
        {
            counted.Add(call.Invocation);
        }

        var (fall, exit) = CallsPerPath(info.Body, counted);
        if (System.Math.Max(fall, exit) > 1)
        {
            return null;
        }

        var plan = new Plan(symbol, model, selfName, cancellationToken);
        foreach (var call in info.Calls)
        {
            if (!plan.TryAdd(call, info, block, useAccumulator: false, push: true))
            {
                return null;
            }
        }

        if (!ReassignedParametersAreNotCaptured(model, block, symbol, plan))
        {
            return null;
        }

        var flow = DataFlow(model, block);
        if (flow is null || !flow.Succeeded)
        {
            return null;
        }

        var names = UniqueNames.IdentifiersIn(method);
        var builder = new StackBuilder(model, symbol, plan, block, flow, names, selfName, cancellationToken);
        foreach (var call in plan.Calls.Values)
        {
            if (call.Pushed && !builder.TryAddSite(call))
            {
                return null;
            }
        }

        if (builder.Sites.Count == 0 || resources > 0 && plan.Calls.Values.Any(c => !c.Pushed))
        {
            return null;
        }

        builder.ResourcesPerFrame = resources;

        var body = builder.Build(block, method);
        if (body is null)
        {
            return null;
        }

        var converted = method.ReplaceNode(block, body);
        return selfName is null ? converted : ReplaceThisUses(converted, selfName);
    }

    private const int NoPath = int.MinValue / 4;

    /// <summary>
    /// The expression that stands for a self-call's value: the call, or in an async method the <c>await</c> of it
    /// (<c>await F(..)</c>, <c>await F(..).ConfigureAwait(..)</c>).
    /// </summary>
    private static ExpressionSyntax CallNode(InvocationExpressionSyntax invocation, IMethodSymbol method)
    {
        if (!method.IsAsync)
        {
            return invocation;
        }

        ExpressionSyntax node = invocation;
        if (node.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" } access && access.Expression == node &&
            access.Parent is InvocationExpressionSyntax configured && configured.Expression == access)
        {
            node = configured;
        }

        return node.Parent is AwaitExpressionSyntax awaited ? awaited : invocation;
    }

    /// <summary>
    /// An async method (<c>Task</c>, <c>ValueTask</c>, with or without a result) gets the explicit stack when every
    /// self-call is awaited where it is made, every <c>await</c> of the body resumes in the same way (all without
    /// <c>ConfigureAwait</c> or with <c>ConfigureAwait(true)</c>, or all with <c>ConfigureAwait(false)</c>: the rest of
    /// a frame then runs where it ran before), and the body sets no <c>AsyncLocal</c> (a value set in a deeper call was
    /// not seen by its caller, which resumed with its own execution context).
    /// </summary>
    private static bool AsyncStackApplies(SemanticModel model, IMethodSymbol symbol, BlockSyntax block, RecursionInfo info, CancellationToken cancellationToken)
    {
        if (symbol.ReturnType is not INamedTypeSymbol { Name: "Task" or "ValueTask", TypeArguments.Length: <= 1, ContainingNamespace: { Name: "Tasks", ContainingNamespace: { Name: "Threading", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } } })
        {
            return false;
        }

        foreach (var call in info.Calls)
        {
            if (call.Invocation.Syntax is not InvocationExpressionSyntax syntax || CallNode(syntax, symbol) is not AwaitExpressionSyntax)
            {
                return false;
            }
        }

        bool? resumesOnContext = null;
        foreach (var node in block.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            ExpressionSyntax? awaited = node switch
            {
                AwaitExpressionSyntax awaitExpression => awaitExpression.Expression,
                CommonForEachStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword } forEach => forEach.Expression,
                _ => null,
            };

            if (awaited is not null)
            {
                bool onContext;
                if (awaited is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait" }, ArgumentList.Arguments: { Count: 1 } arguments })
                {
                    if (arguments[0].Expression is not LiteralExpressionSyntax literal || !(literal.IsKind(SyntaxKind.TrueLiteralExpression) || literal.IsKind(SyntaxKind.FalseLiteralExpression)))
                    {
                        return false;
                    }

                    onContext = literal.IsKind(SyntaxKind.TrueLiteralExpression);
                }
                else
                {
                    onContext = true;
                }

                if (resumesOnContext is { } before && before != onContext)
                {
                    return false;
                }

                resumesOnContext = onContext;
            }

            if (node is AssignmentExpressionSyntax assignment &&
                model.GetSymbolInfo(assignment.Left, cancellationToken).Symbol is IPropertySymbol { ContainingType: { Name: "AsyncLocal", ContainingNamespace: { Name: "Threading", ContainingNamespace.Name: "System" } } })
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A method that returns no value: <c>void</c>, or <c>async Task</c> / <c>async ValueTask</c>.</summary>
    private static bool ReturnsNothing(IMethodSymbol method) => method.ReturnsVoid || ReturnsBareTask(method);

    /// <summary>
    /// The most self-calls on a path through a statement that falls out of its end, and on one that returns or throws:
    /// <c>if (..) { return F(..); } else if (..) { return G(F(..)); } return F(..);</c> makes one call per path.
    /// </summary>
    private static (int Fall, int Exit) CallsPerPath(IOperation operation, HashSet<IOperation> calls)
    {
        switch (operation)
        {
            case IBlockOperation block:
            {
                var running = 0;
                var exit = NoPath;
                foreach (var statement in block.Operations)
                {
                    var (f, e) = CallsPerPath(statement, calls);
                    exit = System.Math.Max(exit, Add(running, e));
                    running = Add(running, f);
                }

                return (running, exit);
            }

            case IConditionalOperation { Type: null } conditional:
            {
                var condition = Recursion.MaxCallsPerPath(conditional.Condition, calls);
                var (trueFall, trueExit) = CallsPerPath(conditional.WhenTrue, calls);
                var (falseFall, falseExit) = conditional.WhenFalse is null ? (0, NoPath) : CallsPerPath(conditional.WhenFalse, calls);
                return (Add(condition, System.Math.Max(trueFall, falseFall)), Add(condition, System.Math.Max(trueExit, falseExit)));
            }

            case IReturnOperation { Kind: OperationKind.Return } returned:
                return (NoPath, returned.ReturnedValue is null ? 0 : Recursion.MaxCallsPerPath(returned.ReturnedValue, calls));
            case IThrowOperation thrown:
                return (NoPath, thrown.Exception is null ? 0 : Recursion.MaxCallsPerPath(thrown.Exception, calls));
            case IExpressionStatementOperation { Operation: IThrowOperation thrown }:
                return (NoPath, thrown.Exception is null ? 0 : Recursion.MaxCallsPerPath(thrown.Exception, calls));
            case ILocalFunctionOperation:
                return (0, NoPath);
            default:
            {
                var count = Recursion.MaxCallsPerPath(operation, calls);
                return (count, count);
            }
        }
    }

    private static int Add(int a, int b) => a == NoPath || b == NoPath ? NoPath : a + b;

    /// <summary>The assignment of the parameters for a call (simultaneous when several change), or null when none changes.</summary>
    private static StatementSyntax? ParameterAssignment(CallPlan call)
    {
        if (call.Assignments.Count == 0)
        {
            return null;
        }

        if (call.Assignments.Count == 1)
        {
            return ExpressionStatement(AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, IdentifierName(call.Assignments[0].Parameter), call.Assignments[0].Value.WithoutTrivia()))
                .WithAdditionalAnnotations(ReassignmentAnnotation);
        }

        return ExpressionStatement(AssignmentExpression(
            SyntaxKind.SimpleAssignmentExpression,
            TupleExpression(SeparatedList(call.Assignments.Select(a => Argument(IdentifierName(a.Parameter))))),
            TupleExpression(SeparatedList(call.Assignments.Select(a => Argument(a.Value.WithoutTrivia())))))).WithAdditionalAnnotations(ReassignmentAnnotation);
    }

    /// <summary>A value kept in a frame: a local or parameter the rest of the body reads, <c>this</c>, or an operand evaluated before the call.</summary>
    private sealed class FrameValue
    {
        public FrameValue(string name, ITypeSymbol type, bool declare)
        {
            Name = name;
            Type = type;
            Declare = declare;
        }

        public string Name { get; }

        public ITypeSymbol Type { get; }

        /// <summary>Restored into a new local (locals, spilled operands) rather than assigned (parameters, <c>this</c>).</summary>
        public bool Declare { get; }
    }

    private sealed class Site
    {
        public Site(CallPlan call, StatementSyntax statement)
        {
            Call = call;
            Statement = statement;
        }

        public CallPlan Call { get; }

        /// <summary>The statement that holds the call.</summary>
        public StatementSyntax Statement { get; }

        /// <summary>Operands evaluated before the call, in order, and the locals they go into.</summary>
        public List<(ExpressionSyntax Operand, string Name)> Spills { get; } = new();

        /// <summary>What runs after the call returns: the call's statement (with the call's value in its place) and the statements that follow it.</summary>
        public List<StatementSyntax> Rest { get; } = new();

        public List<FrameValue> Values { get; } = new();

        /// <summary>
        /// Locals with no value at the call that the call's statement assigns (<c>x = F(..);</c>, from a split
        /// <c>var x = c ? a : F(..);</c>): not kept in the frame, declared anew where the rest runs.
        /// </summary>
        public List<(string Name, ITypeSymbol Type)> AssignedByCall { get; } = new();

        public int Index { get; set; }
    }

    private sealed partial class StackBuilder
    {
        private readonly SemanticModel _model;
        private readonly IMethodSymbol _method;
        private readonly Plan _plan;
        private readonly BlockSyntax _body;
        private readonly DataFlowAnalysis _flow;
        private readonly HashSet<string> _names;
        private readonly string? _selfName;
        private readonly CancellationToken _cancellationToken;
        private readonly HashSet<string> _varying = new();
        private string? _resultName;

        public StackBuilder(SemanticModel model, IMethodSymbol method, Plan plan, BlockSyntax body, DataFlowAnalysis flow, HashSet<string> names, string? selfName, CancellationToken cancellationToken)
        {
            _body = body;
            _model = model;
            _method = method;
            _plan = plan;
            _flow = flow;
            _names = names;
            _selfName = selfName;
            _cancellationToken = cancellationToken;

            // Parameters whose value differs between frames: assigned in the body, or changed by a self-call.
            foreach (var symbol in flow.WrittenInside)
            {
                if (symbol is IParameterSymbol parameter && ExtensionBlocks.IsOwnParameter(parameter, method))
                {
                    _varying.Add(parameter.Name);
                }
            }

            foreach (var call in plan.Calls.Values)
            {
                foreach (var (parameter, _) in call.Assignments)
                {
                    _varying.Add(parameter);
                }
            }
        }

        public List<Site> Sites { get; } = new();

        private string ResultName => _resultName ??= Fresh("result");

        private string Fresh(string baseName)
        {
            var name = UniqueNames.Pick(baseName, _names.Contains);
            _names.Add(name);
            return name;
        }

        public bool TryAddSite(CallPlan call)
        {
            // The statement that holds the call, and the operands evaluated before the call within it.
            if (!TryFindStatement(CallNode(call.Invocation, _method), out var statement, out var before))
            {
                return false;
            }

            // The statement sits in blocks and if/else branches only: what follows it is the rest of each enclosing block.
            for (var node = statement.Parent; node is not null && node != _body; node = node.Parent)
            {
                if (node is not (BlockSyntax or IfStatementSyntax or ElseClauseSyntax or SwitchSectionSyntax or SwitchStatementSyntax))
                {
                    return false;
                }
            }

            var site = new Site(call, statement);

            // Nothing evaluated before the call may change a local or parameter (the frame keeps their values at the call).
            foreach (var operand in before.Append(call.Invocation))
            {
                if (operand.DescendantNodesAndSelf().Any(n => n is AssignmentExpressionSyntax or
                    PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression } or
                    PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression or (int)SyntaxKind.PostDecrementExpression } or
                    ArgumentSyntax { RefKindKeyword.RawKind: not (int)SyntaxKind.None } or DeclarationExpressionSyntax or AnonymousFunctionExpressionSyntax or
                    IsPatternExpressionSyntax or AwaitExpressionSyntax))
                {
                    return false;
                }
            }

            foreach (var operand in before)
            {
                if (IsStable(operand))
                {
                    continue;
                }

                var typeInfo = _model.GetTypeInfo(operand, _cancellationToken);
                var type = typeInfo.Type;
                if (type is { IsReferenceType: true })
                {
                    type = type.WithNullableAnnotation(typeInfo.Nullability.FlowState == NullableFlowState.NotNull ? NullableAnnotation.NotAnnotated : type.NullableAnnotation);
                }

                if (!CanKeep(type))
                {
                    return false;
                }

                var name = Fresh(SpillName(operand));
                site.Spills.Add((operand, name));
                site.Values.Add(new FrameValue(name, type!, declare: true));
            }

            if (!TryCollectRest(site) || BreaksOutOfRest(site))
            {
                return false;
            }

            if (!TryCollectValues(site))
            {
                return false;
            }

            site.Index = Sites.Count;
            Sites.Add(site);
            return true;
        }

        /// <summary>Finds the statement holding the call and the operands C# evaluates before it, outermost first.</summary>
        private bool TryFindStatement(ExpressionSyntax invocation, out StatementSyntax statement, out List<ExpressionSyntax> before)
        {
            statement = null!;
            before = new List<ExpressionSyntax>();
            var levels = new List<List<ExpressionSyntax>>();
            SyntaxNode node = invocation;
            while (true)
            {
                var parent = node.Parent;
                var level = new List<ExpressionSyntax>();
                switch (parent)
                {
                    case ParenthesizedExpressionSyntax:
                    case CastExpressionSyntax:
                    case CheckedExpressionSyntax:
                    case PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression }:
                    case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression or (int)SyntaxKind.UnaryMinusExpression or (int)SyntaxKind.UnaryPlusExpression or (int)SyntaxKind.BitwiseNotExpression }:
                    case MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } access when access.Expression == node:
                    case InvocationExpressionSyntax outer when outer.Expression == node:
                    case ElementAccessExpressionSyntax element when element.Expression == node:
                    case IsPatternExpressionSyntax isPattern when isPattern.Expression == node:
                    case SwitchExpressionSyntax switchExpression when switchExpression.GoverningExpression == node:
                    case ConditionalExpressionSyntax conditional when conditional.Condition == node:
                        break;
                    case BinaryExpressionSyntax binary when binary.Left == node:
                        break;
                    case BinaryExpressionSyntax binary when !binary.IsKind(SyntaxKind.LogicalAndExpression) && !binary.IsKind(SyntaxKind.LogicalOrExpression) &&
                        !binary.IsKind(SyntaxKind.CoalesceExpression) && !binary.IsKind(SyntaxKind.AsExpression) && !binary.IsKind(SyntaxKind.IsExpression):
                        if (IsStringConcatenation(binary) && !FormatsPurely(binary.Left))
                        {
                            return false;
                        }

                        level.Add(binary.Left);
                        break;
                    case ArgumentSyntax argument:
                        if (!TryArgumentLevel(argument, level, out var owner))
                        {
                            return false;
                        }

                        parent = owner;
                        break;
                    case InterpolationSyntax hole when hole.Parent is InterpolatedStringExpressionSyntax interpolated:
                        foreach (var content in interpolated.Contents)
                        {
                            if (content == hole)
                            {
                                break;
                            }

                            if (content is InterpolationSyntax earlier)
                            {
                                // The earlier holes are formatted after the call now: only values whose text cannot change.
                                if (!FormatsPurely(earlier.Expression))
                                {
                                    return false;
                                }

                                level.Add(earlier.Expression);
                            }
                        }

                        parent = interpolated;
                        break;
                    case AssignmentExpressionSyntax assignment when assignment.Right == node && assignment.Parent is ExpressionStatementSyntax:
                        // The target is a local or parameter, or a member of one (or of this): read before the call, kept in the frame.
                        if (!IsStableTarget(assignment.Left, compound: !assignment.IsKind(SyntaxKind.SimpleAssignmentExpression)))
                        {
                            // `CurrentSchema.AdditionalProperties = F(..)` (Newtonsoft's schema generator): C# evaluates
                            // the receiver of a class member before the value, so it is kept in the frame like an operand.
                            if (!IsSpillableTarget(assignment))
                            {
                                return false;
                            }

                            level.Add(((MemberAccessExpressionSyntax)assignment.Left).Expression);
                        }

                        break;
                    case EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1, Parent: LocalDeclarationStatementSyntax declaration } } }:
                        statement = declaration;
                        levels.Reverse();
                        before = levels.SelectMany(l => l).ToList();
                        return !declaration.IsConst;
                    case ReturnStatementSyntax or ExpressionStatementSyntax or ThrowStatementSyntax:
                    case IfStatementSyntax ifStatement when ifStatement.Condition == node:
                    case SwitchStatementSyntax switchStatement when switchStatement.Expression == node:
                    case ForEachStatementSyntax forEach when forEach.Expression == node:
                        statement = (StatementSyntax)parent;
                        levels.Reverse();
                        before = levels.SelectMany(l => l).ToList();
                        return true;
                    default:
                        return false;
                }

                levels.Add(level);
                node = parent!;
            }
        }

        private bool TryArgumentLevel(ArgumentSyntax argument, List<ExpressionSyntax> level, out SyntaxNode owner)
        {
            owner = argument.Parent?.Parent!;
            if (argument.Parent is not BaseArgumentListSyntax list || owner is null)
            {
                return false;
            }

            switch (owner)
            {
                case InvocationExpressionSyntax invocation:
                    if (_model.GetSymbolInfo(invocation, _cancellationToken).Symbol is not IMethodSymbol target)
                    {
                        return false;
                    }

                    switch (invocation.Expression)
                    {
                        case MemberAccessExpressionSyntax { Expression: BaseExpressionSyntax }:
                            return false;
                        case MemberAccessExpressionSyntax access when !target.IsStatic || target.IsExtensionMethod:
                            // The receiver is evaluated first; a struct receiver must be a variable (the call mutates it in place).
                            if (target.ReducedFrom is null && target.IsExtensionMethod)
                            {
                                return false;
                            }

                            if (_model.GetTypeInfo(access.Expression, _cancellationToken).Type is { IsValueType: true } && !IsStable(access.Expression))
                            {
                                return false;
                            }

                            level.Add(access.Expression);
                            break;
                        case MemberAccessExpressionSyntax:
                        case IdentifierNameSyntax:
                        case GenericNameSyntax:
                            break;
                        default:
                            level.Add(invocation.Expression);
                            break;
                    }

                    break;
                case ObjectCreationExpressionSyntax creation when creation.Initializer is null:
                    break;
                case ImplicitObjectCreationExpressionSyntax creation when creation.Initializer is null:
                    break;
                case ElementAccessExpressionSyntax element:
                    level.Add(element.Expression);
                    break;
                case TupleExpressionSyntax:
                    break;
                default:
                    return false;
            }

            foreach (var other in list.Arguments)
            {
                if (other.RefKindKeyword != default)
                {
                    return false;
                }

                if (other == argument)
                {
                    return true;
                }

                level.Add(other.Expression);
            }

            return false;
        }

        private bool IsStringConcatenation(BinaryExpressionSyntax binary) =>
            binary.IsKind(SyntaxKind.AddExpression) && _model.GetTypeInfo(binary, _cancellationToken).Type?.SpecialType == SpecialType.System_String;

        /// <summary>Turning the value into text gives the same text later: strings, characters, booleans, integers, enums.</summary>
        private bool FormatsPurely(ExpressionSyntax expression)
        {
            var type = _model.GetTypeInfo(expression, _cancellationToken).Type;
            if (type is null)
            {
                return expression.IsKind(SyntaxKind.NullLiteralExpression);
            }

            if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
            {
                type = nullable.TypeArguments[0];
            }

            return type.TypeKind == TypeKind.Enum || type.SpecialType is SpecialType.System_String or SpecialType.System_Char or SpecialType.System_Boolean or
                SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_UInt32 or SpecialType.System_UInt64 or
                SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Byte or SpecialType.System_SByte;
        }

        /// <summary>Reading it after the call gives the value it had before: a constant, <c>this</c>, or a local or parameter (restored from the frame).</summary>
        private bool IsStable(ExpressionSyntax expression)
        {
            if (_model.GetConstantValue(expression, _cancellationToken).HasValue)
            {
                return true;
            }

            switch (expression)
            {
                case ThisExpressionSyntax:
                case TypeOfExpressionSyntax:
                case LiteralExpressionSyntax:
                case DefaultExpressionSyntax:
                    return true;
                case ParenthesizedExpressionSyntax parenthesized:
                    return IsStable(parenthesized.Expression);
                case IdentifierNameSyntax identifier:
                    return _model.GetSymbolInfo(identifier, _cancellationToken).Symbol switch
                    {
                        ILocalSymbol local => !local.IsRef,
                        IParameterSymbol => true,
                        _ => false,
                    };
                default:
                    return false;
            }
        }

        private bool IsStableTarget(ExpressionSyntax target, bool compound)
        {
            var symbol = _model.GetSymbolInfo(target, _cancellationToken).Symbol;
            switch (target)
            {
                case IdentifierNameSyntax when symbol is ILocalSymbol { IsRef: false } or IParameterSymbol:
                    return true;
                case IdentifierNameSyntax when symbol is IFieldSymbol or IPropertySymbol && !compound:
                    return true;
                case MemberAccessExpressionSyntax access when !compound && symbol is IFieldSymbol or IPropertySymbol:
                    // A member of a class instance (a struct member would be written on the frame's copy).
                    return symbol.IsStatic || (IsStable(access.Expression) && _model.GetTypeInfo(access.Expression, _cancellationToken).Type is { IsReferenceType: true });
                default:
                    return false;
            }
        }

        /// <summary>A simple assignment to an instance field or property of a class whose receiver is not a local or parameter.</summary>
        private bool IsSpillableTarget(AssignmentExpressionSyntax assignment) =>
            assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) &&
            assignment.Left is MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression, Expression: not BaseExpressionSyntax } access &&
            _model.GetSymbolInfo(access, _cancellationToken).Symbol is IFieldSymbol { IsStatic: false } or IPropertySymbol { IsStatic: false, IsIndexer: false } &&
            _model.GetTypeInfo(access.Expression, _cancellationToken).Type is { IsReferenceType: true } receiverType && CanKeep(receiverType);

        private static bool CanKeep(ITypeSymbol? type) =>
            type is not null && type.TypeKind is not (TypeKind.Error or TypeKind.Pointer or TypeKind.FunctionPointer) && !type.IsRefLikeType && !type.IsAnonymousType &&
            type.SpecialType != SpecialType.System_Void;

        private static string SpillName(ExpressionSyntax operand)
        {
            var name = operand switch
            {
                MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
                InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => access.Name.Identifier.ValueText,
                InvocationExpressionSyntax { Expression: IdentifierNameSyntax identifier } => identifier.Identifier.ValueText,
                IdentifierNameSyntax { Identifier.ValueText: { Length: > 0 } text } when char.IsUpper(text[0]) => text,
                _ => "value",
            };

            if (name.StartsWith("Get", System.StringComparison.Ordinal) && name.Length > 3 && char.IsUpper(name[3]))
            {
                name = name.Substring(3);
            }

            name = char.ToLowerInvariant(name[0]) + name.Substring(1);
            return SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None ? "value" : name;
        }

        /// <summary>The statement with the call, then the rest of its block, and of each enclosing block as long as control falls out of the inner one.</summary>
        private bool TryCollectRest(Site site)
        {
            StatementSyntax node = site.Statement;
            site.Rest.Add(node);
            var first = true;
            while (true)
            {
                bool fallsThrough;
                if (node.Parent is BlockSyntax block)
                {
                    var index = block.Statements.IndexOf(node);
                    var following = block.Statements.Skip(index + 1).ToList();
                    site.Rest.AddRange(following);
                    var start = first ? node : following.FirstOrDefault();
                    if (start is null)
                    {
                        fallsThrough = true;
                    }
                    else
                    {
                        if (EndPointIsReachable(_model, start, block.Statements.Last()) is not { } reachable)
                        {
                            return false;
                        }

                        fallsThrough = reachable;
                    }

                    if (!fallsThrough)
                    {
                        return true;
                    }

                    if (block == _body)
                    {
                        // The end of a method returning nothing.
                        return ReturnsNothing(_method);
                    }

                    node = block;
                }
                else if (node.Parent is SwitchSectionSyntax section)
                {
                    // A switch section: the rest of the section, without the break that ends it (in the unwinding
                    // loop a break would leave that loop), then what follows the switch when the section gets there.
                    var index = section.Statements.IndexOf(node);
                    var following = section.Statements.Skip(index + 1).ToList();
                    var endsInBreak = following.Count > 0 && following[following.Count - 1] is BreakStatementSyntax;
                    if (endsInBreak)
                    {
                        following.RemoveAt(following.Count - 1);
                    }

                    site.Rest.AddRange(following);
                    var start = first ? node : following.FirstOrDefault();
                    if (start is not null)
                    {
                        if (EndPointIsReachable(_model, start, first && following.Count == 0 ? node : following[following.Count - 1]) is not { } reachable)
                        {
                            return false;
                        }

                        fallsThrough = reachable;
                    }
                    else
                    {
                        fallsThrough = true;
                    }

                    if (!fallsThrough)
                    {
                        return true;
                    }

                    if (!endsInBreak || section.Parent is not SwitchStatementSyntax switchStatement)
                    {
                        return false;
                    }

                    node = switchStatement;
                    first = false;
                    continue;
                }
                else if (first && EndsInJump(node))
                {
                    // An embedded statement (if (..) return F(..);) that always leaves.
                    return true;
                }

                first = false;
                switch (node.Parent)
                {
                    case IfStatementSyntax ifStatement:
                        node = ifStatement;
                        break;
                    case ElseClauseSyntax { Parent: IfStatementSyntax ifStatement }:
                        node = ifStatement;
                        break;
                    case BlockSyntax:
                    case SwitchSectionSyntax:
                        break;
                    default:
                        return false;
                }
            }
        }

        /// <summary>
        /// A <c>break</c> in the rest that leaves a switch around the call (other than the one that ends the section,
        /// left out of the rest): in the unwinding loop it would leave that loop instead.
        /// </summary>
        private static bool BreaksOutOfRest(Site site)
        {
            foreach (var statement in site.Rest)
            {
                foreach (var node in statement.DescendantNodesAndSelf(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
                {
                    if (node is not BreakStatementSyntax)
                    {
                        continue;
                    }

                    var target = node.Ancestors().FirstOrDefault(a => a is SwitchStatementSyntax or WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax);
                    if (target is null || !statement.Span.Contains(target.Span))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        /// <summary>The locals and parameters the rest reads, <c>this</c> when it becomes a local, and the spilled operands.</summary>
        private bool TryCollectValues(Site site)
        {
            var excluded = new List<TextSpanHolder> { new(CallNode(site.Call.Invocation, _method)) };
            foreach (var (operand, _) in site.Spills)
            {
                excluded.Add(new TextSpanHolder(operand));
            }

            var seen = new HashSet<string>(site.Values.Select(v => v.Name));
            DataFlowAnalysis? atCall = null;
            foreach (var statement in site.Rest)
            {
                foreach (var node in statement.DescendantNodesAndSelf())
                {
                    if (excluded.Any(e => e.Contains(node)))
                    {
                        continue;
                    }

                    if (node.HasAnnotation(SelfAnnotation) && _selfName is not null && seen.Add(_selfName))
                    {
                        site.Values.Add(new FrameValue(_selfName, _method.ContainingType, declare: false));
                    }

                    if (node is not IdentifierNameSyntax identifier)
                    {
                        continue;
                    }

                    switch (_model.GetSymbolInfo(identifier, _cancellationToken).Symbol)
                    {
                        case ILocalSymbol local:
                            if (!SymbolEqualityComparer.Default.Equals(local.ContainingSymbol, _method) && !IsDeclaredIn(local, _body))
                            {
                                continue;
                            }

                            if (site.Rest.Any(s => IsDeclaredIn(local, s)))
                            {
                                continue;
                            }

                            if (local.IsConst || local.IsRef || !CanKeep(local.Type) || (_flow.Captured.Contains(local) && !IsParameterCopy(local)))
                            {
                                return false;
                            }

                            // The value goes into the frame: it must have one at the call.
                            atCall ??= DataFlow(_model, site.Statement);
                            if (atCall is null || !atCall.Succeeded)
                            {
                                return false;
                            }

                            if (!atCall.DefinitelyAssignedOnEntry.Contains(local))
                            {
                                // x = F(..); with x unassigned before: the rest assigns it first (RecursionToLoop.ConditionalDeclaration.cs).
                                if (!IsAssignedByCall(site, local))
                                {
                                    return false;
                                }

                                if (!site.AssignedByCall.Any(a => a.Name == local.Name))
                                {
                                    site.AssignedByCall.Add((local.Name, local.Type));
                                }

                                break;
                            }

                            if (seen.Add(local.Name))
                            {
                                site.Values.Add(new FrameValue(local.Name, FrameType(local, local.Type, site), declare: true));
                            }

                            break;
                        case IParameterSymbol parameter when ExtensionBlocks.IsOwnParameter(parameter, _method):
                            if (!_varying.Contains(parameter.Name))
                            {
                                continue;
                            }

                            if (_flow.Captured.Contains(parameter) || !CanKeep(parameter.Type))
                            {
                                return false;
                            }

                            if (seen.Add(parameter.Name))
                            {
                                site.Values.Add(new FrameValue(parameter.Name, FrameType(parameter, parameter.Type, site), declare: false));
                            }

                            break;
                        case IMethodSymbol { MethodKind: MethodKind.LocalFunction } localFunction when IsDeclaredIn(localFunction, _body):
                            // Declared in the first loop's body: out of scope in the second.
                            return false;
                    }
                }
            }

            return true;
        }

        /// <summary>
        /// A <c>var</c> local of a reference type is declared nullable (a parameter may be); where the rest of the body only reads it when it
        /// is known not to be null, the frame keeps it as not null, so that the restored local gives no new warning.
        /// </summary>
        private ITypeSymbol FrameType(ISymbol local, ITypeSymbol type, Site site)
        {
            if (!type.IsReferenceType || type.NullableAnnotation != NullableAnnotation.Annotated)
            {
                return type;
            }

            foreach (var statement in site.Rest)
            {
                foreach (var identifier in statement.DescendantNodes().OfType<IdentifierNameSyntax>())
                {
                    if (identifier.Identifier.ValueText == local.Name &&
                        SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(identifier, _cancellationToken).Symbol, local) &&
                        _model.GetTypeInfo(identifier, _cancellationToken).Nullability.FlowState != NullableFlowState.NotNull)
                    {
                        return type;
                    }
                }
            }

            return type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
        }

        private static bool IsDeclaredIn(ISymbol symbol, SyntaxNode scope) =>
            symbol.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == scope.SyntaxTree && scope.Span.Contains(r.Span));

        /// <summary>The new body: the two loops.</summary>
        public BlockSyntax? Build(BlockSyntax block, SyntaxNode method)
        {
            // One frame layout for every site: the site's number when there are several, then every value by name.
            var layout = new List<FrameValue>();
            foreach (var site in Sites)
            {
                foreach (var value in site.Values)
                {
                    var existing = layout.FirstOrDefault(v => v.Name == value.Name);
                    if (existing is null)
                    {
                        layout.Add(value);
                    }
                    else if (!SymbolEqualityComparer.IncludeNullability.Equals(existing.Type, value.Type) || existing.Declare != value.Declare)
                    {
                        return null;
                    }
                }
            }

            string? siteName = Sites.Count > 1 ? Fresh("site") : null;
            foreach (var value in layout)
            {
                if (!IsValidTupleElementName(value.Name, layout.Count + (siteName is null ? 0 : 1)))
                {
                    return null;
                }
            }

            var elementCount = layout.Count + (siteName is null ? 0 : 1);
            var counterName = elementCount == 0 ? Fresh("pending") : null;
            var framesName = elementCount == 0 ? null : Fresh("frames");
            // Several sites and nothing else to keep: the frame is the site's number.
            var siteOnly = layout.Count == 0 && siteName is not null;
            var frameName = siteOnly ? siteName : Sites.Count > 1 || (elementCount > 1 && NeedsFrameLocal(layout)) ? Fresh("frame") : null;
            var resultName = ReturnsNothing(_method) ? null : ResultName;

            // The first loop.
            var prefix = new PrefixRewriter(this, layout, siteName, framesName, counterName, resultName);
            var descent = prefix.RewriteList(block.Statements);
            if (prefix.Failed || prefix.Handled != _plan.Calls.Count)
            {
                return null;
            }

            var last = descent.Count - 1;
            while (last >= 0 && descent[last] is LocalFunctionStatementSyntax)
            {
                last--;
            }

            if (last >= 0 && descent[last] is ContinueStatementSyntax)
            {
                // The end of the loop goes round anyway.
                descent.RemoveAt(last);
            }
            else if (last < 0 || !EndsInJump(descent[last]))
            {
                if (!ReturnsNothing(_method))
                {
                    return null;
                }

                descent.Insert(last + 1, BreakStatement());
            }

            // The second loop: pop a frame, restore its values, run the rest of the body with the value in place of the call.
            var unwind = new List<StatementSyntax>();
            if (counterName is not null)
            {
                unwind.Add(ExpressionStatement(PostfixUnaryExpression(SyntaxKind.PostDecrementExpression, IdentifierName(counterName))));
            }
            else if (frameName is not null)
            {
                unwind.Add(LocalDeclarationStatement(VariableDeclaration(IdentifierName("var"), SingletonSeparatedList(
                    VariableDeclarator(Identifier(frameName)).WithInitializer(EqualsValueClause(Pop(framesName!)))))));
            }

            IfStatementSyntax? chain = null;
            for (var i = Sites.Count - 1; i >= 0; i--)
            {
                var site = Sites[i];
                var statements = new List<StatementSyntax>();
                if (frameName is not null)
                {
                    foreach (var value in site.Values)
                    {
                        statements.Add(Restore(value, MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(frameName), IdentifierName(value.Name))));
                    }
                }
                else if (framesName is not null)
                {
                    statements.Add(RestoreAll(site.Values, Pop(framesName)));
                }

                var rest = new SuffixRewriter(this, site, resultName).Rewrite();
                if (rest is null)
                {
                    return null;
                }

                foreach (var (name, type) in site.AssignedByCall)
                {
                    statements.Add(LocalDeclarationStatement(VariableDeclaration(TypeName(type, block.SpanStart), SingletonSeparatedList(VariableDeclarator(Identifier(name))))));
                }

                statements.AddRange(rest);
                if (Sites.Count == 1)
                {
                    unwind.AddRange(statements);
                    break;
                }

                var branch = MultiLineBlock(DropTrailingContinue(statements));
                chain = chain is null
                    ? IfStatement(SiteTest(siteOnly ? null : frameName, siteName!, i), branch)
                    : IfStatement(SiteTest(siteOnly ? null : frameName, siteName!, i), branch, ElseClause(chain));
            }

            if (chain is not null)
            {
                // The last test is always true: it becomes the final else.
                unwind.Add(RemoveLastTest(chain));
            }

            unwind = DropTrailingContinue(unwind);
            string? resourcesName = null;
            if (ResourcesPerFrame > 0)
            {
                // The deeper frame's rest has run: its resources go, innermost first, before this frame's rest.
                resourcesName = Fresh("resources");
                descent = PushResources(descent, resourcesName);
                unwind.InsertRange(0, DisposeFrame(resourcesName, ResourcesPerFrame));
            }

            var bodyStatements = new List<StatementSyntax>();
            if (_selfName is not null)
            {
                bodyStatements.Add(LocalDeclarationStatement(VariableDeclaration(
                    IdentifierName("var"),
                    SingletonSeparatedList(VariableDeclarator(Identifier(_selfName)).WithInitializer(EqualsValueClause(ThisExpression()))))));
            }

            if (counterName is not null)
            {
                bodyStatements.Add(LocalDeclarationStatement(VariableDeclaration(IdentifierName("var"), SingletonSeparatedList(
                    VariableDeclarator(Identifier(counterName)).WithInitializer(EqualsValueClause(LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(0))))))));
            }
            else
            {
                var stackType = QualifiedName(
                    AliasQualifiedName(IdentifierName(Token(SyntaxKind.GlobalKeyword)), IdentifierName("System")),
                    IdentifierName("Collections"));
                var generic = QualifiedName(QualifiedName(stackType, IdentifierName("Generic")), GenericName(Identifier("Stack"), TypeArgumentList(SingletonSeparatedList(FrameType(layout, siteName, block.SpanStart)))))
                    .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
                bodyStatements.Add(LocalDeclarationStatement(VariableDeclaration(IdentifierName("var"), SingletonSeparatedList(
                    VariableDeclarator(Identifier(framesName!)).WithInitializer(EqualsValueClause(ObjectCreationExpression(generic).WithArgumentList(ArgumentList())))))));
            }

            if (resultName is not null)
            {
                var returnType = method switch
                {
                    MethodDeclarationSyntax declaration => declaration.ReturnType,
                    _ => ((LocalFunctionStatementSyntax)method).ReturnType,
                };
                if (_method.IsAsync)
                {
                    // async Task<T>: the value of an awaited call is a T.
                    returnType = TypeName(((INamedTypeSymbol)_method.ReturnType).TypeArguments[0], block.SpanStart);
                }
                bodyStatements.Add(LocalDeclarationStatement(VariableDeclaration(returnType.WithoutTrivia(), SingletonSeparatedList(VariableDeclarator(Identifier(resultName))))));
            }

            var loops = new List<StatementSyntax> { WhileStatement(LiteralExpression(SyntaxKind.TrueLiteralExpression), MultiLineBlock(descent)) };
            ExpressionSyntax more = counterName is not null
                ? BinaryExpression(SyntaxKind.GreaterThanExpression, IdentifierName(counterName), LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(0)))
                : BinaryExpression(SyntaxKind.GreaterThanExpression, MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(framesName!), IdentifierName("Count")), LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(0)));
            loops.Add(WhileStatement(more, MultiLineBlock(unwind)));
            if (resourcesName is not null)
            {
                var annotations = _model.GetNullableContext(block.SpanStart).AnnotationsEnabled();
                bodyStatements.AddRange(GuardResources(resourcesName, Fresh("failure"), Fresh("exception"), annotations, loops));
            }
            else
            {
                bodyStatements.AddRange(loops);
            }
            if (resultName is not null)
            {
                bodyStatements.Add(ReturnStatement(IdentifierName(resultName)));
            }

            var newBlock = block.WithStatements(List(bodyStatements));
            if (!newBlock.OpenBraceToken.TrailingTrivia.Any(SyntaxKind.EndOfLineTrivia))
            {
                newBlock = newBlock.WithOpenBraceToken(newBlock.OpenBraceToken.WithTrailingTrivia(ElasticLineFeed));
            }

            return newBlock.WithAdditionalAnnotations(Formatter.Annotation);
        }

        private static bool NeedsFrameLocal(List<FrameValue> layout) =>
            layout.Any(v => v.Declare) && layout.Any(v => !v.Declare);

        private static IfStatementSyntax RemoveLastTest(IfStatementSyntax chain)
        {
            if (chain.Else is { Statement: IfStatementSyntax inner })
            {
                if (inner.Else is null)
                {
                    return chain.WithElse(ElseClause(inner.Statement));
                }

                return chain.WithElse(ElseClause(RemoveLastTest(inner)));
            }

            return chain;
        }

        private static ExpressionSyntax SiteTest(string? frameName, string siteName, int index) =>
            BinaryExpression(
                SyntaxKind.EqualsExpression,
                frameName is null ? IdentifierName(siteName) : MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(frameName), IdentifierName(siteName)),
                LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(index)));

        private static ExpressionSyntax Pop(string framesName) =>
            InvocationExpression(MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(framesName), IdentifierName("Pop")));

        private static StatementSyntax Restore(FrameValue value, ExpressionSyntax source) => value.Declare
            ? LocalDeclarationStatement(VariableDeclaration(IdentifierName("var"), SingletonSeparatedList(VariableDeclarator(Identifier(value.Name)).WithInitializer(EqualsValueClause(source)))))
            : ExpressionStatement(AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, IdentifierName(value.Name), source));

        private static StatementSyntax RestoreAll(List<FrameValue> values, ExpressionSyntax source)
        {
            if (values.Count == 1)
            {
                return Restore(values[0], source);
            }

            if (values.All(v => v.Declare))
            {
                // var (a, b) = frames.Pop();
                var designation = ParenthesizedVariableDesignation(SeparatedList<VariableDesignationSyntax>(values.Select(v => SingleVariableDesignation(Identifier(v.Name)))));
                return ExpressionStatement(AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, DeclarationExpression(IdentifierName("var"), designation), source));
            }

            // (a, b) = frames.Pop();
            return ExpressionStatement(AssignmentExpression(
                SyntaxKind.SimpleAssignmentExpression,
                TupleExpression(SeparatedList(values.Select(v => Argument(IdentifierName(v.Name))))),
                source));
        }

        private TypeSyntax FrameType(List<FrameValue> layout, string? siteName, int position)
        {
            var elements = new List<TupleElementSyntax>();
            if (siteName is not null)
            {
                elements.Add(TupleElement(PredefinedType(Token(SyntaxKind.IntKeyword)), Identifier(siteName)));
            }

            foreach (var value in layout)
            {
                elements.Add(TupleElement(TypeName(value.Type, position), Identifier(value.Name)));
            }

            return elements.Count == 1 ? elements[0].Type : TupleType(SeparatedList(elements));
        }

        private TypeSyntax TypeName(ITypeSymbol type, int position)
        {
            var format = SymbolDisplayFormat.MinimallyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);
            return ParseTypeName(type.ToMinimalDisplayString(_model, position, format));
        }

        private static bool IsValidTupleElementName(string name, int count)
        {
            if (count < 2)
            {
                return true;
            }

            if (name is "Rest" or "ToString" or "GetHashCode" or "Equals" or "GetType" or "CompareTo" or "Deconstruct")
            {
                return false;
            }

            return !(name.StartsWith("Item", System.StringComparison.Ordinal) && name.Length > 4 && name.Substring(4).All(char.IsDigit));
        }

        /// <summary>The push for a site: its number and its values, <c>default</c> for the values of other sites.</summary>
        public StatementSyntax Push(Site site, List<FrameValue> layout, string? siteName, string? framesName, string? counterName)
        {
            if (counterName is not null)
            {
                return ExpressionStatement(PostfixUnaryExpression(SyntaxKind.PostIncrementExpression, IdentifierName(counterName)));
            }

            var values = new List<ExpressionSyntax>();
            if (siteName is not null)
            {
                values.Add(LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(site.Index)));
            }

            foreach (var value in layout)
            {
                values.Add(site.Values.Any(v => v.Name == value.Name) ? IdentifierName(value.Name) : Unused(value));
            }

            var pushed = values.Count == 1 ? values[0] : TupleExpression(SeparatedList(values.Select(Argument)));
            return ExpressionStatement(InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, IdentifierName(framesName!), IdentifierName("Push")),
                ArgumentList(SingletonSeparatedList(Argument(pushed)))));
        }

        /// <summary>
        /// The slot of a value another site keeps: <c>default</c>, never read for this site (the site number decides
        /// which values are restored); <c>default!</c> for a reference type that is not nullable, which it never is there.
        /// </summary>
        private static ExpressionSyntax Unused(FrameValue value)
        {
            var literal = LiteralExpression(SyntaxKind.DefaultLiteralExpression, Token(SyntaxKind.DefaultKeyword));
            return value.Type.IsValueType || value.Type.NullableAnnotation == NullableAnnotation.Annotated
                ? literal
                : PostfixUnaryExpression(SyntaxKind.SuppressNullableWarningExpression, literal);
        }

        public Site? SiteOf(StatementSyntax statement) => Sites.FirstOrDefault(s => s.Statement == statement);

        public Plan Plan => _plan;

        /// <summary>How many <c>using</c> resources each frame acquires (RecursionToLoop.StackResources.cs).</summary>
        public int ResourcesPerFrame { get; set; }

        public SemanticModel Model => _model;

        public CancellationToken CancellationToken => _cancellationToken;
    }

    /// <summary>Counts the loops around the statement being rewritten (a break or continue there would bind to them); nested functions are left alone.</summary>
    private abstract class LoopTrackingRewriter : CSharpSyntaxRewriter
    {
        protected int Loops { get; private set; }

        public override SyntaxNode? VisitWhileStatement(WhileStatementSyntax node) => InLoop(() => base.VisitWhileStatement(node));

        public override SyntaxNode? VisitDoStatement(DoStatementSyntax node) => InLoop(() => base.VisitDoStatement(node));

        public override SyntaxNode? VisitForStatement(ForStatementSyntax node) => InLoop(() => base.VisitForStatement(node));

        public override SyntaxNode? VisitForEachStatement(ForEachStatementSyntax node) => InLoop(() => base.VisitForEachStatement(node));

        public override SyntaxNode? VisitForEachVariableStatement(ForEachVariableStatementSyntax node) => InLoop(() => base.VisitForEachVariableStatement(node));

        public override SyntaxNode? VisitLocalFunctionStatement(LocalFunctionStatementSyntax node) => node;

        public override SyntaxNode? VisitParenthesizedLambdaExpression(ParenthesizedLambdaExpressionSyntax node) => node;

        public override SyntaxNode? VisitSimpleLambdaExpression(SimpleLambdaExpressionSyntax node) => node;

        public override SyntaxNode? VisitAnonymousMethodExpression(AnonymousMethodExpressionSyntax node) => node;

        private SyntaxNode? InLoop(System.Func<SyntaxNode?> visit)
        {
            Loops++;
            var visited = visit();
            Loops--;
            return visited;
        }
    }

    /// <summary>The first loop: the body down to the self-call; a site pushes its frame and goes round, a return ends the descent.</summary>
    private sealed class PrefixRewriter : LoopTrackingRewriter
    {
        private readonly StackBuilder _builder;
        private readonly List<FrameValue> _layout;
        private readonly string? _siteName;
        private readonly string? _framesName;
        private readonly string? _counterName;
        private readonly string? _resultName;
        private int _switches;
        private bool _switchHasReturn;
        private bool _switchNeedsBreak;

        public PrefixRewriter(StackBuilder builder, List<FrameValue> layout, string? siteName, string? framesName, string? counterName, string? resultName)
        {
            _builder = builder;
            _layout = layout;
            _siteName = siteName;
            _framesName = framesName;
            _counterName = counterName;
            _resultName = resultName;
        }

        public bool Failed { get; private set; }

        public int Handled { get; private set; }

        public List<StatementSyntax> RewriteList(SyntaxList<StatementSyntax> statements)
        {
            var result = new List<StatementSyntax>();
            var afterVoidTailCall = false;
            foreach (var statement in statements)
            {
                if (afterVoidTailCall && statement is ReturnStatementSyntax { Expression: null })
                {
                    afterVoidTailCall = false;
                    continue;
                }

                afterVoidTailCall = statement is ExpressionStatementSyntax && _builder.Plan.Calls.Values.Any(c => !c.Pushed && CallNode(c.Invocation, _builder.Plan.Method).Parent == statement);
                result.AddRange(RewriteOne(statement, out var stop));
                if (stop)
                {
                    // What follows a self-call runs when unwinding.
                    break;
                }

                if (_switchNeedsBreak)
                {
                    // Every section of that switch returned (its end was unreachable): after it, the descent is over.
                    _switchNeedsBreak = false;
                    result.Add(BreakStatement());
                }
            }

            return result;
        }

        private List<StatementSyntax> RewriteOne(StatementSyntax statement, out bool stop)
        {
            stop = false;
            if (_builder.SiteOf(statement) is { } site)
            {
                stop = true;
                return SiteReplacement(site);
            }

            if (TryTail(statement, out var tail))
            {
                return tail;
            }

            if (statement is ReturnStatementSyntax returnStatement)
            {
                return EndDescent(returnStatement);
            }

            return new List<StatementSyntax> { (StatementSyntax)Visit(statement)! };
        }

        public override SyntaxNode? VisitBlock(BlockSyntax node) => node.WithStatements(List(RewriteList(node.Statements)));

        public override SyntaxNode? VisitSwitchSection(SwitchSectionSyntax node) => node.WithStatements(List(RewriteList(node.Statements)));

        public override SyntaxNode? VisitIfStatement(IfStatementSyntax node)
        {
            var statement = Embedded(node.Statement);
            var elseClause = node.Else is null ? null : node.Else.WithStatement(Embedded(node.Else.Statement));
            return node.WithStatement(statement).WithElse(elseClause);
        }

        private StatementSyntax Embedded(StatementSyntax statement)
        {
            if (statement is BlockSyntax block)
            {
                return (StatementSyntax)VisitBlock(block)!;
            }

            var list = RewriteOne(statement, out _);
            if (_switchNeedsBreak)
            {
                Failed = true;
            }

            return list.Count == 1 ? list[0].WithTriviaFrom(statement) : MultiLineBlock(list);
        }

        public override SyntaxNode? VisitSwitchStatement(SwitchStatementSyntax node)
        {
            var outer = _switchHasReturn;
            _switchHasReturn = false;
            _switches++;
            var visited = base.VisitSwitchStatement(node);
            _switches--;
            if (_switchHasReturn)
            {
                // break leaves the switch: allowed only when nothing ran after this switch in the method.
                if (_switches > 0 || Loops > 0 || node.Parent is not BlockSyntax || EndPointIsReachable(_builder.Model, node, node) is not false)
                {
                    Failed = true;
                }

                _switchNeedsBreak = true;
            }

            _switchHasReturn = outer;
            return visited;
        }

        public override SyntaxNode? VisitReturnStatement(ReturnStatementSyntax node)
        {
            var statements = EndDescent(node);
            return statements.Count == 1 ? statements[0].WithTriviaFrom(node) : MultiLineBlock(statements);
        }

        /// <summary><c>return e;</c> in the descent: the value the frames combine, then out of the first loop.</summary>
        private List<StatementSyntax> EndDescent(ReturnStatementSyntax node)
        {
            if (Loops > 0)
            {
                // break would leave that loop, not ours.
                Failed = true;
            }

            if (_switches > 0)
            {
                _switchHasReturn = true;
            }

            var statements = new List<StatementSyntax>();
            if (_resultName is not null && node.Expression is { } value)
            {
                statements.Add(ExpressionStatement(AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, IdentifierName(_resultName), value.WithoutTrivia()))
                    .WithLeadingTrivia(node.GetLeadingTrivia()));
            }

            statements.Add(BreakStatement());
            return statements;
        }

        private bool TryTail(StatementSyntax statement, out List<StatementSyntax> statements)
        {
            statements = null!;
            var expression = statement switch
            {
                ReturnStatementSyntax { Expression: { } returned } => returned,
                ExpressionStatementSyntax { Expression: InvocationExpressionSyntax or AwaitExpressionSyntax } expressionStatement => expressionStatement.Expression,
                _ => null,
            };

            while (expression is ParenthesizedExpressionSyntax parenthesized)
            {
                expression = parenthesized.Expression;
            }

            if (expression is AwaitExpressionSyntax awaited && _builder.Plan.Method.IsAsync)
            {
                // An awaited tail call (`return await F(..);`, `await F(..);`), with or without ConfigureAwait.
                expression = awaited.Expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Expression: InvocationExpressionSyntax configured } }
                    ? configured
                    : awaited.Expression;
            }

            if (expression is not InvocationExpressionSyntax call || !_builder.Plan.Calls.TryGetValue(call, out var plan) || plan.Pushed)
            {
                return false;
            }

            Handled++;
            statements = new List<StatementSyntax>();
            if (ParameterAssignment(plan) is { } assignment)
            {
                statements.Add(assignment.WithLeadingTrivia(statement.GetLeadingTrivia()));
            }

            statements.Add(ContinueStatement());
            return true;
        }

        private List<StatementSyntax> SiteReplacement(Site site)
        {
            Handled++;
            var statements = new List<StatementSyntax>();
            foreach (var (operand, name) in site.Spills)
            {
                // An operand inside checked(..) or unchecked(..) keeps that context when it moves out.
                var value = operand.WithoutTrivia();
                if (operand.Ancestors().TakeWhile(a => a != site.Statement).OfType<CheckedExpressionSyntax>().FirstOrDefault() is { } context)
                {
                    value = CheckedExpression(context.Kind(), value);
                }

                statements.Add(LocalDeclarationStatement(VariableDeclaration(IdentifierName("var"), SingletonSeparatedList(
                    VariableDeclarator(Identifier(name)).WithInitializer(EqualsValueClause(value))))));
            }

            statements.Add(_builder.Push(site, _layout, _siteName, _framesName, _counterName));
            if (ParameterAssignment(site.Call) is { } assignment)
            {
                statements.Add(assignment);
            }

            statements.Add(ContinueStatement());
            statements[0] = statements[0].WithLeadingTrivia(site.Statement.GetLeadingTrivia());
            return statements;
        }
    }

    /// <summary>The second loop's part for one site: the rest of the body, with the call's value in its place; a return hands its value to the next frame.</summary>
    private sealed class SuffixRewriter : LoopTrackingRewriter
    {
        private readonly Site _site;
        private readonly string? _resultName;

        private readonly IMethodSymbol _method;

        public SuffixRewriter(StackBuilder builder, Site site, string? resultName)
        {
            _method = builder.Plan.Method;
            _site = site;
            _resultName = resultName;
        }

        private bool _failed;

        public List<StatementSyntax>? Rewrite()
        {
            var statements = new List<StatementSyntax>();
            var first = _site.Rest[0];
            var call = CallNode(_site.Call.Invocation, _method);
            var discarded = first is ExpressionStatementSyntax { Expression: var expression } && StripParentheses(expression) == call;
            if (!discarded)
            {
                if (_resultName is null)
                {
                    return null;
                }

                var replaced = new Dictionary<SyntaxNode, SyntaxNode> { [call] = IdentifierName(_resultName).WithTriviaFrom(call) };
                foreach (var (operand, name) in _site.Spills)
                {
                    replaced[operand] = IdentifierName(name).WithTriviaFrom(operand);
                }

                statements.Add(first.ReplaceNodes(replaced.Keys, (original, _) => replaced[original]));
            }

            for (var i = 1; i < _site.Rest.Count; i++)
            {
                statements.Add(_site.Rest[i]);
            }

            var result = RewriteList(statements);
            return _failed ? null : result;
        }

        private static ExpressionSyntax StripParentheses(ExpressionSyntax expression)
        {
            while (expression is ParenthesizedExpressionSyntax parenthesized)
            {
                expression = parenthesized.Expression;
            }

            return expression;
        }

        private List<StatementSyntax> RewriteList(IEnumerable<StatementSyntax> statements)
        {
            var result = new List<StatementSyntax>();
            foreach (var statement in statements)
            {
                if (statement is ReturnStatementSyntax returnStatement)
                {
                    result.AddRange(Hand(returnStatement));
                    continue;
                }

                result.Add((StatementSyntax)Visit(statement)!);
            }

            return result;
        }

        public override SyntaxNode? VisitBlock(BlockSyntax node) => node.WithStatements(List(RewriteList(node.Statements)));

        public override SyntaxNode? VisitSwitchSection(SwitchSectionSyntax node) => node.WithStatements(List(RewriteList(node.Statements)));

        public override SyntaxNode? VisitReturnStatement(ReturnStatementSyntax node)
        {
            var statements = Hand(node);
            return statements.Count == 1 ? statements[0].WithTriviaFrom(node) : MultiLineBlock(statements);
        }

        /// <summary><c>return e;</c> when unwinding: <c>e</c> is the value of the call in the frame below.</summary>
        private List<StatementSyntax> Hand(ReturnStatementSyntax node)
        {
            if (Loops > 0)
            {
                // continue would go round that loop, not ours.
                _failed = true;
            }

            var statements = new List<StatementSyntax>();
            if (_resultName is not null && node.Expression is { } value)
            {
                statements.Add(ExpressionStatement(AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, IdentifierName(_resultName), value.WithoutTrivia()))
                    .WithLeadingTrivia(node.GetLeadingTrivia()));
            }

            statements.Add(ContinueStatement());
            return statements;
        }
    }

    private static DataFlowAnalysis? DataFlow(SemanticModel model, StatementSyntax statement)
    {
        try
        {
            return model.AnalyzeDataFlow(statement);
        }
        catch (System.ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Whether control can fall out of the statements from <paramref name="first"/> to <paramref name="last"/>; null when that cannot be told.</summary>
    private static bool? EndPointIsReachable(SemanticModel model, StatementSyntax first, StatementSyntax last)
    {
        try
        {
            var controlFlow = model.AnalyzeControlFlow(first, last);
            return controlFlow is { Succeeded: true } ? controlFlow.EndPointIsReachable : null;
        }
        catch (System.ArgumentException)
        {
            return null;
        }
    }

    private static List<StatementSyntax> DropTrailingContinue(List<StatementSyntax> statements)
    {
        if (statements.Count > 0 && statements[statements.Count - 1] is ContinueStatementSyntax)
        {
            statements.RemoveAt(statements.Count - 1);
        }

        return statements;
    }

    /// <summary>A node's span, to skip the call and the spilled operands when reading the rest of a site's statement.</summary>
    private readonly struct TextSpanHolder
    {
        private readonly SyntaxNode _node;

        public TextSpanHolder(SyntaxNode node) => _node = node;

        public bool Contains(SyntaxNode node) => node.SyntaxTree == _node.SyntaxTree && _node.Span.Contains(node.Span) && node != _node.Parent;
    }
}
