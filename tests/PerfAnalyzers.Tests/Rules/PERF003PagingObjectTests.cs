using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 through a repository (issue #13, Kavita MetadataService): a page passed in an object built in place
/// (<c>new UserParams { PageNumber = chunk, PageSize = size }</c>) is paging, not a key; a key set the same way is reported.
/// </summary>
public class PERF003PagingObjectTests
{
    private const string Code = """
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public class UserParams
        {
            public int PageNumber { get; set; }
            public int PageSize { get; set; }
            public int SeriesId { get; set; }
        }

        public interface ISeriesRepository
        {
            Task<List<Customer>> GetFullSeriesForLibraryIdAsync(int libraryId, UserParams userParams);
        }

        class MetadataService
        {
            private readonly ISeriesRepository _seriesRepository;

            public MetadataService(ISeriesRepository seriesRepository) => _seriesRepository = seriesRepository;

            async Task Scan(int libraryId, int totalChunks, int chunkSize, List<int> seriesIds)
            {
                for (var chunk = 1; chunk <= totalChunks; chunk++)
                {
                    var page = await _seriesRepository.GetFullSeriesForLibraryIdAsync(libraryId, new UserParams { PageNumber = chunk, PageSize = chunkSize });
                }

                foreach (var id in seriesIds)
                {
                    var one = await _seriesRepository.{|#0:GetFullSeriesForLibraryIdAsync(libraryId, new UserParams { SeriesId = id, PageSize = 1 })|};
                }
            }
        }
        """;

    [Fact]
    public Task Page_in_an_object_built_in_place_is_paging_and_a_key_is_not()
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer> { Sources = { Code, PERF003Model.Source } };
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("PERF003").WithLocation(0));
        return test.RunAsync();
    }
}
