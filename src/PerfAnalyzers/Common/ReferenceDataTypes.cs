using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfAnalyzers.Common;

/// <summary>
/// A repetition over reference data whose count an administrator sets, not the data (issue #18 section 2): the
/// application's languages or currencies (smartstore: one localized value or slug saved per <c>Language</c>). Matched by
/// the element type's name, from <c>perf_analyzers.&lt;ID&gt;.reference_data_types</c> (names separated by commas; default
/// <see cref="Default"/>; a multi-store shop can add <c>Store</c>, which a retail chain's data would not want). A
/// round-trip per such element is reported at Info.
/// </summary>
internal static class ReferenceDataTypes
{
    internal const string Option = "reference_data_types";

    internal const string Default = "Language,Currency";

    private static readonly ConcurrentDictionary<string, HashSet<string>> Parsed = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="loop"/> repeats over elements whose type is named in <paramref name="names"/> (from <see cref="NamesFor"/>).</summary>
    public static bool IsOverReferenceData(in LoopContext loop, HashSet<string> names) =>
        loop.ElementType is INamedTypeSymbol { TypeKind: TypeKind.Class or TypeKind.Struct or TypeKind.Interface } named && names.Contains(named.Name);

    /// <summary>The reference data type names configured for <paramref name="tree"/> and rule <paramref name="ruleId"/>.</summary>
    public static HashSet<string> NamesFor(AnalyzerOptions options, SyntaxTree tree, string ruleId)
    {
        var raw = RuleOptions.TryGetRaw(options, tree, ruleId, Option, out var configured) ? configured : Default;
        return Parsed.GetOrAdd(raw, static value => new HashSet<string>(RuleOptions.SplitNames(value), StringComparer.Ordinal));
    }
}
