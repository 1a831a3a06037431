using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace PerfAnalyzers.CodeFixes.Common;

/// <summary>
/// The first step of both conversions: a returned value that chooses between a self-call and something else becomes
/// statements, so that the self-call ends up alone in a <c>return</c>. <c>return c ? a : F(..)</c> becomes
/// <c>if (c) { return a; } return F(..);</c>; <c>return x ?? F(..)</c> becomes <c>if (x is { } value) { return value; }
/// return F(..);</c>; <c>return e &amp;&amp; F(..)</c> (built-in <c>bool</c>) becomes <c>if (!e) { return false; } return F(..);</c>
/// and <c>||</c> likewise; an exhaustive <c>switch</c> expression becomes a <c>switch</c> statement whose sections return
/// the arms; <c>return throw e;</c> becomes <c>throw e;</c>. A local declared as <c>var x = a ?? F(..);</c> becomes
/// <c>var x = a; if (x is null) { x = F(..); }</c>. Each keeps the order of evaluation and the short circuit.
/// </summary>
internal static partial class RecursionToLoop
{
    private static readonly SyntaxAnnotation FlattenAnnotation = new("PerfAnalyzers.RecursionToLoop.Flatten");

    /// <summary>The method with its returns (and coalesced declarations) normalized, or null when nothing needed it (or something could not be).</summary>
    private static SyntaxNode? Normalize(SemanticModel model, SyntaxNode method, IMethodSymbol symbol, HashSet<SyntaxNode> selfCalls, bool toBlock, CancellationToken cancellationToken)
    {
        var (block, arrow) = BodyOf(method);
        var version = ((CSharpParseOptions)method.SyntaxTree.Options).LanguageVersion;
        var normalizer = new Normalizer(model, selfCalls, version, UniqueNames.IdentifiersIn(method), cancellationToken);
        if (arrow is not null)
        {
            if (symbol.ReturnsVoid)
            {
                if (!toBlock)
                {
                    return null;
                }

                return WithBlockBody(method, arrow, MultiLineBlock(new[] { (StatementSyntax)ExpressionStatement(arrow.Expression.WithoutTrivia()) }));
            }

            if (!toBlock && !normalizer.Needs(arrow.Expression))
            {
                return null;
            }

            var statements = normalizer.Return(arrow.Expression);
            return normalizer.Failed ? null : WithBlockBody(method, arrow, MultiLineBlock(statements));
        }

        if (block is null)
        {
            return null;
        }

        var normalized = block.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            .Where(n => n is ReturnStatementSyntax { Expression: { } e } && normalizer.Needs(e) ||
                        n is LocalDeclarationStatementSyntax declaration && (normalizer.IsCoalescedDeclaration(declaration) || normalizer.IsConditionalDeclaration(declaration)))
            .ToList();
        if (normalized.Count == 0)
        {
            return null;
        }

        var replaced = block.ReplaceNodes(normalized, (original, _) =>
            MultiLineBlock(original switch
                {
                    ReturnStatementSyntax returned => normalizer.Return(returned.Expression!),
                    LocalDeclarationStatementSyntax declaration when normalizer.IsCoalescedDeclaration(declaration) => normalizer.SplitCoalesce(declaration),
                    _ => normalizer.SplitConditional((LocalDeclarationStatementSyntax)original),
                })
                .WithLeadingTrivia(original.GetLeadingTrivia()).WithAdditionalAnnotations(FlattenAnnotation));
        if (normalizer.Failed)
        {
            return null;
        }

        return method.ReplaceNode(block, Flatten(replaced));
    }

    private static (BlockSyntax? Block, ArrowExpressionClauseSyntax? Arrow) BodyOf(SyntaxNode method) => method switch
    {
        MethodDeclarationSyntax declaration => (declaration.Body, declaration.ExpressionBody),
        LocalFunctionStatementSyntax localFunction => (localFunction.Body, localFunction.ExpressionBody),
        _ => (null, null),
    };

