using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF002UnboundedTaskSpawningAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF002 (issue #13, bitwarden's <c>IconHttpResponse</c>): a fan-out over a source cut by <c>Take(k)</c> with a small
/// constant k — directly or through a local, followed only by operators that add no elements — is bounded; a large or
/// variable k, an expanding operator after the cut, or a list that grows after it stays reported.
/// </summary>
public class PERF002TakeBoundTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        """;

    [Fact]
    public Task Source_cut_by_a_small_constant_Take_is_not_reported() =>
        Verify.VerifyAsync(Usings + """
            class Link
            {
                public int Priority { get; set; }
                public bool IsUsable() => true;
                public Task<string?> FetchAsync() => Task.FromResult<string?>(null);
            }

            class Icons
            {
                private const int MaxLinksProcessed = 200;
                private const int MaxRetrievedIcons = 10;

                public async Task<IEnumerable<string>> RetrieveAsync(IEnumerable<string>? hrefs)
                {
                    var links = hrefs
                        ?.Take(MaxLinksProcessed)
                        .Select(h => new Link())
                        .Where(l => l.IsUsable())
                        .OrderBy(l => l.Priority)
                        .Take(MaxRetrievedIcons)
                        .ToArray() ?? Array.Empty<Link>();
                    var results = await Task.WhenAll(links.Select(l => l.FetchAsync()));
                    return results.Where(r => r != null).Select(r => r!);
                }

                public Task Direct(List<Link> all) => Task.WhenAll(all.Take(5).Select(l => l.FetchAsync()));
            }
            """);

    [Fact]
    public Task Large_or_variable_cut_expanding_operator_or_growing_list_is_reported() =>
        Verify.VerifyAsync(Usings + """
            class Sender
            {
                private const int Many = 1000;

                Task SendAsync(int id) => Task.CompletedTask;

                public async Task Run(List<int> ids, int n, List<int[]> groups)
                {
                    await Task.WhenAll([|ids.Take(Many).Select(SendAsync)|]);
                    await Task.WhenAll([|ids.Take(n).Select(SendAsync)|]);
                    await Task.WhenAll([|groups.Take(10).SelectMany(g => g).Select(SendAsync)|]);

                    var first = ids.Take(10).ToList();
                    foreach (var id in ids)
                    {
                        first.Add(id);
                    }

                    await Task.WhenAll([|first.Select(SendAsync)|]);
                }
            }
            """);
}
