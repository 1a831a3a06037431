using Microsoft.CodeAnalysis;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF002UnboundedTaskSpawningAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF002 over a local that holds observers and is narrowed in place (issue #18, jellyfin ProviderManager
/// GetAvailableRemoteImages: <c>var providers = GetRemoteImageProviders(..); if (..) providers = providers.Where(..);</c>):
/// still a subset of the providers, so Info like the single-assignment form. A local that is also given data stays a warning.
/// </summary>
public class PERF002NarrowedObserverLocalTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        """;

    [Fact]
    public Task Observer_local_narrowed_in_place_is_info() =>
        Verify.VerifyAsync(Usings + """
            public interface IRemoteImageProvider { string Name { get; } bool Supports(int type); Task<int> GetImages(string item); }

            public class ProviderManager
            {
                private IRemoteImageProvider[] _imageProviders = Array.Empty<IRemoteImageProvider>();

                private IEnumerable<IRemoteImageProvider> GetRemoteImageProviders(string item) => _imageProviders.Where(p => p.Supports(0));

                public async Task<int> GetAvailableRemoteImages(string item, string? providerName, int? type)
                {
                    var providers = GetRemoteImageProviders(item);
                    if (!string.IsNullOrEmpty(providerName))
                    {
                        providers = providers.Where(i => string.Equals(i.Name, providerName, StringComparison.OrdinalIgnoreCase));
                    }

                    if (type is not null)
                    {
                        providers = providers.Where(i => i.Supports(type.Value)).OrderBy(i => i.Name);
                    }

                    var tasks = {|#0:providers.Select(i => i.GetImages(item))|};
                    var results = await Task.WhenAll(tasks);
                    return results.Sum();
                }
            }
            """,
            Expect.Diagnostic("PERF002").WithLocation(0).WithArguments("Select").WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Observer_local_also_given_data_stays_a_warning() =>
        Verify.VerifyAsync(Usings + """
            public interface IRemoteImageProvider { Task<int> GetImages(string item); }

            public class ProviderManager
            {
                private IRemoteImageProvider[] _imageProviders = Array.Empty<IRemoteImageProvider>();

                private IEnumerable<IRemoteImageProvider> GetRemoteImageProviders() => _imageProviders;

                public Task<int[]> Get(string item, List<IRemoteImageProvider> fromRequest, bool custom)
                {
                    var providers = GetRemoteImageProviders();
                    if (custom)
                    {
                        providers = fromRequest;
                    }

                    return Task.WhenAll({|#0:providers.Select(i => i.GetImages(item))|});
                }
            }
            """,
            Expect.Diagnostic("PERF002").WithLocation(0).WithArguments("Select"));
}
