using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace PerfAnalyzers.CodeFixes.Common;

/// <summary>Picks identifiers for code a fix introduces, so that they collide with nothing the code can see or use.</summary>
internal static class UniqueNames
{
    /// <summary>
    /// <paramref name="baseName"/>, or <c>baseName2</c>, <c>baseName3</c>, ...: the first that is not an identifier used
    /// anywhere in <paramref name="scope"/> (a local in another block of the method would clash, a field of that name
    /// would be shadowed) and that names no symbol visible at <paramref name="position"/>.
    /// </summary>
    public static string Pick(string baseName, SyntaxNode scope, SemanticModel model, int position, int firstSuffix = 2)
    {
        var used = IdentifiersIn(scope);
        return Pick(baseName, candidate => used.Contains(candidate) || model.LookupSymbols(position, name: candidate).Length > 0, firstSuffix);
    }

    /// <summary><paramref name="baseName"/>, or <paramref name="baseName"/> with the first numeric suffix from <paramref name="firstSuffix"/> on that <paramref name="isTaken"/> accepts.</summary>
    public static string Pick(string baseName, Func<string, bool> isTaken, int firstSuffix = 2)
    {
        var candidate = baseName;
        for (var suffix = firstSuffix; isTaken(candidate); suffix++)
        {
            candidate = baseName + suffix.ToString(CultureInfo.InvariantCulture);
        }

        return candidate;
    }

    /// <summary>Every identifier written in <paramref name="scope"/>.</summary>
    public static HashSet<string> IdentifiersIn(SyntaxNode scope)
    {
        var used = new HashSet<string>();
        foreach (var token in scope.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.IdentifierToken))
            {
                used.Add(token.ValueText);
            }
        }

        return used;
    }
}
