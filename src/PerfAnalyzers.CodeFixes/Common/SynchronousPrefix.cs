using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.CodeFixes.Common;

/// <summary>
/// PERF002: in <c>Task.WhenAll(xs.Select(async x =&gt; { prefix; await ...; }))</c> and in a loop that adds
/// <c>F(x)</c> to a list, the code before each element's first <c>await</c> runs one element at a time on the
/// caller's thread. <c>Parallel.ForEachAsync</c> and <c>BoundedParallel</c> run it on several threads at once, so a
/// prefix that writes shared state (fields, captured locals, a shared <c>List</c>/<c>Dictionary</c>/<c>StringBuilder</c>)
/// would race. This finds such writes, looking one or two calls deep into methods whose source is visible.
/// </summary>
internal static class SynchronousPrefix
{
    private static readonly HashSet<string> s_readOnlyMethods = new()
    {
        "TryGetValue", "ContainsKey", "ContainsValue", "Contains", "IndexOf", "LastIndexOf", "Find", "FindIndex", "FindLast",
        "FindLastIndex", "Exists", "TrueForAll", "ToArray", "GetValueOrDefault", "Equals", "GetHashCode", "ToString",
        "CopyTo", "GetEnumerator", "BinarySearch", "Peek", "TryPeek", "IsSubsetOf", "IsSupersetOf", "Overlaps", "SetEquals",
    };

    /// <summary>The selector: a lambda (its code up to the first await), or a method group (that method's).</summary>
    public static bool WritesSharedState(SemanticModel model, ExpressionSyntax selector, CancellationToken cancellationToken)
    {
        switch (selector)
        {
            case AnonymousFunctionExpressionSyntax lambda:
                return WritesSharedState(model, lambda, PrefixOf(lambda.Body, lambda.AsyncKeyword.IsKind(SyntaxKind.AsyncKeyword)), depth: 0, cancellationToken);
            default:
                return model.GetSymbolInfo(selector, cancellationToken) is { } info &&
                    (info.Symbol ?? info.CandidateSymbols.FirstOrDefault()) is IMethodSymbol method &&
                    MethodWrites(model.Compilation, method, depth: 0, cancellationToken);
        }
    }

    /// <summary>A work expression moved from a loop into a concurrently run lambda (the loop form).</summary>
    public static bool WritesSharedState(SemanticModel model, SyntaxNode scope, ExpressionSyntax work, CancellationToken cancellationToken) =>
        WritesSharedState(model, scope, new List<SyntaxNode> { work }, depth: 0, cancellationToken);

    /// <summary>Nodes that may run before the first await: up to and including the first await's operand.</summary>
    private static List<SyntaxNode> PrefixOf(SyntaxNode body, bool isAsync)
    {
        if (!isAsync)
        {
            return new List<SyntaxNode> { body };
        }

        var firstAwait = body.DescendantNodes(n => n is not AnonymousFunctionExpressionSyntax and not LocalFunctionStatementSyntax)
            .OfType<AwaitExpressionSyntax>().FirstOrDefault();
        if (firstAwait is null)
        {
            return new List<SyntaxNode> { body };
        }

        if (body is not BlockSyntax block)
        {
            return new List<SyntaxNode> { body }; // an expression body: all of it (a slight over-approximation)
        }

        // The body's statement that holds the first await; when the await sits in a branch or a loop of it, code
        // after that statement may also run before any await: then the whole body counts.
        var statement = firstAwait.Ancestors().OfType<StatementSyntax>().FirstOrDefault(a => a.Parent == block);
        if (statement is null || statement is not (ExpressionStatementSyntax or LocalDeclarationStatementSyntax or ReturnStatementSyntax))
        {
            return new List<SyntaxNode> { body };
        }

        var prefix = new List<SyntaxNode>();
        foreach (var s in block.Statements)
        {
            prefix.Add(s);
            if (s == statement)
            {
                break;
            }
        }

        return prefix;
    }

    private static bool WritesSharedState(SemanticModel model, SyntaxNode scope, List<SyntaxNode> prefix, int depth, CancellationToken cancellationToken)
    {
        foreach (var root in prefix)
        {
            foreach (var node in root.DescendantNodesAndSelf(n => n is not AnonymousFunctionExpressionSyntax and not LocalFunctionStatementSyntax and not LockStatementSyntax))
            {
                if (node is LockStatementSyntax)
                {
                    continue; // writes under a lock are already synchronised
                }

                if (model.GetOperation(node, cancellationToken) is not { } operation)
                {
                    continue;
                }

                switch (operation)
                {
                    case IAssignmentOperation assignment when IsShared(assignment.Target, scope):
                    case IIncrementOrDecrementOperation increment when IsShared(increment.Target, scope):
                        return true;
                    case IInvocationOperation invocation:
                        if (InvocationWrites(model.Compilation, invocation, scope, depth, cancellationToken))
                        {
                            return true;
                        }

                        break;
                }
            }
        }

        return false;
    }

