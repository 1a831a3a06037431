using Microsoft.CodeAnalysis;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF002UnboundedTaskSpawningAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF002 observer fan-out through ordering (issue #18 section 2, jellyfin LyricManager and SubtitleManager): the
/// type's providers filtered by the request and put in the request's order
/// (<c>_lyricProviders.Where(..).OrderBy(..).ToArray()</c>) are still the type's registrations: Info. The same chain
/// over a request's own collection stays a warning.
/// </summary>
public class PERF002ObserverOrderingTests
{
    private const string Code = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        interface ILyricProvider { string Name { get; } Task<int> SearchAsync(string q); }
        class Request { public List<string> Order { get; } = new(); public List<string> Disabled { get; } = new(); }

        class LyricManager
        {
            private readonly ILyricProvider[] _lyricProviders;

            public LyricManager(IEnumerable<ILyricProvider> lyricProviders) =>
                _lyricProviders = lyricProviders.OrderBy(p => p.Name).ToArray();

            public async Task<int> SearchAsync(Request request, string q)
            {
                var providers = _lyricProviders
                    .Where(p => !request.Disabled.Contains(p.Name))
                    .OrderBy(p => request.Order.IndexOf(p.Name))
                    .ThenBy(p => p.Name)
                    .Distinct()
                    .ToArray();
                var tasks = {|#0:providers.Select(async p => await p.SearchAsync(q))|};
                var results = await Task.WhenAll(tasks);
                return results.Sum();
            }

            public async Task<int> LookAlikeAsync(List<ILyricProvider> fromRequest, string q)
            {
                var providers = fromRequest.OrderBy(p => p.Name).ToArray();
                var results = await Task.WhenAll({|#1:providers.Select(p => p.SearchAsync(q))|});
                return results.Sum();
            }
        }
        """;

    [Fact]
    public Task Ordered_subset_of_the_types_providers_is_info_and_a_requests_list_stays_a_warning() =>
        Verify.VerifyAsync(
            Code,
            Expect.Diagnostic("PERF002").WithLocation(0).WithArguments("Select").WithSeverity(DiagnosticSeverity.Info),
            Expect.Diagnostic("PERF002").WithLocation(1).WithArguments("Select").WithSeverity(DiagnosticSeverity.Warning));
}
