using System;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using PerfAnalyzers.Rules;

namespace PerfAnalyzers.Common;

/// <summary>
/// Reads rule options from .editorconfig. A rule option is looked up first as
/// <c>perf_analyzers.&lt;ID&gt;.&lt;name&gt;</c>, then as the pack-wide <c>perf_analyzers.&lt;name&gt;</c>: a value that
/// does not parse or is out of range is skipped, so a malformed rule-specific value never hides a valid pack-wide one, and
/// the default is used when neither is valid. An analyzer must never throw on user configuration; PERF000
/// (<see cref="PERF000InvalidOptionAnalyzer"/>) reports every invalid value and unknown key from <see cref="Known"/>.
/// </summary>
internal static class RuleOptions
{
    internal const string Prefix = "perf_analyzers.";

    /// <summary>
    /// Every option the pack reads: one line per rule and option, with its form, range and default (as the messages show
    /// it). PERF000 reports a <c>perf_analyzers.*</c> key that is not here. Adding an option is adding a line.
    /// </summary>
    internal static readonly KnownOption[] Known =
    {
        //  rule       option                     form                 default (as shown)                                                   range
        new("PERF001", "max_constant_iterations", OptionKind.Int32, Int(PERF001StringConcatenationInLoopAnalyzer.DefaultMaxConstantIterations), min: 0),
        new("PERF002", "max_constant_iterations", OptionKind.Int32, Int(PERF002UnboundedTaskSpawningAnalyzer.DefaultMaxConstantIterations), min: 0),
        new("PERF002", "default_max_concurrency", OptionKind.Int32, "ProcessorCount for CPU work, 16 for async I/O", min: 1),
        new("PERF003", "max_constant_iterations", OptionKind.Int32, Int(PERF003NPlusOneQueryAnalyzer.DefaultMaxConstantIterations), min: 0),
        new("PERF003", "data_access_types", OptionKind.Text, "types whose name ends in Repository"),
        new("PERF003", "batch_size", OptionKind.Int32, "not set: one query for all keys", min: 1),
        new("PERF003", ReferenceDataTypes.Option, OptionKind.Text, ReferenceDataTypes.Default),
        new("PERF004", "include_tree_recursion", OptionKind.Boolean, "false"),
        new("PERF004", RecursionDepth.HierarchyMembersOption, OptionKind.Text, "Parent, BaseType, InnerException, DeclaringType and similar"),
        new("PERF005", RecursionDepth.HierarchyMembersOption, OptionKind.Text, "Parent, BaseType, InnerException, DeclaringType and similar"),
        new("PERF006", "default_cache_ttl", OptionKind.TimeSpan, PERF006CacheEntryWithoutExpirationAnalyzer.DefaultTtl.ToString("c", CultureInfo.InvariantCulture)),
        new("PERF007", "default_queue_capacity", OptionKind.Int32, Int(PERF007UnboundedQueueAnalyzer.DefaultCapacity), min: 1),
    };

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

    /// <summary>The names of a list option's value: separated by commas, semicolons or spaces, trimmed, empty entries left out.</summary>
    internal static string[] SplitNames(string raw)
    {
        var parts = raw.Split(new[] { ',', ';', ' ' }, StringSplitOptions.RemoveEmptyEntries);
        var names = new System.Collections.Generic.List<string>(parts.Length);
        foreach (var part in parts)
        {
            var name = part.Trim();
            if (name.Length != 0)
            {
                names.Add(name);
            }
        }

        return names.ToArray();
    }

    internal static int GetInt32(AnalyzerOptions options, SyntaxTree tree, string ruleId, string name, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        var config = options.AnalyzerConfigOptionsProvider.GetOptions(tree);
        if ((ruleId.Length != 0 && config.TryGetValue(Prefix + ruleId + "." + name, out var raw) && TryParseInt32(raw, min, max, out var parsed))
            || (config.TryGetValue(Prefix + name, out raw) && TryParseInt32(raw, min, max, out parsed)))
        {
            return parsed;
        }

        return defaultValue;
    }

    internal static bool GetBoolean(AnalyzerOptions options, SyntaxTree tree, string ruleId, string name, bool defaultValue)
    {
        var config = options.AnalyzerConfigOptionsProvider.GetOptions(tree);
        if ((ruleId.Length != 0 && config.TryGetValue(Prefix + ruleId + "." + name, out var raw) && TryParseBoolean(raw, out var parsed))
            || (config.TryGetValue(Prefix + name, out raw) && TryParseBoolean(raw, out parsed)))
        {
            return parsed;
        }

        return defaultValue;
    }

