using System.Text;

namespace PerfAnalyzers.Tests.Verifiers;

/// <summary>A readable line diff of expected and actual text (longest common subsequence; fine for test-sized sources).</summary>
internal static class TextDiff
{
    public static string Describe(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var output = new StringBuilder("--- expected\n+++ actual\n");
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                output.Append("  ").AppendLine(Visible(a[x]));
                x++;
                y++;
            }
            else if (y < b.Length && (x == a.Length || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                output.Append("+ ").AppendLine(Visible(b[y]));
                y++;
            }
            else
            {
                output.Append("- ").AppendLine(Visible(a[x]));
                x++;
            }
        }

        return output.ToString();
    }

    private static string Visible(string line) => line.EndsWith('\r') ? line.TrimEnd('\r') + "␍" : line;
}