    private static bool InvocationWrites(Compilation compilation, IInvocationOperation invocation, SyntaxNode scope, int depth, CancellationToken cancellationToken)
    {
        var method = invocation.TargetMethod;
        var container = method.ContainingType?.ToDisplayString();
        if (container is "System.Threading.Interlocked" or "System.Threading.Volatile" or "System.Threading.Monitor")
        {
            return false;
        }

        // ref/out arguments that write a field or a captured variable.
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out && IsShared(argument.Value, scope))
            {
                return true;
            }
        }

        // A mutating call on a shared collection or builder that is not thread-safe.
        if (invocation.Instance is { } receiver && IsShared(receiver, scope) && IsUnsafeMutable(receiver.Type) && !s_readOnlyMethods.Contains(method.Name))
        {
            return true;
        }

        return MethodWrites(compilation, method, depth + 1, cancellationToken);
    }

    /// <summary>A source method that writes a field (or calls one that does), up to two calls deep; metadata methods are trusted.</summary>
    private static bool MethodWrites(Compilation compilation, IMethodSymbol method, int depth, CancellationToken cancellationToken)
    {
        if (depth > 2)
        {
            return false;
        }

        foreach (var reference in method.OriginalDefinition.DeclaringSyntaxReferences)
        {
            var declaration = reference.GetSyntax(cancellationToken);
            if (!compilation.ContainsSyntaxTree(declaration.SyntaxTree))
            {
                continue;
            }

            var model = compilation.GetSemanticModel(declaration.SyntaxTree);
            SyntaxNode? body = declaration switch
            {
                BaseMethodDeclarationSyntax m => (SyntaxNode?)m.Body ?? m.ExpressionBody,
                LocalFunctionStatementSyntax l => (SyntaxNode?)l.Body ?? l.ExpressionBody,
                _ => null,
            };
            if (body is not null && WritesSharedState(model, declaration, PrefixOf(body, method.IsAsync), depth, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A field (any), a static property, a property of shared state, or a local/parameter declared outside <paramref name="scope"/>.</summary>
    private static bool IsShared(IOperation target, SyntaxNode scope)
    {
        while (target is IConversionOperation or IParenthesizedOperation)
        {
            target = target is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)target).Operand;
        }

        switch (target)
        {
            case IFieldReferenceOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver } }:
                return false;
            case IFieldReferenceOperation:
                return true;
            case IPropertyReferenceOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver } }:
                return false; // a member set in an object initializer: the object is new
            case IPropertyReferenceOperation property:
                return property.Instance is null || property.Instance is IInstanceReferenceOperation || IsShared(property.Instance, scope);
            case IArrayElementReferenceOperation element:
                return IsShared(element.ArrayReference, scope);
            case ILocalReferenceOperation local:
                return !DeclaredInside(local.Local, scope);
            case IParameterReferenceOperation parameter:
                return !DeclaredInside(parameter.Parameter, scope);
            case IInstanceReferenceOperation:
                return true;
            default:
                return false;
        }
    }

    private static bool DeclaredInside(ISymbol symbol, SyntaxNode scope)
    {
        foreach (var reference in symbol.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == scope.SyntaxTree && scope.Span.Contains(reference.Span))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsUnsafeMutable(ITypeSymbol? type)
    {
        if (type is null)
        {
            return false;
        }

        var ns = type.ContainingNamespace?.ToDisplayString();
        return ns is "System.Collections.Generic" or "System.Collections" or "System.Collections.ObjectModel" ||
            type.ToDisplayString() == "System.Text.StringBuilder" ||
            type.AllInterfaces.Any(i => i.ToDisplayString().StartsWith("System.Collections.Generic.ICollection<", System.StringComparison.Ordinal)) &&
            ns?.StartsWith("System.Collections.Concurrent", System.StringComparison.Ordinal) != true &&
            ns?.StartsWith("System.Collections.Immutable", System.StringComparison.Ordinal) != true;
    }
}
