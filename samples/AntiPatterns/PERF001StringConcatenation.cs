// PERF001: strings grown by concatenation in a loop. Each `+=` copies everything built so far: O(n²) time and garbage.
// `dotnet build samples/AntiPatterns` reports each case below; `dotnet format analyzers --diagnostics PERF001` fixes
// the ones the "Use StringBuilder" / "Use string.Join" fixes can rewrite without changing behaviour.
namespace AntiPatterns.Perf001;

public sealed record Donation(int Id, decimal Amount, string Donor);

public static class CsvExport
{
    // Fixable: a local built in a foreach, converted to a StringBuilder.
    public static string ExportSlow(IEnumerable<Donation> donations)
    {
        var csv = "id,amount,donor\n";
        foreach (var donation in donations)
        {
            csv += donation.Id + "," + donation.Amount + "," + donation.Donor + "\n";
        }

        return csv;
    }

    // Fixable: the Aggregate shape becomes string.Join(", ", donors).
    public static string DonorList(IEnumerable<string> donors) =>
        donors.Aggregate((a, b) => a + ", " + b);
}

public sealed class AuditLog
{
    private string _text = "";

    // Reported, no fix: a field outlives the method, so rewriting it could change what other code sees.
    public void Record(IReadOnlyList<string> events)
    {
        for (var i = 0; i < events.Count; i++)
        {
            _text += $"{i}: {events[i]}\n";
        }
    }

    public override string ToString() => _text;
}

public static class Paths
{
    // Fixable: the loop reads the string it builds (the length check); the fix reads the builder's Length instead.
    public static string Truncated(IEnumerable<string> segments, int maxLength)
    {
        var path = "";
        foreach (var segment in segments)
        {
            if (path.Length > maxLength)
            {
                break;
            }

            path = path + "/" + segment;
        }

        return path;
    }

    // Reported, fixed by "Use StringBuilder" with a stack of prefixes: each prepend pushes its prefix, and the stack
    // (read from the top, the last prefix first) is concatenated in front once after the loop.
    public static string FromLeafToRoot(IEnumerable<string> ancestors, string leaf)
    {
        var path = leaf;
        foreach (var ancestor in ancestors)
        {
            path = ancestor + "/" + path;
        }

        return path;
    }
}

public static class Wrapped
{
    // Fixable: a wrap per iteration is a prefix pushed on a stack and a suffix appended to a builder.
    public static string Nested(IEnumerable<string> tags)
    {
        var html = "text";
        foreach (var tag in tags)
        {
            html = $"<{tag}>{html}</{tag}>";
        }

        return html;
    }

    // Fixable: string.Format with the string first becomes AppendFormat (same culture, indices renumbered).
    public static string Amounts(IEnumerable<decimal> amounts)
    {
        var text = "amounts:";
        foreach (var amount in amounts)
        {
            text = string.Format("{0} {1:N2};", text, amount);
        }

        return text;
    }

    // Fixable: a char prefix is pushed as its ToString(); the parameter is assigned before the loop.
    public static string Reversed(string word, string seed)
    {
        seed = seed ?? "";
        foreach (var c in word)
        {
            seed = c + seed;
        }

        return seed;
    }
}

public sealed class Report
{
    public string Body { get; set; } = "";
}

public static class Locations
{
    // Fixable: an auto-property of a local object; nothing else in the loop can see it, so it is read once before the
    // loop and written once after it (in a finally, so an exception leaves the same partial value).
    public static Report Build(IEnumerable<string> lines)
    {
        var report = new Report();
        foreach (var line in lines)
        {
            report.Body += line + "\n";
        }

        return report;
    }

    // Fixable: UriBuilder.Query (.NET's setter only adds a leading '?'): buffered from the first append, written back
    // only if one ran.
    public static void AddQuery(UriBuilder uri, string key, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            uri.Query = uri.Query + Uri.EscapeDataString(key) + "=" + Uri.EscapeDataString(value) + "&";
        }
    }

    // Fixable: a ref parameter (the caller's variable gets the same value, also when an exception leaves the loop).
    public static void AppendAll(ref string text, List<string> parts)
    {
        foreach (var part in parts)
        {
            text += part;
        }
    }
}

public static class Totals
{
    // Reported, no fix: the string reads itself inside a conditional operand; the copy happens all the same.
    public static string Joined(IEnumerable<string> items)
    {
        string? joined = null;
        foreach (var item in items)
        {
            joined = item + (joined == null ? "" : "," + joined);
        }

        return joined ?? "";
    }

    // Reported, no fix: one dictionary slot with a constant key grown like a variable.
    public static void Accumulate(IEnumerable<string> lines, Dictionary<string, string> totals)
    {
        totals["all"] = "";
        foreach (var line in lines)
        {
            totals["all"] = totals["all"] + line;
        }
    }

    // Reported: 10 × 10 appends; nested constant loops count as the product of their counts.
    public static string Grid()
    {
        var grid = "";
        for (var row = 0; row < 10; row++)
        {
            for (var column = 0; column < 10; column++)
            {
                grid += row * column;
            }
        }

        return grid;
    }

    // Not reported: a probe loop reads the whole string in its condition; a StringBuilder cannot help.
    public static string FreeName(string path)
    {
        while (File.Exists(path))
        {
            path += "_1";
        }

        return path;
    }
}
