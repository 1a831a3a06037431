using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PerfAnalyzers.CodeFixes;

public sealed partial class PERF001UseStringBuilderCodeFix
{
    /// <summary>
    /// "Use StringBuilder" for a string that may be null when the loop starts
    /// (<c>string? message = null; foreach (..) { if (message is null) message = "Done:"; message += x; }</c>). The
    /// builder is null exactly when the string is: it is created from the string's value before the loop (null stays
    /// null), an append to a null string appends to a new empty builder (<c>null + x</c> is <c>x</c>), a null test of the
    /// string tests the builder, <c>s = null</c> sets the builder to null, <c>s = e</c> (e a non-null string that does
    /// not read s) makes a new builder from <c>e</c>, and after the loop <c>s = sBuilder?.ToString()</c>. Any other use
    /// of the string in the loop, and prepends, get no fix.
    /// </summary>
    private sealed class NullStart
    {
        private readonly bool _declaredNull;
        private readonly bool _annotate;
        private readonly ISymbol _local;
        private readonly SemanticModel _model;
        private readonly CancellationToken _cancellationToken;

        private NullStart(bool declaredNull, bool annotate, ISymbol local, SemanticModel model, CancellationToken cancellationToken)
        {
            _declaredNull = declaredNull;
            _annotate = annotate;
            _local = local;
            _model = model;
            _cancellationToken = cancellationToken;
        }

        public static NullStart? Create(StatementSyntax loop, ISymbol local, SyntaxNode scope, ExpressionSyntax? initializer, SemanticModel model, CancellationToken cancellationToken)
        {
            if (loop.SyntaxTree.Options is not CSharpParseOptions { LanguageVersion: >= LanguageVersion.CSharp8 })
            {
                return null; // ??= is C# 8
            }

            // A variable declared non-nullable in nullable code (a parameter a caller in an oblivious context may still
            // pass null) would get a warning from `s = sBuilder?.ToString()`: no fix, as before.
            var type = local switch
            {
                ILocalSymbol l => l.Type,
                IParameterSymbol p => p.Type,
                _ => null,
            };
            if (type is null || type.NullableAnnotation == NullableAnnotation.NotAnnotated)
            {
                return null;
            }

            // Declared `= null` with no use between the declaration and the loop: the builder starts as null too, and
            // the compiler's nullable analysis of the builder follows that of the string step by step.
            var declaredNull = false;
            if (local is ILocalSymbol && initializer is not null &&
                model.GetConstantValue(initializer, cancellationToken) is { HasValue: true, Value: null } &&
                initializer.FirstAncestorOrSelf<LocalDeclarationStatementSyntax>() is { } declaration)
            {
                declaredNull = !scope.DescendantNodes()
                    .OfType<IdentifierNameSyntax>()
                    .Any(n => n.SpanStart >= declaration.Span.End && n.Span.End <= loop.SpanStart && n.Identifier.ValueText == local.Name &&
                              SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(n, cancellationToken).Symbol, local));
            }

            var annotate = (model.GetNullableContext(loop.SpanStart) & NullableContext.AnnotationsEnabled) != 0;
            return new NullStart(declaredNull, annotate, local, model, cancellationToken);
        }

        /// <summary>The declaration of the builder, before the loop.</summary>
        public string Declaration(string builder, string type, string local) => _declaredNull
            ? $"{type}{(_annotate ? "?" : string.Empty)} {builder} = null;"
            : $"var {builder} = {local} is null ? null : new {type}({local});";

        /// <summary>
        /// The receiver of an append: the builder where the compiler knows the string is not null there (so it knows
        /// the builder is not null either), else <c>(sBuilder ??= new StringBuilder())</c>.
        /// </summary>
        public string Receiver(AssignmentExpressionSyntax append, string builder, string type)
        {
            var read = append.IsKind(SyntaxKind.SimpleAssignmentExpression)
                ? append.Right.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().FirstOrDefault(IsLocal)
                : append.Left;
            return _declaredNull && read is not null && _model.GetTypeInfo(read, _cancellationToken).Nullability.FlowState == NullableFlowState.NotNull
                ? builder
                : $"({builder} ??= new {type}())";
        }

        private bool IsLocal(IdentifierNameSyntax name) =>
            name.Identifier.ValueText == _local.Name && SymbolEqualityComparer.Default.Equals(_model.GetSymbolInfo(name, _cancellationToken).Symbol, _local);

        /// <summary>A use of the string in the loop other than an append: a null test, or an assignment of null or of a non-null string.</summary>
        public static bool TryRewriteReference(
            IdentifierNameSyntax reference,
            ISymbol local,
            string builder,
            string type,
            List<SyntaxNode> appends,
            SemanticModel model,
            Dictionary<SyntaxNode, SyntaxNode> replacements,
            CancellationToken cancellationToken)
        {
            if (appends.Any(a => a.Span.Contains(reference.Span)))
            {
                return false;
            }

            if (IsInNameOf(reference))
            {
                return true;
            }

            if (IsNullTestOperand(reference))
            {
                replacements.Add(reference, SyntaxFactory.IdentifierName(builder).WithTriviaFrom(reference));
                return true;
            }

            if (reference.Parent is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Parent: ExpressionStatementSyntax } assignment &&
                assignment.Left == reference)
            {
                if (model.GetConstantValue(assignment.Right, cancellationToken) is { HasValue: true, Value: null })
                {
                    replacements.Add(assignment, SyntaxFactory.ParseExpression($"{builder} = null").WithTriviaFrom(assignment));
                    return true;
                }

                if (model.GetTypeInfo(assignment.Right, cancellationToken).Type?.SpecialType == SpecialType.System_String &&
                    IsNonNull(assignment.Right, model, cancellationToken) &&
                    !assignment.Right.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(n => n.Identifier.ValueText == local.Name))
                {
                    replacements.Add(assignment, SyntaxFactory.ParseExpression($"{builder} = new {type}({assignment.Right.WithoutTrivia().ToFullString()})").WithTriviaFrom(assignment));
                    return true;
                }
            }

            return false;
        }

        /// <summary><c>s is null</c>, <c>s is not null</c>, <c>s == null</c>, <c>s != null</c>, <c>null == s</c>, <c>null != s</c>.</summary>
        private static bool IsNullTestOperand(IdentifierNameSyntax reference) => reference.Parent switch
        {
            IsPatternExpressionSyntax pattern when pattern.Expression == reference =>
                pattern.Pattern is ConstantPatternSyntax { Expression: LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NullLiteralExpression } } or
                    UnaryPatternSyntax { Pattern: ConstantPatternSyntax { Expression: LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NullLiteralExpression } } },
            BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.EqualsExpression) || binary.IsKind(SyntaxKind.NotEqualsExpression) =>
                (binary.Left == reference ? binary.Right : binary.Left) is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NullLiteralExpression },
            _ => false,
        };
    }
}
