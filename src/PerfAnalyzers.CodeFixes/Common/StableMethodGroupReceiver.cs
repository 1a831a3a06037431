using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.CodeFixes.Common;

/// <summary>
/// PERF002: a method group on another receiver (bitwarden's <c>tasks.AddRange(providerPlans.Select(providerPlanRepository.DeleteAsync))</c>)
/// reads its receiver once, when the delegate is created; the lambda that replaces it (<c>async item =&gt; { ..
/// await providerPlanRepository.DeleteAsync(item); .. }</c>) reads it once per element, later. The two read the same
/// object when the receiver is a variable that nothing assigns after it got its value, and call the same method when
/// nothing else of that name could be chosen: a parameter (also of a primary constructor) that is never assigned, a
/// local assigned only where it is declared, or a <c>readonly</c> field of <c>this</c> or a static one read outside a
/// constructor. A null receiver threw when the delegate was created, before any element (also for an empty source);
/// the lambda would throw per element: so the receiver must also be not null by the compiler's nullable analysis.
/// </summary>
internal static class StableMethodGroupReceiver
{
    public static bool IsStable(SemanticModel model, ExpressionSyntax selector, IMethodReferenceOperation reference, CancellationToken cancellationToken)
    {
        if (selector is not MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } access ||
            reference.Instance is null ||
            access.Expression.IsKind(SyntaxKind.SuppressNullableWarningExpression) ||
            model.GetTypeInfo(access.Expression, cancellationToken).Nullability.FlowState != NullableFlowState.NotNull ||
            reference.Instance.Type is not { } receiverType)
        {
            return false;
        }

        // One method of that name: the lambda's call binds to the method the group chose.
        var candidates = model.LookupSymbols(access.SpanStart, receiverType, reference.Method.Name, includeReducedExtensionMethods: true);
        if (candidates.Length != 1 || !SymbolEqualityComparer.Default.Equals(Definition(candidates[0]), Definition(reference.Method)))
        {
            return false;
        }

        var receiver = reference.Instance;
        while (receiver is IConversionOperation { IsImplicit: true } conversion)
        {
            receiver = conversion.Operand;
        }

        switch (receiver)
        {
            case IParameterReferenceOperation { Parameter: { RefKind: RefKind.None } parameter }:
                // A primary constructor's parameter lives as long as the object: no member may assign it.
                var scope = parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor &&
                    constructor.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) is TypeDeclarationSyntax
                    ? constructor.ContainingType.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken))
                    : parameter.ContainingSymbol.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken));
                return scope.All(node => !Assigns(model.Compilation, node, parameter, cancellationToken));
            case ILocalReferenceOperation { Local: { IsRef: false, IsConst: false } local }:
                return local.DeclaringSyntaxReferences.Length == 1 &&
                    local.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer: not null } declarator &&
                    declarator.FirstAncestorOrSelf<BlockSyntax>() is { } block &&
                    !Assigns(model.Compilation, block, local, cancellationToken);
            case IFieldReferenceOperation { Field: { IsReadOnly: true } field } fieldReference:
                return (field.IsStatic || fieldReference.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }) &&
                    model.GetEnclosingSymbol(access.SpanStart, cancellationToken) is not IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor };
            default:
                return false;
        }
    }

    private static ISymbol Definition(ISymbol symbol) => ((symbol as IMethodSymbol)?.ReducedFrom ?? symbol).OriginalDefinition;

    /// <summary>
    /// A use of <paramref name="variable"/> in <paramref name="scope"/> that may write it: the left side of an
    /// assignment (also inside a tuple), <c>++</c>/<c>--</c>, or a <c>ref</c>/<c>out</c>/<c>in</c> argument or <c>ref</c> expression.
    /// </summary>
    private static bool Assigns(Compilation compilation, SyntaxNode scope, ISymbol variable, CancellationToken cancellationToken)
    {
        if (!compilation.ContainsSyntaxTree(scope.SyntaxTree))
        {
            return true;
        }

        var model = compilation.GetSemanticModel(scope.SyntaxTree);
        foreach (var identifier in scope.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (identifier.Identifier.ValueText != variable.Name ||
                !SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(identifier, cancellationToken).Symbol, variable))
            {
                continue;
            }

            for (SyntaxNode child = identifier, parent = identifier.Parent!; parent is not null; child = parent, parent = parent.Parent!)
            {
                switch (parent)
                {
                    case AssignmentExpressionSyntax assignment when assignment.Left == child:
                    case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression }:
                    case PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression or (int)SyntaxKind.PostDecrementExpression }:
                    case ArgumentSyntax { RefKindKeyword.RawKind: not (int)SyntaxKind.None }:
                    case RefExpressionSyntax:
                        return true;
                    case TupleExpressionSyntax or ArgumentSyntax or ParenthesizedExpressionSyntax or DeclarationExpressionSyntax:
                        continue; // a tuple on the left of a deconstruction
                }

                break;
            }
        }

        return false;
    }
}
