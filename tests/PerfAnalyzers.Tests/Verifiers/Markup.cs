using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace PerfAnalyzers.Tests.Verifiers;

/// <summary>A span marked in test source: <c>[|x|]</c> (Id null), <c>{|PERF001:x|}</c> (Id) or <c>{|#0:x|}</c> (Marker).</summary>
public sealed record MarkedSpan(TextSpan Span, string? Id, int? Marker);

/// <summary>Parses the markup of the Microsoft.CodeAnalysis.Testing family: <c>[|..|]</c>, <c>{|ID:..|}</c>, <c>{|#n:..|}</c>, nested.</summary>
public static class Markup
{
    public static (string Source, IReadOnlyList<MarkedSpan> Spans) Parse(string markup)
    {
        var output = new StringBuilder(markup.Length);
        var spans = new List<MarkedSpan>();
        var open = new Stack<(int Start, char Kind, string? Id, int? Marker)>();

        var i = 0;
        while (i < markup.Length)
        {
            if (Starts(markup, i, "[|"))
            {
                open.Push((output.Length, '[', null, null));
                i += 2;
                continue;
            }

            if (Starts(markup, i, "{|"))
            {
                var colon = markup.IndexOf(':', i + 2);
                var label = colon < 0 ? null : markup.Substring(i + 2, colon - i - 2);
                if (label is not null && IsLabel(label))
                {
                    int? marker = null;
                    string? id = null;
                    if (label.StartsWith('#'))
                    {
                        marker = int.Parse(label.AsSpan(1));
                    }
                    else
                    {
                        id = label;
                    }

                    open.Push((output.Length, '{', id, marker));
                    i = colon + 1;
                    continue;
                }
            }

            if (open.Count > 0 && Starts(markup, i, "|]") && open.Peek().Kind == '[')
            {
                var start = open.Pop();
                spans.Add(new MarkedSpan(TextSpan.FromBounds(start.Start, output.Length), null, null));
                i += 2;
                continue;
            }

            if (open.Count > 0 && Starts(markup, i, "|}") && open.Peek().Kind == '{')
            {
                var start = open.Pop();
                spans.Add(new MarkedSpan(TextSpan.FromBounds(start.Start, output.Length), start.Id, start.Marker));
                i += 2;
                continue;
            }

            output.Append(markup[i]);
            i++;
        }

        if (open.Count > 0)
        {
            throw new VerificationException($"Markup has {open.Count} unclosed span(s).");
        }

        spans.Sort((a, b) => a.Span.Start != b.Span.Start ? a.Span.Start.CompareTo(b.Span.Start) : a.Span.End.CompareTo(b.Span.End));
        return (output.ToString(), spans);
    }

    private static bool Starts(string text, int index, string token) => string.CompareOrdinal(text, index, token, 0, token.Length) == 0;

    private static bool IsLabel(string label)
    {
        if (label.Length == 0)
        {
            return false;
        }

        if (label[0] == '#')
        {
            return label.Length > 1 && label.Skip(1).All(char.IsDigit);
        }

        return label.All(c => char.IsLetterOrDigit(c) || c == '_');
    }
}

/// <summary>Thrown when a verification fails; its message says what was expected and what happened.</summary>
public sealed class VerificationException(string message) : Exception(message);
