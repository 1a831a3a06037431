using Microsoft.CodeAnalysis;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF002UnboundedTaskSpawningAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF002 over plug-ins chosen by a condition (issue #18, Sonarr's <c>ReleaseSearchService.Dispatch</c>:
/// <c>var indexers = interactive ? _indexerFactory.InteractiveSearchEnabled() : _indexerFactory.AutomaticSearchEnabled();
/// indexers = indexers.Where(..).ToList(); var tasks = indexers.Select(..); await Task.WhenAll(tasks);</c>): both branches
/// are configured indexers a factory hands out, so the fan-out is Info as for one factory call. A conditional with a branch
/// that is data (interface-typed rows of a service of another name) stays a warning.
/// </summary>
public class PERF002ConditionalProviderTests
{
    private const string Context = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        public interface IIndexer { bool Enabled { get; } Task<IList<string>> Search(string term); }
        public interface IIndexerFactory
        {
            List<IIndexer> InteractiveSearchEnabled();
            List<IIndexer> AutomaticSearchEnabled();
        }
        public interface IIndexerService { List<IIndexer> GetAll(); }

        """;

    [Fact]
    public Task Fan_out_over_factory_indexers_chosen_by_a_condition_and_narrowed_is_info() =>
        Verify.VerifyAsync(Context + """
            public class ReleaseSearchService
            {
                private readonly IIndexerFactory _indexerFactory;

                public ReleaseSearchService(IIndexerFactory indexerFactory) => _indexerFactory = indexerFactory;

                public async Task<int> Dispatch(bool interactive, string term)
                {
                    var indexers = interactive ?
                        _indexerFactory.InteractiveSearchEnabled() :
                        _indexerFactory.AutomaticSearchEnabled();

                    indexers = indexers.Where(i => i.Enabled).ToList();

                    var tasks = {|#0:indexers.Select(indexer => indexer.Search(term))|};
                    var batch = await Task.WhenAll(tasks);
                    return batch.Length;
                }
            }
            """,
            Expect.Diagnostic("PERF002").WithLocation(0).WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Conditional_with_a_branch_of_service_data_stays_a_warning() =>
        Verify.VerifyAsync(Context + """
            public class ReleaseSearchService
            {
                private readonly IIndexerFactory _indexerFactory;
                private readonly IIndexerService _indexerService;

                public ReleaseSearchService(IIndexerFactory indexerFactory, IIndexerService indexerService)
                {
                    _indexerFactory = indexerFactory;
                    _indexerService = indexerService;
                }

                public async Task<int> Dispatch(bool interactive, string term)
                {
                    var indexers = interactive ?
                        _indexerFactory.InteractiveSearchEnabled() :
                        _indexerService.GetAll();

                    indexers = indexers.Where(i => i.Enabled).ToList();

                    var tasks = {|#0:indexers.Select(indexer => indexer.Search(term))|};
                    var batch = await Task.WhenAll(tasks);
                    return batch.Length;
                }
            }
            """,
            Expect.Diagnostic("PERF002").WithLocation(0));
}
