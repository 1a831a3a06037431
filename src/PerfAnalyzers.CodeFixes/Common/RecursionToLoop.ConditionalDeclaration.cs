using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace PerfAnalyzers.CodeFixes.Common;

/// <summary>
/// Issue #17: a local declared with the self-call in one branch of <c>?:</c> (<c>var older = e.Previous == null ?
/// new List&lt;string&gt;() : History(e.Previous);</c>, <c>var inherited = r.Base is null ? Permission.None :
/// Effective(r.Base);</c>) becomes <c>T x; if (c) { x = a; } else { x = F(..); }</c>. The condition is evaluated once,
/// first, and only the chosen branch runs, as before; the self-call is then a statement of its own, which the explicit
/// stack splits at. Only where each branch converts to the local's type without running code (an identity, reference,
/// null or default conversion) and the conditional's value is the local's type, so assigning each branch directly gives
/// the same value as assigning the conditional.
/// </summary>
internal static partial class RecursionToLoop
{
    private sealed partial class StackBuilder
    {
        /// <summary>
        /// The call's statement is <c>local = ..F(..)..;</c>: the local had no value before, so the value cannot read
        /// it (the compiler checks definite assignment), and the rest assigns it before anything else reads it.
        /// </summary>
        private bool IsAssignedByCall(Site site, ILocalSymbol local) =>
            site.Statement is ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment } &&
            assignment.Left is IdentifierNameSyntax target &&
            SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(target, _cancellationToken).Symbol, local) &&
            assignment.Right.Span.Contains(CallNode(site.Call.Invocation, _method).Span);
    }

    private sealed partial class Normalizer
    {
        public bool IsConditionalDeclaration(LocalDeclarationStatementSyntax declaration)
        {
            if (declaration.Parent is not (BlockSyntax or SwitchSectionSyntax) || declaration.UsingKeyword != default || declaration.AwaitKeyword != default ||
                declaration.Modifiers.Count > 0 || declaration.Declaration.Type is RefTypeSyntax || declaration.Declaration.Variables.Count != 1 ||
                declaration.Declaration.Variables[0].Initializer?.Value is not { } value || Strip(value) is not ConditionalExpressionSyntax conditional ||
                HasSelfCall(conditional.Condition) || HasSelfCall(conditional.WhenTrue) == HasSelfCall(conditional.WhenFalse))
            {
                return false;
            }

            if (_model.GetDeclaredSymbol(declaration.Declaration.Variables[0], _cancellationToken) is not ILocalSymbol { Type: { TypeKind: not TypeKind.Error } localType } local ||
                local.IsRef || localType.IsAnonymousType || localType.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer)
            {
                return false;
            }

            var whole = _model.GetTypeInfo(conditional, _cancellationToken);
            if (whole.Type is not null && !SymbolEqualityComparer.Default.Equals(whole.Type, localType) ||
                whole.ConvertedType is not null && !SymbolEqualityComparer.Default.Equals(whole.ConvertedType, localType))
            {
                return false;
            }

            return ConvertsPlainly(conditional.WhenTrue, localType) && ConvertsPlainly(conditional.WhenFalse, localType);
        }

        private bool ConvertsPlainly(ExpressionSyntax branch, ITypeSymbol localType)
        {
            if (Strip(branch) is ThrowExpressionSyntax)
            {
                return true;
            }

            var conversion = _model.ClassifyConversion(branch, localType);
            return conversion.Exists && conversion.IsImplicit && !conversion.IsUserDefined &&
                   (conversion.IsIdentity || conversion.IsReference || conversion.IsNullLiteral || conversion.IsDefaultLiteral);
        }

        /// <summary><c>var x = c ? a : F(..);</c> becomes <c>T x; if (c) { x = a; } else { x = F(..); }</c>.</summary>
        public List<StatementSyntax> SplitConditional(LocalDeclarationStatementSyntax declaration)
        {
            var declarator = declaration.Declaration.Variables[0];
            var conditional = (ConditionalExpressionSyntax)Strip(declarator.Initializer!.Value);
            var type = declaration.Declaration.Type;
            if (type.IsVar)
            {
                var local = (ILocalSymbol)_model.GetDeclaredSymbol(declarator, _cancellationToken)!;
                type = ParseTypeName(local.Type.ToMinimalDisplayString(_model, declaration.SpanStart));
            }

            var name = IdentifierName(declarator.Identifier.ValueText);
            var first = declaration.WithDeclaration(VariableDeclaration(type.WithoutTrivia().WithTrailingTrivia(Space), SingletonSeparatedList(VariableDeclarator(declarator.Identifier.WithoutTrivia()))));
            return new List<StatementSyntax>
            {
                first.WithoutLeadingTrivia(),
                IfStatement(
                    conditional.Condition.WithoutTrivia(),
                    MultiLineBlock(new[] { Assign(name, conditional.WhenTrue) }),
                    ElseClause(MultiLineBlock(new[] { Assign(name, conditional.WhenFalse) }))),
            };
        }

        private static StatementSyntax Assign(IdentifierNameSyntax name, ExpressionSyntax branch) => Strip(branch) is ThrowExpressionSyntax thrown
            ? ThrowStatement(thrown.Expression.WithoutTrivia())
            : ExpressionStatement(AssignmentExpression(SyntaxKind.SimpleAssignmentExpression, name, branch.WithoutTrivia()));
    }
}
