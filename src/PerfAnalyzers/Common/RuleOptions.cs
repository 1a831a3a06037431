using System;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfAnalyzers.Common;

/// <summary>
/// Reads rule options from .editorconfig. A rule option is looked up first as
/// <c>perf_analyzers.&lt;ID&gt;.&lt;name&gt;</c>, then as the pack-wide <c>perf_analyzers.&lt;name&gt;</c>.
/// Malformed values fall back to the default: an analyzer must never throw on user configuration.
/// </summary>
internal static class RuleOptions
{
    internal const string Prefix = "perf_analyzers.";

    internal static bool TryGetRaw(AnalyzerOptions options, SyntaxTree tree, string ruleId, string name, out string value)
    {
        var config = options.AnalyzerConfigOptionsProvider.GetOptions(tree);
        if (ruleId.Length != 0 && config.TryGetValue(Prefix + ruleId + "." + name, out var ruleValue) && ruleValue is not null)
        {
            value = ruleValue.Trim();
            return true;
        }

        if (config.TryGetValue(Prefix + name, out var globalValue) && globalValue is not null)
        {
            value = globalValue.Trim();
            return true;
        }

        value = string.Empty;
        return false;
    }

    internal static int GetInt32(AnalyzerOptions options, SyntaxTree tree, string ruleId, string name, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        if (TryGetRaw(options, tree, ruleId, name, out var raw) &&
            int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) &&
            parsed >= min && parsed <= max)
        {
            return parsed;
        }

        return defaultValue;
    }

    internal static bool GetBoolean(AnalyzerOptions options, SyntaxTree tree, string ruleId, string name, bool defaultValue)
    {
        if (TryGetRaw(options, tree, ruleId, name, out var raw) && bool.TryParse(raw, out var parsed))
        {
            return parsed;
        }

        return defaultValue;
    }

    /// <summary>Reads a <see cref="TimeSpan"/> written as <c>hh:mm:ss</c> (or <c>d.hh:mm:ss</c>); must be positive.</summary>
    internal static TimeSpan GetTimeSpan(AnalyzerOptions options, SyntaxTree tree, string ruleId, string name, TimeSpan defaultValue)
    {
        if (TryGetRaw(options, tree, ruleId, name, out var raw) &&
            TimeSpan.TryParse(raw, CultureInfo.InvariantCulture, out var parsed) &&
            parsed > TimeSpan.Zero)
        {
            return parsed;
        }

        return defaultValue;
    }
}
