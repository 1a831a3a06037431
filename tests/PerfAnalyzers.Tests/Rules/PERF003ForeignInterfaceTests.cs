using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 through calls (issues #13, #18): a call on an interface declared in another assembly is not followed into
/// the implementations this compilation holds, because that assembly (or others) may hold more. smartstore:
/// <c>foreach (var file in files) await file.DeleteAsync();</c> on <c>IFileEntry</c>, declared in the Smartstore
/// project with a local-disk implementation there, was reported from Smartstore.Core, whose only implementation
/// (<c>MediaFileInfo</c>) deletes through the database. The same interface declared in the analysed project stays
/// followed and reported.
/// </summary>
public class PERF003ForeignInterfaceTests
{
    private const string Files = """
        using System.Threading.Tasks;

        public interface IFileEntry
        {
            Task DeleteAsync();
        }

        public sealed class LocalFile : IFileEntry
        {
            public Task DeleteAsync() => Task.CompletedTask;
        }
        """;

    private const string Media = """
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public sealed class MediaFile : IFileEntry
        {
            private readonly ShopContext _db;
            private readonly Customer _row;

            public MediaFile(ShopContext db, Customer row) => (_db, _row) = (db, row);

            public async Task DeleteAsync()
            {
                _db.Customers.Remove(_row);
                await _db.SaveChangesAsync();
            }
        }

        public class Cleaner
        {
            public async Task ClearAsync(IEnumerable<IFileEntry> files)
            {
                foreach (var file in files)
                {
                    await file.{|#0:DeleteAsync()|};
                }
            }
        }
        """;

    [Fact]
    public Task Interface_of_another_assembly_is_not_followed_into_this_compilations_implementations()
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer> { Sources = { Media.Replace("{|#0:", "").Replace("|}", ""), PERF003Model.Source } };
        test.TestState.AdditionalProjects["Files"].Sources.Add(Files);
        test.TestState.AdditionalProjectReferences.Add("Files");
        return test.RunAsync();
    }

    [Fact]
    public Task Interface_of_this_compilation_is_still_followed()
    {
        // Only the database implementation exists: every implementation writes, so the loop is N+1.
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer>
        {
            Sources = { Media, PERF003Model.Source, "using System.Threading.Tasks;\npublic interface IFileEntry { Task DeleteAsync(); }" },
        };
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("PERF003").WithLocation(0));
        return test.RunAsync();
    }
}