    private static SyntaxNode WithBlockBody(SyntaxNode method, ArrowExpressionClauseSyntax arrow, BlockSyntax body)
    {
        var semicolon = method is MethodDeclarationSyntax m ? m.SemicolonToken : ((LocalFunctionStatementSyntax)method).SemicolonToken;
        body = body.WithTrailingTrivia(semicolon.TrailingTrivia);
        var beforeArrow = arrow.ArrowToken.GetPreviousToken();
        var trimmed = method.ReplaceToken(beforeArrow, beforeArrow.WithTrailingTrivia());
        return trimmed switch
        {
            MethodDeclarationSyntax declaration => declaration.WithExpressionBody(null).WithSemicolonToken(default).WithBody(body),
            _ => ((LocalFunctionStatementSyntax)trimmed).WithExpressionBody(null).WithSemicolonToken(default).WithBody(body),
        };
    }

    /// <summary>Blocks that replaced one return are spliced into the statement list that held the return.</summary>
    private static BlockSyntax Flatten(BlockSyntax block) => (BlockSyntax)new Flattener().Visit(block);

    private sealed class Flattener : CSharpSyntaxRewriter
    {
        public override SyntaxNode? VisitBlock(BlockSyntax node)
        {
            var visited = (BlockSyntax)base.VisitBlock(node)!;
            return visited.WithStatements(Splice(visited.Statements));
        }

        public override SyntaxNode? VisitSwitchSection(SwitchSectionSyntax node)
        {
            var visited = (SwitchSectionSyntax)base.VisitSwitchSection(node)!;
            return visited.WithStatements(Splice(visited.Statements));
        }

        private static SyntaxList<StatementSyntax> Splice(SyntaxList<StatementSyntax> statements)
        {
            if (!statements.Any(s => s.HasAnnotation(FlattenAnnotation)))
            {
                return statements;
            }

            var result = new List<StatementSyntax>();
            foreach (var statement in statements)
            {
                if (statement is BlockSyntax inner && inner.HasAnnotation(FlattenAnnotation))
                {
                    for (var i = 0; i < inner.Statements.Count; i++)
                    {
                        result.Add(i == 0 ? inner.Statements[i].WithLeadingTrivia(statement.GetLeadingTrivia()) : inner.Statements[i]);
                    }
                }
                else
                {
                    result.Add(statement);
                }
            }

            return List(result);
        }
    }

    private sealed partial class Normalizer
    {
        private readonly SemanticModel _model;
        private readonly HashSet<SyntaxNode> _selfCalls;
        private readonly LanguageVersion _version;
        private readonly HashSet<string> _names;
        private readonly CancellationToken _cancellationToken;

        public Normalizer(SemanticModel model, HashSet<SyntaxNode> selfCalls, LanguageVersion version, HashSet<string> names, CancellationToken cancellationToken)
        {
            _model = model;
            _selfCalls = selfCalls;
            _version = version;
            _names = names;
            _cancellationToken = cancellationToken;
        }

        public bool Failed { get; private set; }

        private bool HasSelfCall(SyntaxNode node) => node.DescendantNodesAndSelf(n => n is not AnonymousFunctionExpressionSyntax).Any(_selfCalls.Contains);

