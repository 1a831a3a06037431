using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PerfAnalyzers.CodeFixes.Common;

/// <summary>
/// Members of C# 14 <c>extension(Type type) { ... }</c> blocks. The fixes build against Roslyn 4.5, which has neither
/// <c>TypeKind.Extension</c> nor <c>ExtensionBlockDeclarationSyntax</c>, so both are recognised by shape: the member's
/// containing type has the kind's value, and the block's receiver is the one parameter of the parameter list that is a
/// child of the block's declaration. Under an older compiler no type has that kind, and every answer is "not a member".
/// </summary>
internal static class ExtensionBlocks
{
    /// <summary><c>TypeKind.Extension</c> (Roslyn 4.14 and later; enum values of the public API do not change).</summary>
    private const TypeKind ExtensionTypeKind = (TypeKind)14;

    /// <summary>The symbol is declared in an extension block (instance or static member).</summary>
    public static bool IsMember(ISymbol? symbol) => symbol?.ContainingType is { TypeKind: ExtensionTypeKind };

    /// <summary>
    /// The receiver parameter of an instance member of an extension block (<c>type</c> in <c>extension(Type type)</c>),
    /// read from the member's declaration in the tree of <paramref name="model"/>; null for anything else.
    /// </summary>
    public static IParameterSymbol? Receiver(SemanticModel model, IMethodSymbol method, CancellationToken cancellationToken)
    {
        if (method.IsStatic || !IsMember(method))
        {
            return null;
        }

        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree != model.SyntaxTree)
            {
                continue;
            }

            var block = reference.GetSyntax(cancellationToken).Parent;
            if (block?.ChildNodes().OfType<ParameterListSyntax>().FirstOrDefault() is { Parameters.Count: 1 } list &&
                model.GetDeclaredSymbol(list.Parameters[0], cancellationToken) is IParameterSymbol { Name.Length: > 0 } receiver &&
                SymbolEqualityComparer.Default.Equals(receiver.ContainingSymbol, method.ContainingType))
            {
                return receiver;
            }
        }

        return null;
    }

    /// <summary>
    /// A parameter of <paramref name="method"/> itself, or the receiver of the extension block it is an instance member
    /// of (each call gets its own, like the first parameter of a classic <c>this</c> extension method).
    /// </summary>
    public static bool IsOwnParameter(IParameterSymbol parameter, IMethodSymbol method) =>
        SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, method) ||
        (!method.IsStatic && IsMember(method) && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, method.ContainingType));
}
