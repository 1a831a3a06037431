using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 Dapper query fix over a lazy sequence (issue #17: <c>foreach (var orderId in orderIds)</c> with
/// <c>IEnumerable&lt;int&gt; orderIds</c>): the sequence is listed once before the loop, as the EF Core fixes do, and the
/// loop iterates the list. Exact output and a run on SQLite (<see cref="PERF003FixDapperTests.RunAsync"/>).
/// </summary>
public class PERF003FixDapperLazySourceTests
{
    private const string Original = """
        public static class Queries
        {
            public static async Task<string> Names(DbConnection connection, IEnumerable<int> customerIds)
            {
                var names = new List<string>();
                foreach (var customerId in customerIds)
                {
                    var orders = await connection.[|QueryAsync<Order>("select * from Orders where CustomerId = @customerId order by Id", new { customerId })|];
                    names.Add(customerId + ":" + string.Join("/", orders.Select(o => o.Id)));
                }

                return string.Join(";", names);
            }
        }
        """;

    private const string Fixed = """
        public static class Queries
        {
            public static async Task<string> Names(DbConnection connection, IEnumerable<int> customerIds)
            {
                var names = new List<string>();
                var customerIdsList = customerIds.ToList();
                var orderKeys = customerIdsList.Select(customerId => customerId).Distinct().ToList();
                var ordersByCustomerId = (await connection.QueryAsync<Order>("select * from Orders where CustomerId in @customerId order by Id", new { customerId = orderKeys })).ToLookup(o => o.CustomerId);
                foreach (var customerId in customerIdsList)
                {
                    var orders = ordersByCustomerId[customerId].ToList();
                    names.Add(customerId + ":" + string.Join("/", orders.Select(o => o.Id)));
                }

                return string.Join(";", names);
            }
        }
        """;

    [Fact]
    public Task A_lazy_sequence_is_listed_once_before_the_loop() => new CodeFixTest<PERF003NPlusOneQueryAnalyzer, PERF003BatchQueryCodeFix>
    {
        Sources = { PERF003FixDapperTests.Usings + Original },
        FixedSources = { PERF003FixDapperTests.Usings + Fixed },
    }.RunAsync();

    [Fact]
    public async Task Run_on_SQLite_gives_the_same_results_in_one_query()
    {
        const string Call = "return await Queries.Names(connection, new[] { 1, 2, 3, 4, 5, 99, 2 }.Where(id => id > 0));";
        var original = await PERF003FixDapperTests.RunAsync(TestCompiler.StripMarkup(Original), Call);
        var fixedRun = await PERF003FixDapperTests.RunAsync(Fixed, Call);
        Assert.Equal(original.Result, fixedRun.Result);
        Assert.Equal(2 + 7, original.Commands);
        Assert.Equal(2 + 1, fixedRun.Commands);
    }
}
