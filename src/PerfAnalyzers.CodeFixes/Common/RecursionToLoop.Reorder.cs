using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;

namespace PerfAnalyzers.CodeFixes.Common;

internal static partial class RecursionToLoop
{
    /// <summary>
    /// The compiler's nullable analysis reads a tuple assignment one element at a time, as if each target were assigned
    /// before the next value is evaluated: <c>(node, acc) = (node.Next, acc + node.Value)</c> warns (CS8602) on
    /// <c>node.Value</c>, although every value is evaluated before any target changes. Where a reassignment warns, its
    /// elements are put in an order in which no value reads a target assigned before it
    /// (<c>(acc, node) = (acc + node.Value, node.Next)</c>). The order of evaluation changes, so this is done only when
    /// every value is free of side effects and can throw nothing but a null dereference: locals, parameters, constants,
    /// fields and properties without arguments, unchecked built-in operators other than <c>/</c> and <c>%</c>.
    /// A reassignment whose line is longer than 120 characters gets one value per line (<see cref="LineWrapping"/>).
    /// </summary>
    private static async Task<Document> ReorderWarningReassignmentsAsync(Document document, SyntaxAnnotation methodAnnotation, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root?.GetAnnotatedNodes(methodAnnotation).FirstOrDefault() is not { } method || model is null)
        {
            return document;
        }

        var replacements = new Dictionary<SyntaxNode, SyntaxNode>();
        foreach (var node in method.GetAnnotatedNodes(ReassignmentAnnotation))
        {
            if (node is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { Left: TupleExpressionSyntax targets, Right: TupleExpressionSyntax values } assignment } ||
                targets.Arguments.Count != values.Arguments.Count)
            {
                continue;
            }

            var newAssignment = assignment;
            if (model.GetDiagnostics(assignment.Span, cancellationToken).Any(d => d.Id.StartsWith("CS86", System.StringComparison.Ordinal)) &&
                ReorderedForNullableAnalysis(model, targets, values, cancellationToken) is { } order)
            {
                newAssignment = assignment
                    .WithLeft(targets.WithArguments(SeparatedList(order.Select(i => targets.Arguments[i]), targets.Arguments.GetSeparators())))
                    .WithRight(values.WithArguments(SeparatedList(order.Select(i => values.Arguments[i]), values.Arguments.GetSeparators())));
            }