    /// <summary>Reads a positive <see cref="TimeSpan"/>: <c>hh:mm:ss</c> (or <c>d.hh:mm:ss</c>), or a whole number with a unit: <c>30s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c>.</summary>
    internal static TimeSpan GetTimeSpan(AnalyzerOptions options, SyntaxTree tree, string ruleId, string name, TimeSpan defaultValue)
    {
        var config = options.AnalyzerConfigOptionsProvider.GetOptions(tree);
        if ((ruleId.Length != 0 && config.TryGetValue(Prefix + ruleId + "." + name, out var raw) && TryParseTimeSpan(raw, out var parsed))
            || (config.TryGetValue(Prefix + name, out raw) && TryParseTimeSpan(raw, out parsed)))
        {
            return parsed;
        }

        return defaultValue;
    }

    internal static bool TryParseInt32(string? raw, int min, int max, out int value) =>
        int.TryParse(raw?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    internal static bool TryParseBoolean(string? raw, out bool value) => bool.TryParse(raw?.Trim(), out value);

    /// <summary>
    /// A positive duration: <c>hh:mm:ss</c> with optional days and fractions (<c>1.00:00:00</c>, <c>00:00:00.250</c>), or a
    /// whole number with a unit (<c>30s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c>). A number alone (<c>30</c>) has no unit and
    /// is refused (TimeSpan.Parse would read it as days), as is <c>5:00</c> (hours and minutes, or minutes and seconds?).
    /// </summary>
    internal static bool TryParseTimeSpan(string? raw, out TimeSpan value)
    {
        value = default;
        var text = raw?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            return false;
        }

        if (text.IndexOf(':') >= 0)
        {
            var colons = 0;
            foreach (var c in text)
            {
                colons += c == ':' ? 1 : 0;
            }

            return colons == 2 && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value > TimeSpan.Zero;
        }

        long ticksPerUnit = char.ToLowerInvariant(text[text.Length - 1]) switch
        {
            's' => TimeSpan.TicksPerSecond,
            'm' => TimeSpan.TicksPerMinute,
            'h' => TimeSpan.TicksPerHour,
            'd' => TimeSpan.TicksPerDay,
            _ => 0,
        };
        if (ticksPerUnit == 0
            || !long.TryParse(text.Substring(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count <= 0
            || count > TimeSpan.MaxValue.Ticks / ticksPerUnit)
        {
            return false;
        }

        value = TimeSpan.FromTicks(count * ticksPerUnit);
        return true;
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>How an option's value is written.</summary>
internal enum OptionKind
{
    Int32,
    Boolean,
    TimeSpan,

    /// <summary>Free text (a list of names…): any value is accepted.</summary>
    Text,
}

/// <summary>One option a rule reads: <c>perf_analyzers.&lt;RuleId&gt;.&lt;Name&gt;</c>, also <c>perf_analyzers.&lt;Name&gt;</c>.</summary>
internal sealed class KnownOption(string ruleId, string name, OptionKind kind, string defaultValue, int min = int.MinValue, int max = int.MaxValue)
{
    public string RuleId { get; } = ruleId;

    public string Name { get; } = name;

    public OptionKind Kind { get; } = kind;

    /// <summary>The default as the PERF000 message shows it.</summary>
    public string DefaultValue { get; } = defaultValue;

    public int Min { get; } = min;

    public int Max { get; } = max;

    public string RuleKey => RuleOptions.Prefix + RuleId + "." + Name;

    public string PackWideKey => RuleOptions.Prefix + Name;

    /// <summary>What a valid value looks like, for the PERF000 message.</summary>
    public string ExpectedForm => Kind switch
    {
        OptionKind.Int32 when Min == int.MinValue && Max == int.MaxValue => "a whole number",
        OptionKind.Int32 when Max == int.MaxValue => "a whole number, at least " + Min.ToString(CultureInfo.InvariantCulture),
        OptionKind.Int32 => "a whole number from " + Min.ToString(CultureInfo.InvariantCulture) + " to " + Max.ToString(CultureInfo.InvariantCulture),
        OptionKind.Boolean => "true or false",
        OptionKind.TimeSpan => "a positive duration, hh:mm:ss (00:05:00, 1.00:00:00) or a whole number with a unit (30s, 5m, 2h, 1d)",
        _ => "text",
    };

    public bool IsValid(string? raw) => Kind switch
    {
        OptionKind.Int32 => RuleOptions.TryParseInt32(raw, Min, Max, out _),
        OptionKind.Boolean => RuleOptions.TryParseBoolean(raw, out _),
        OptionKind.TimeSpan => RuleOptions.TryParseTimeSpan(raw, out _),
        _ => true,
    };
}
