using Microsoft.CodeAnalysis;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF002UnboundedTaskSpawningAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF002 over the plug-ins a factory hands out (issue #18, Sonarr's <c>FetchAndParseRssService</c>: <c>var indexers =
/// _indexerFactory.RssEnabled(); var tasks = indexers.Select(FetchIndexer); await Task.WhenAll(tasks);</c>, and
/// <c>FetchAndParseImportListService</c>'s <c>taskFactory.StartNew</c> per import list of
/// <c>_importListFactory.AutomaticAddEnabled()</c>): one task per indexer or list an administrator configured, Info as
/// for injected services. Interface-typed data from a service of another name, and class-typed elements of a factory,
/// stay warnings.
/// </summary>
public class PERF002ProviderFactoryTests
{
    private const string Context = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        public class IndexerDefinition { public string Name { get; set; } = ""; }
        public interface IIndexer { IndexerDefinition Definition { get; } Task<IList<string>> FetchRecent(); }
        public interface IContent { Task<IList<string>> FetchRecent(); }
        public interface IIndexerFactory
        {
            List<IIndexer> RssEnabled(bool filterBlockedIndexers = true);
            List<IndexerDefinition> AllDefinitions();
        }
        public interface IContentService { List<IContent> GetRootContent(); }

        """;

    [Fact]
    public Task Fan_out_over_the_indexers_of_a_factory_is_info() =>
        Verify.VerifyAsync(Context + """
            public class FetchAndParseRssService
            {
                private readonly IIndexerFactory _indexerFactory;

                public FetchAndParseRssService(IIndexerFactory indexerFactory) => _indexerFactory = indexerFactory;

                public async Task<int> Fetch()
                {
                    var indexers = _indexerFactory.RssEnabled();
                    var tasks = {|#0:indexers.Select(FetchIndexer)|};
                    var batch = await Task.WhenAll(tasks);

                    foreach (var indexer in _indexerFactory.RssEnabled())
                    {
                        _ = {|#1:Task.Run(() => indexer.FetchRecent())|};
                    }

                    return batch.Length;
                }

                private Task<IList<string>> FetchIndexer(IIndexer indexer) => indexer.FetchRecent();
            }
            """,
            Expect.Diagnostic("PERF002").WithLocation(0).WithSeverity(DiagnosticSeverity.Info),
            Expect.Diagnostic("PERF002").WithLocation(1).WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Interface_data_of_a_service_and_class_elements_of_a_factory_stay_warnings() =>
        Verify.VerifyAsync(Context + """
            public class Crawler
            {
                private readonly IContentService _contentService;
                private readonly IIndexerFactory _indexerFactory;

                public Crawler(IContentService contentService, IIndexerFactory indexerFactory)
                {
                    _contentService = contentService;
                    _indexerFactory = indexerFactory;
                }

                public async Task<int> Fetch()
                {
                    var contents = _contentService.GetRootContent();
                    var tasks = {|#0:contents.Select(c => c.FetchRecent())|};
                    var batch = await Task.WhenAll(tasks);

                    foreach (var definition in _indexerFactory.AllDefinitions())
                    {
                        _ = {|#1:Task.Run(() => Console.WriteLine(definition.Name))|};
                    }

                    return batch.Length;
                }
            }
            """,
            Expect.Diagnostic("PERF002").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning),
            Expect.Diagnostic("PERF002").WithLocation(1).WithSeverity(DiagnosticSeverity.Warning));
}