        /// <summary>The returned expression chooses between a self-call and something else.</summary>
        public bool Needs(ExpressionSyntax expression) => Strip(expression) switch
        {
            ConditionalExpressionSyntax conditional => HasSelfCall(conditional.WhenTrue) || HasSelfCall(conditional.WhenFalse),
            BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.CoalesceExpression) => HasSelfCall(binary.Right),
            BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.LogicalAndExpression) || binary.IsKind(SyntaxKind.LogicalOrExpression) =>
                HasSelfCall(binary.Right) && IsBuiltInBoolean(binary),
            SwitchExpressionSyntax switchExpression => switchExpression.Arms.Any(a => HasSelfCall(a.Expression)),
            AwaitExpressionSyntax awaited => AwaitedChoice(awaited) is not null,
            _ => false,
        };

        /// <summary>
        /// <c>await (c ? x : F(..))</c> in an async method: the awaited conditional whose branches each have the
        /// conditional's own type (so <c>await x</c> and <c>await F(..)</c> await the same values), or a <c>throw</c>.
        /// </summary>
        private ConditionalExpressionSyntax? AwaitedChoice(AwaitExpressionSyntax awaited) => AwaitedChoice(awaited.Expression);

        private ConditionalExpressionSyntax? AwaitedChoice(ExpressionSyntax operand)
        {
            if (Strip(operand) is not ConditionalExpressionSyntax conditional ||
                !(HasSelfCall(conditional.WhenTrue) || HasSelfCall(conditional.WhenFalse)) ||
                _model.GetTypeInfo(conditional, _cancellationToken).Type is not { TypeKind: not TypeKind.Error } type)
            {
                return null;
            }

            // The same type up to nullable annotations: a branch declared in `#nullable disable` code (bitwarden's
            // MockedHttpClient mixes both) is oblivious, which changes no value at run time; a nullable warning the
            // split would add still blocks the fix (the final check).
            foreach (var branch in new[] { conditional.WhenTrue, conditional.WhenFalse })
            {
                if (Strip(branch) is not ThrowExpressionSyntax &&
                    !SymbolEqualityComparer.Default.Equals(_model.GetTypeInfo(branch, _cancellationToken).Type, type))
                {
                    return null;
                }
            }

            return conditional;
        }

        /// <summary>Statements that do what <c>return await operand;</c> does (operand is a node of the original tree).</summary>
        private List<StatementSyntax> ReturnAwaited(ExpressionSyntax operand)
        {
            var stripped = Strip(operand);
            if (stripped is ThrowExpressionSyntax thrown)
            {
                return new List<StatementSyntax> { ThrowStatement(thrown.Expression.WithoutTrivia()) };
            }

            if (AwaitedChoice(stripped) is { } choice)
            {
                // return await (c ? x : F(..)) => if (c) { return await x; } return await F(..);
                var result = new List<StatementSyntax> { IfStatement(choice.Condition.WithoutTrivia(), MultiLineBlock(ReturnAwaited(choice.WhenTrue))) };
                result.AddRange(ReturnAwaited(choice.WhenFalse));
                return result;
            }

            var bare = stripped.WithoutTrivia();
            return new List<StatementSyntax>
            {
                ReturnStatement(AwaitExpression(bare is InvocationExpressionSyntax or IdentifierNameSyntax or MemberAccessExpressionSyntax or ElementAccessExpressionSyntax
                    ? bare
                    : ParenthesizedExpression(bare))),
            };
        }

        /// <summary>
        /// <c>var x = a ?? F(..);</c> (smartstore's <c>var parentPath = parentNode.TreePath.NullEmpty() ?? parentNode.BuildTreePath();</c>):
        /// one local whose initializer's right operand holds a self-call, where <c>a</c> has the type of the whole
        /// <c>??</c> (up to nullable annotations), so that the local can hold <c>a</c> first.
        /// </summary>
        public bool IsCoalescedDeclaration(LocalDeclarationStatementSyntax declaration)
        {
            if (declaration.Parent is not (BlockSyntax or SwitchSectionSyntax) || declaration.UsingKeyword != default || declaration.AwaitKeyword != default ||
                declaration.Modifiers.Count > 0 || declaration.Declaration.Type is RefTypeSyntax || declaration.Declaration.Variables.Count != 1 ||
                declaration.Declaration.Variables[0].Initializer?.Value is not { } value ||
                Strip(value) is not BinaryExpressionSyntax coalesce || !coalesce.IsKind(SyntaxKind.CoalesceExpression) ||
                !HasSelfCall(coalesce.Right) || HasSelfCall(coalesce.Left) || _version < LanguageVersion.CSharp7)
            {
                return false;
            }

            var leftType = _model.GetTypeInfo(coalesce.Left, _cancellationToken).Type;
            var type = _model.GetTypeInfo(coalesce, _cancellationToken).Type;
            return leftType is { TypeKind: not TypeKind.Error } && SymbolEqualityComparer.Default.Equals(leftType, type);
        }

        /// <summary>
        /// <c>var x = a ?? F(..);</c> becomes <c>var x = a; if (x is null) { x = F(..); }</c>: <c>a</c> is evaluated once,
        /// and the right operand only when it is null, as before; the self-call is then a statement of its own.
        /// </summary>
        public List<StatementSyntax> SplitCoalesce(LocalDeclarationStatementSyntax declaration)
        {
            var declarator = declaration.Declaration.Variables[0];
            var coalesce = (BinaryExpressionSyntax)Strip(declarator.Initializer!.Value);
            var name = IdentifierName(declarator.Identifier.ValueText);
            var first = declaration.WithDeclaration(declaration.Declaration.WithVariables(SingletonSeparatedList(
                declarator.WithInitializer(declarator.Initializer.WithValue(coalesce.Left.WithoutTrivia())))));
            var assignment = ExpressionStatement(AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, name, coalesce.Right.WithoutTrivia()));
            var test = IsPatternExpression(name, ConstantPattern(LiteralExpression(SyntaxKind.NullLiteralExpression)));
            return new List<StatementSyntax> { first.WithoutLeadingTrivia(), IfStatement(test, MultiLineBlock(new[] { (StatementSyntax)assignment })) };
        }

        private bool IsBuiltInBoolean(BinaryExpressionSyntax binary) =>
            _model.GetOperation(binary, _cancellationToken) is IBinaryOperation { OperatorMethod: null, Type.SpecialType: SpecialType.System_Boolean };

        /// <summary>Statements that do what <c>return expression;</c> does.</summary>
        public List<StatementSyntax> Return(ExpressionSyntax expression)
        {
            var stripped = Strip(expression);
            switch (stripped)
            {
                case ThrowExpressionSyntax thrown:
                    return new List<StatementSyntax> { ThrowStatement(thrown.Expression.WithoutTrivia()) };
                case ConditionalExpressionSyntax conditional when Needs(conditional):
                {
                    var result = new List<StatementSyntax> { IfStatement(conditional.Condition.WithoutTrivia(), MultiLineBlock(Return(conditional.WhenTrue))) };
                    result.AddRange(Return(conditional.WhenFalse));
                    return result;
                }

                case BinaryExpressionSyntax coalesce when coalesce.IsKind(SyntaxKind.CoalesceExpression) && Needs(coalesce):
                {
                    if (_version < LanguageVersion.CSharp8)
                    {
                        Failed = true;
                        return new List<StatementSyntax> { ReturnStatement(expression.WithoutTrivia()) };
                    }

                    // x ?? F(..): x is evaluated once; when it is not null it is the value.
                    var name = UniqueNames.Pick("value", _names.Contains);
                    _names.Add(name);
                    var left = coalesce.Left.WithoutTrivia();
                    var leftText = left is IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or ElementAccessExpressionSyntax or ParenthesizedExpressionSyntax
                        ? left.ToString()
                        : "(" + left + ")";
                    var test = ParseExpression(leftText + " is { } " + name);
                    var result = new List<StatementSyntax> { IfStatement(test, MultiLineBlock(new[] { (StatementSyntax)ReturnStatement(IdentifierName(name)) })) };
                    result.AddRange(Return(coalesce.Right));
                    return result;
                }

                case BinaryExpressionSyntax logical when (logical.IsKind(SyntaxKind.LogicalAndExpression) || logical.IsKind(SyntaxKind.LogicalOrExpression)) && Needs(logical):
                {
                    // e && F(..): false when e is false, else F(..); e || F(..): true when e is true, else F(..).
                    var isAnd = logical.IsKind(SyntaxKind.LogicalAndExpression);
                    var condition = isAnd ? Negate(logical.Left) : logical.Left.WithoutTrivia();
                    var answer = LiteralExpression(isAnd ? SyntaxKind.FalseLiteralExpression : SyntaxKind.TrueLiteralExpression);
                    var result = new List<StatementSyntax> { IfStatement(condition, MultiLineBlock(new[] { (StatementSyntax)ReturnStatement(answer) })) };
                    result.AddRange(Return(logical.Right));
                    return result;
                }

                case SwitchExpressionSyntax switchExpression when Needs(switchExpression):
                    return new List<StatementSyntax> { SwitchStatement(switchExpression) };
                case AwaitExpressionSyntax awaited when AwaitedChoice(awaited) is not null:
                    return ReturnAwaited(awaited.Expression);
                default:
                    return new List<StatementSyntax> { ReturnStatement(expression.WithoutTrivia()) };
            }
        }

        private StatementSyntax SwitchStatement(SwitchExpressionSyntax switchExpression)
        {
            // A switch expression that is not exhaustive throws when nothing matches; a switch statement would not.
            if (_model.GetOperation(switchExpression, _cancellationToken) is not ISwitchExpressionOperation { IsExhaustive: true })
            {
                Failed = true;
                return ReturnStatement(switchExpression.WithoutTrivia());
            }

            var sections = new List<SwitchSectionSyntax>();
            foreach (var arm in switchExpression.Arms)
            {
                SwitchLabelSyntax label = arm.Pattern is DiscardPatternSyntax && arm.WhenClause is null
                    ? DefaultSwitchLabel()
                    : arm.Pattern is ConstantPatternSyntax constant && arm.WhenClause is null
                    ? CaseSwitchLabel(Token(SyntaxKind.CaseKeyword).WithTrailingTrivia(Space), constant.Expression.WithoutTrivia(), Token(SyntaxKind.ColonToken))
                    : CasePatternSwitchLabel(
                        Token(SyntaxKind.CaseKeyword).WithTrailingTrivia(Space),
                        arm.Pattern is DiscardPatternSyntax ? ((IsPatternExpressionSyntax)ParseExpression("_ is var _")).Pattern : arm.Pattern.WithoutTrivia(),
                        arm.WhenClause?.WithoutTrivia(),
                        Token(SyntaxKind.ColonToken));
                sections.Add(SwitchSection(SingletonList(label), List(Return(arm.Expression))));
            }

            return SyntaxFactory.SwitchStatement(switchExpression.GoverningExpression.WithoutTrivia()).WithSections(List(sections));
        }

        /// <summary>The negation of a condition, written plainly where that keeps the meaning (<c>!=</c> for <c>==</c>, <c>is not</c>).</summary>
        private ExpressionSyntax Negate(ExpressionSyntax condition)
        {
            var stripped = Strip(condition);
            switch (stripped)
            {
                case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not:
                    return Parenthesize(not.Operand);
                case LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.TrueLiteralExpression) || literal.IsKind(SyntaxKind.FalseLiteralExpression):
                    return LiteralExpression(literal.IsKind(SyntaxKind.TrueLiteralExpression) ? SyntaxKind.FalseLiteralExpression : SyntaxKind.TrueLiteralExpression);
                case BinaryExpressionSyntax equality when (equality.IsKind(SyntaxKind.EqualsExpression) || equality.IsKind(SyntaxKind.NotEqualsExpression)) &&
                    _model.GetOperation(equality, _cancellationToken) is IBinaryOperation { OperatorMethod: null }:
                    return BinaryExpression(
                        equality.IsKind(SyntaxKind.EqualsExpression) ? SyntaxKind.NotEqualsExpression : SyntaxKind.EqualsExpression,
                        equality.Left.WithoutTrivia(),
                        equality.Right.WithoutTrivia());
                case BinaryExpressionSyntax relational when Flipped(relational.Kind()) is { } flipped &&
                    _model.GetOperation(relational, _cancellationToken) is IBinaryOperation { OperatorMethod: null } comparison &&
                    IsExactlyOrdered(comparison.LeftOperand.Type) && IsExactlyOrdered(comparison.RightOperand.Type):
                    // Integers are totally ordered (no NaN): !(a > 0) is a <= 0.
                    return BinaryExpression(flipped, relational.Left.WithoutTrivia(), relational.Right.WithoutTrivia());
                case IsPatternExpressionSyntax isPattern when _version >= LanguageVersion.CSharp9 &&
                    !isPattern.Pattern.DescendantNodesAndSelf().OfType<SingleVariableDesignationSyntax>().Any():
                    return isPattern.Pattern is UnaryPatternSyntax { RawKind: (int)SyntaxKind.NotPattern } negated
                        ? IsPatternExpression(isPattern.Expression.WithoutTrivia(), negated.Pattern.WithoutTrivia())
                        : IsPatternExpression(isPattern.Expression.WithoutTrivia(), UnaryPattern(Token(SyntaxKind.NotKeyword), isPattern.Pattern.WithoutTrivia()));
                default:
                    return PrefixUnaryExpression(SyntaxKind.LogicalNotExpression, ParenthesizedExpression(stripped.WithoutTrivia()).WithAdditionalAnnotations(Simplifier.Annotation));
            }
        }
    }

    private static SyntaxKind? Flipped(SyntaxKind kind) => kind switch
    {
        SyntaxKind.LessThanExpression => SyntaxKind.GreaterThanOrEqualExpression,
        SyntaxKind.LessThanOrEqualExpression => SyntaxKind.GreaterThanExpression,
        SyntaxKind.GreaterThanExpression => SyntaxKind.LessThanOrEqualExpression,
        SyntaxKind.GreaterThanOrEqualExpression => SyntaxKind.LessThanExpression,
        _ => null,
    };

    private static bool IsExactlyOrdered(ITypeSymbol? type) => type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 or
        SpecialType.System_UInt32 or SpecialType.System_UInt64 or SpecialType.System_Int16 or SpecialType.System_UInt16 or
        SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Char;

    private static ExpressionSyntax Strip(ExpressionSyntax expression)
    {
        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        return expression;
    }
}
