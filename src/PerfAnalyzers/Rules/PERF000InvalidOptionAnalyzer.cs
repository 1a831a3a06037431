using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using PerfAnalyzers.Common;

namespace PerfAnalyzers.Rules;

/// <summary>
/// PERF000: a <c>perf_analyzers.*</c> option whose value does not parse or is out of range, or whose key no rule reads
/// (with the nearest known key). Each distinct key and value is reported once per compilation, at its end, with no source
/// location (an .editorconfig line has none the analyzer could point at): the options of every file are collected first
/// (files share option sets, so each set is read once), so a key set for the whole project is not reported once per file.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PERF000InvalidOptionAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.PERF000InvalidOption);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var problems = new ConcurrentDictionary<(string Key, string Value), string>();
            var seen = new ConcurrentDictionary<AnalyzerConfigOptions, bool>(ReferenceComparer.Instance);
            var provider = start.Options.AnalyzerConfigOptionsProvider;
            Collect(provider.GlobalOptions, seen, problems);
            start.RegisterSyntaxTreeAction(tree => Collect(provider.GetOptions(tree.Tree), seen, problems));
            start.RegisterCompilationEndAction(end =>
            {
                var found = new List<KeyValuePair<(string Key, string Value), string>>(problems);
                found.Sort((a, b) =>
                {
                    var byKey = string.CompareOrdinal(a.Key.Key, b.Key.Key);
                    return byKey != 0 ? byKey : string.CompareOrdinal(a.Key.Value, b.Key.Value);
                });
                foreach (var problem in found)
                {
                    end.ReportDiagnostic(Diagnostic.Create(Descriptors.PERF000InvalidOption, Location.None, problem.Key.Key, problem.Key.Value, problem.Value));
                }
            });
        });
    }

    private static void Collect(AnalyzerConfigOptions options, ConcurrentDictionary<AnalyzerConfigOptions, bool> seen, ConcurrentDictionary<(string Key, string Value), string> problems)
    {
        if (!seen.TryAdd(options, true))
        {
            return;
        }

        IEnumerable<string> keys;
        try
        {
            keys = options.Keys;
        }
        catch (NotImplementedException)
        {
            return; // a host whose options cannot list their keys: nothing to check
        }

        foreach (var key in keys)
        {
            if (key is null || !key.StartsWith(RuleOptions.Prefix, StringComparison.OrdinalIgnoreCase) || !options.TryGetValue(key, out var value))
            {
                continue;
            }

            value = value?.Trim() ?? string.Empty;
            var display = Canonical(key);
            if (Check(options, key, value) is { } problem)
            {
                problems.TryAdd((display, value), problem);
            }
        }
    }

    /// <summary>Null when the option is known and valid; else what is wrong and what happens instead.</summary>
    internal static string? Check(AnalyzerConfigOptions options, string key, string value)
    {
        var rest = key.Substring(RuleOptions.Prefix.Length);
        var dot = rest.IndexOf('.');
        var ruleId = dot < 0 ? null : rest.Substring(0, dot);
        var name = dot < 0 ? rest : rest.Substring(dot + 1);

        KnownOption? match = null;
        var defaults = new List<string>();
        foreach (var option in RuleOptions.Known)
        {
            if (!string.Equals(option.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (ruleId is null)
            {
                match ??= option;
                defaults.Add(option.RuleId + ": " + option.DefaultValue);
            }
            else if (string.Equals(option.RuleId, ruleId, StringComparison.OrdinalIgnoreCase))
            {
                match = option;
            }
        }

        if (match is null)
        {
            var nearest = Nearest(key);
            return "no rule reads this option, so it has no effect" + (nearest is null ? "; the options are listed in rules/README.md" : "; did you mean '" + nearest + "'?");
        }

        if (match.IsValid(value))
        {
            return null;
        }

        var problem = (value.Length == 0 ? "the value is empty" : "not valid")
            + (match.Kind == OptionKind.TimeSpan && IsBareNumber(value) ? " (a number alone has no unit)" : "")
            + "; expected " + match.ExpectedForm;
        if (ruleId is null)
        {
            return problem + "; " + (defaults.Count == 1 ? "the default (" + match.DefaultValue + ")" : "each rule's default (" + string.Join("; ", defaults) + ")")
                + " is used unless a rule-specific key is set";
        }

        // An invalid rule-specific value falls back to a valid pack-wide one (RuleOptions reads them in that order).
        return options.TryGetValue(match.PackWideKey, out var packWide) && match.IsValid(packWide)
            ? problem + "; the pack-wide value " + match.PackWideKey + " = " + packWide!.Trim() + " is used"
            : problem + "; the default (" + match.DefaultValue + ") is used";
    }

    private static bool IsBareNumber(string value)
    {
        foreach (var c in value)
        {
            if (c is (< '0' or > '9') and not '.' and not '-' and not '+')
            {
                return false;
            }
        }

        return value.Length > 0;
    }

    /// <summary>The key as the rule pages write it: the rule ID in capitals (hosts may pass keys lower-cased).</summary>
    internal static string Canonical(string key)
    {
        var rest = key.Substring(RuleOptions.Prefix.Length);
        var dot = rest.IndexOf('.');
        if (dot > 0 && rest.StartsWith("perf", StringComparison.OrdinalIgnoreCase))
        {
            rest = rest.Substring(0, dot).ToUpperInvariant() + rest.Substring(dot);
        }

        return RuleOptions.Prefix + rest;
    }

    /// <summary>The known key closest to <paramref name="key"/> (edit distance, transpositions count one), if close enough to be a typo.</summary>
    internal static string? Nearest(string key)
    {
        var lower = key.ToLowerInvariant();
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var option in RuleOptions.Known)
        {
            foreach (var candidate in new[] { option.RuleKey, option.PackWideKey })
            {
                var distance = Distance(lower, candidate.ToLowerInvariant());
                if (distance < bestDistance)
                {
                    bestDistance = distance;
                    best = candidate;
                }
            }
        }

        // Past the common prefix, a typo changes a few characters, not a third of the name.
        var nameLength = Math.Max(1, key.Length - RuleOptions.Prefix.Length);
        return bestDistance <= Math.Max(2, nameLength / 3) ? best : null;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, d[i - 2, j - 2] + 1);
                }

                d[i, j] = value;
            }
        }

        return d[a.Length, b.Length];
    }

    private sealed class ReferenceComparer : IEqualityComparer<AnalyzerConfigOptions>
    {
        public static readonly ReferenceComparer Instance = new();

        public bool Equals(AnalyzerConfigOptions? x, AnalyzerConfigOptions? y) => ReferenceEquals(x, y);

        public int GetHashCode(AnalyzerConfigOptions obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }
}
