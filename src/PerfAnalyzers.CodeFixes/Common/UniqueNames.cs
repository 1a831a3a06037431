using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace PerfAnalyzers.CodeFixes.Common;

/// <summary>Picks identifiers for code a fix introduces, so that they collide with nothing the code can see or use.</summary>
internal static class UniqueNames
{
    /// <summary>
    /// <paramref name="baseName"/>, or <c>baseName2</c>, <c>baseName3</c>, ...: the first that is not an identifier used
    /// anywhere in <paramref name="scope"/> (a local in another block of the method would clash, a field of that name
    /// would be shadowed) and that names no symbol visible at <paramref name="position"/>.
    /// </summary>
    public static string Pick(string baseName, SyntaxNode scope, SemanticModel model, int position)
    {
        var used = new HashSet<string>();
        foreach (var token in scope.DescendantTokens())
        {
            if (token.RawKind == (int)Microsoft.CodeAnalysis.CSharp.SyntaxKind.IdentifierToken)
            {
                used.Add(token.ValueText);
            }
        }

        var candidate = baseName;
        for (var suffix = 2; used.Contains(candidate) || model.LookupSymbols(position, name: candidate).Length > 0; suffix++)
        {
            candidate = baseName + suffix.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return candidate;
    }
}
