using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace PerfAnalyzers.Common;

/// <summary>
/// Interface questions answered on a type's generic definition (issue #18, analyzer cost). A constructed generic type
/// (<c>List&lt;Order&gt;</c>, <c>IQueryable&lt;Item&gt;</c>) is often a new symbol at each call site, and its
/// <c>AllInterfaces</c> are substituted anew for each one; its definition's are computed once. Type arguments only
/// substitute inside the interfaces, so the constructed type implements a given <b>non-generic</b> interface
/// (<c>IQueryable</c>, <c>IEnumerable</c>), an interface of a given <b>definition</b> (<c>IAsyncEnumerable&lt;T&gt;</c>) or
/// an interface of a given <b>name and namespace</b> exactly when its definition does. Not for questions about type
/// arguments (<c>IEnumerable&lt;string&gt;</c>).
/// </summary>
internal static class DefinitionInterfaces
{
    /// <summary>The interfaces of <paramref name="type"/>'s definition when it is a named type; otherwise its own.</summary>
    public static ImmutableArray<INamedTypeSymbol> Of(ITypeSymbol type) =>
        (type is INamedTypeSymbol named ? named.OriginalDefinition : type).AllInterfaces;
}