            // A reassignment longer than a line gets its values one per line.
            newAssignment = newAssignment.WithRight(LineWrapping.WrapTupleIfLong((TupleExpressionSyntax)newAssignment.Right, values, root));
            if (newAssignment != assignment)
            {
                replacements.Add(assignment, newAssignment);
            }
        }

        return replacements.Count == 0
            ? document
            : document.WithSyntaxRoot(root.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]));
    }

    /// <summary>The element order (a stable topological order: a value that reads a target comes before that target's element), or null.</summary>
    private static List<int>? ReorderedForNullableAnalysis(SemanticModel model, TupleExpressionSyntax targets, TupleExpressionSyntax values, CancellationToken cancellationToken)
    {
        var count = targets.Arguments.Count;
        var targetSymbols = new ISymbol?[count];
        for (var i = 0; i < count; i++)
        {
            targetSymbols[i] = model.GetSymbolInfo(targets.Arguments[i].Expression, cancellationToken).Symbol;
            if (targetSymbols[i] is not (ILocalSymbol or IParameterSymbol) ||
                model.GetOperation(values.Arguments[i].Expression, cancellationToken) is not { } value ||
                !CanBeReordered(value))
            {
                return null;
            }
        }

        // mustPrecede[i] holds j when value i reads target j: element i must come before element j.
        var readsTarget = new bool[count, count];
        for (var i = 0; i < count; i++)
        {
            foreach (var name in values.Arguments[i].Expression.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>())
            {
                var symbol = model.GetSymbolInfo(name, cancellationToken).Symbol;
                for (var j = 0; j < count; j++)
                {
                    if (i != j && SymbolEqualityComparer.Default.Equals(symbol, targetSymbols[j]))
                    {
                        readsTarget[i, j] = true;
                    }
                }
            }
        }

        var order = new List<int>();
        var placed = new bool[count];
        while (order.Count < count)
        {
            var next = -1;
            for (var j = 0; j < count && next < 0; j++)
            {
                if (placed[j])
                {
                    continue;
                }

                // j may go next when no unplaced value still reads its target.
                var free = true;
                for (var i = 0; i < count && free; i++)
                {
                    free = placed[i] || !readsTarget[i, j];
                }

                if (free)
                {
                    next = j;
                }
            }

            if (next < 0)
            {
                return null; // a cycle ((a, b) = (b, a)): no order helps
            }

            placed[next] = true;
            order.Add(next);
        }

        for (var i = 0; i < count; i++)
        {
            if (order[i] != i)
            {
                return order;
            }
        }

        return null;
    }

    /// <summary>
    /// Side-effect free (<see cref="Plan.IsPure"/> with reads) and unable to throw anything but a null dereference: no
    /// checked arithmetic, no division, no array element (an index out of range would come in another order).
    /// </summary>
    private static bool CanBeReordered(IOperation operation) =>
        Plan.IsPure(operation, allowReads: true) &&
        !operation.DescendantsAndSelf().Any(o => o is IBinaryOperation { IsChecked: true } or IConversionOperation { IsChecked: true } or IUnaryOperation { IsChecked: true } or
            IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide or BinaryOperatorKind.Remainder } or IArrayElementReferenceOperation or
            IPropertyReferenceOperation { Arguments.Length: > 0 });

    /// <summary>
    /// The value an omitted optional argument passes (<c>WithExistingFolder(dir)</c> for <c>bool exists = true</c>), as
    /// syntax for the reassignment: a literal (<c>true</c>, <c>3</c>, <c>"x"</c>, <c>null</c>), an enum member cast
    /// (<c>(Mode)1</c>), or <c>default(T)</c>; null for anything else.
    /// </summary>
    private static ExpressionSyntax? DefaultValueSyntax(IParameterSymbol parameter, IOperation value)
    {
        var type = parameter.Type;
        var typeSyntax = ParseTypeName(type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)).WithAdditionalAnnotations(Microsoft.CodeAnalysis.Simplification.Simplifier.Annotation);
        if (!value.ConstantValue.HasValue)
        {
            return value is IDefaultValueOperation ? DefaultExpression(typeSyntax) : null;
        }

        var constant = value.ConstantValue.Value;
        if (constant is null)
        {
            return type.IsValueType && type.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T
                ? DefaultExpression(typeSyntax)
                : LiteralExpression(SyntaxKind.NullLiteralExpression);
        }

        ExpressionSyntax? literal = constant switch
        {
            bool b => LiteralExpression(b ? SyntaxKind.TrueLiteralExpression : SyntaxKind.FalseLiteralExpression),
            string s => LiteralExpression(SyntaxKind.StringLiteralExpression, Literal(s)),
            char c => LiteralExpression(SyntaxKind.CharacterLiteralExpression, Literal(c)),
            int i => LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(i)),
            long l => LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(l)),
            uint u => LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(u)),
            ulong ul => LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(ul)),
            double d when !double.IsNaN(d) && !double.IsInfinity(d) => LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(d)),
            float f when !float.IsNaN(f) && !float.IsInfinity(f) => LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(f)),
            decimal m => LiteralExpression(SyntaxKind.NumericLiteralExpression, Literal(m)),
            _ => null,
        };

        if (literal is null)
        {
            return null;
        }

        // An enum, a short or byte, or a nullable value: the literal is cast to the parameter's type.
        var underlying = type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T ? ((INamedTypeSymbol)type).TypeArguments[0] : type;
        var literalIsTyped = underlying.SpecialType switch
        {
            SpecialType.System_Boolean => constant is bool,
            SpecialType.System_String => constant is string,
            SpecialType.System_Char => constant is char,
            SpecialType.System_Int32 => constant is int,
            SpecialType.System_Int64 => constant is long,
            SpecialType.System_UInt32 => constant is uint,
            SpecialType.System_UInt64 => constant is ulong,
            SpecialType.System_Double => constant is double,
            SpecialType.System_Single => constant is float,
            SpecialType.System_Decimal => constant is decimal,
            _ => false,
        };
        return literalIsTyped && SymbolEqualityComparer.Default.Equals(underlying, type)
            ? literal
            : CastExpression(typeSyntax, literal is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NumericLiteralExpression } && constant is int or long or double or float or decimal && System.Convert.ToDouble(constant, System.Globalization.CultureInfo.InvariantCulture) < 0
                ? ParenthesizedExpression(literal)
                : literal);
    }
}
