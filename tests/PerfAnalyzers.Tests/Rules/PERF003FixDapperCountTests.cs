using Dapper;
using Microsoft.Data.Sqlite;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 fix, Dapper count per element: <c>ExecuteScalar&lt;int&gt;("select count(*) from T where Col = @p", new { p = e.K })</c>
/// (and <c>QueryFirst*</c>/<c>QuerySingle*</c> of the same count, async) becomes one grouped query with Dapper's list
/// expansion and a dictionary read with <c>GetValueOrDefault</c> (0 for keys without rows). Exact output, Fix All,
/// batch_size, negatives, and a run on SQLite counting commands.
/// </summary>
public class PERF003FixDapperCountTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Data.Common;
        using System.Linq;
        using System.Threading.Tasks;
        using Dapper;

        public class Customer
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
        }

        public class Order
        {
            public int Id { get; set; }
            public int CustomerId { get; set; }
        }

        """;

    private static Task VerifyFix(string code, string fixedCode, string? editorConfig = null) =>
        new CodeFixTest<PERF003NPlusOneQueryAnalyzer, PERF003BatchQueryCodeFix>
        {
            Sources = { Usings + code },
            FixedSources = { Usings + fixedCode },
            EditorConfig = editorConfig,
        }.RunAsync();

    [Fact]
    public Task ExecuteScalar_count_by_key_becomes_one_grouped_query_and_a_dictionary() => VerifyFix("""
        public static class Queries
        {
            public static List<string> Run(DbConnection connection, List<Customer> customers)
            {
                var lines = new List<string>();
                foreach (var customer in customers)
                {
                    var count = connection.[|ExecuteScalar<int>("select count(*) from Orders where CustomerId = @id", new { id = customer.Id })|];
                    lines.Add(customer.Name + ": " + count);
                }

                return lines;
            }
        }
        """, """
        public static class Queries
        {
            public static List<string> Run(DbConnection connection, List<Customer> customers)
            {
                var lines = new List<string>();
                var ordersKeys = customers.Select(customer => customer.Id).Distinct().ToList();
                var ordersCountRows = connection.Query<(int Key, int Count)>(
                    "select CustomerId, count(*) from Orders where CustomerId in @id group by CustomerId",
                    new { id = ordersKeys });
                var ordersCountsByCustomerId = ordersCountRows.ToDictionary(r => r.Key, r => r.Count);
                foreach (var customer in customers)
                {
                    var count = ordersCountsByCustomerId.GetValueOrDefault(customer.Id);
                    lines.Add(customer.Name + ": " + count);
                }

                return lines;
            }
        }
        """);

    [Fact]
    public Task Awaited_QueryFirstOrDefault_count_with_quoted_names_and_batch_size_loads_chunks() => VerifyFix("""
        public static class Queries
        {
            public static async Task<long> Run(DbConnection connection, Customer[] customers)
            {
                long total = 0;
                foreach (var customer in customers)
                {
                    total += await connection.[|QueryFirstOrDefaultAsync<long>("SELECT COUNT(1) FROM \"Orders\" WHERE \"CustomerId\" = @Id", new { customer.Id })|];
                }

                return total;
            }
        }
        """, """
        public static class Queries
        {
            public static async Task<long> Run(DbConnection connection, Customer[] customers)
            {
                long total = 0;
                var ordersKeys = customers.Select(customer => customer.Id).Distinct().ToList();
                var ordersCountsByCustomerId = new Dictionary<int, long>();
                foreach (var chunk in ordersKeys.Chunk(2))
                {
                    var ordersCountRows = await connection.QueryAsync<(int Key, long Count)>(
                        "select \"CustomerId\", count(*) from \"Orders\" where \"CustomerId\" in @Id group by \"CustomerId\"",
                        new { Id = chunk });
                    foreach (var row in ordersCountRows)
                    {
                        ordersCountsByCustomerId.Add(row.Key, row.Count);
                    }
                }
                foreach (var customer in customers)
                {
                    total += ordersCountsByCustomerId.GetValueOrDefault(customer.Id);
                }

                return total;
            }
        }
        """,
        editorConfig: "perf_analyzers.PERF003.batch_size = 2");

    [Fact]
    public Task Two_counts_in_one_loop_are_fixed_together_by_Fix_All() => VerifyFix("""
        public static class Queries
        {
            public static int Run(DbConnection connection, List<Order> orders)
            {
                var sum = 0;
                foreach (var order in orders)
                {
                    sum += connection.[|ExecuteScalar<int>("select count(*) from Orders where CustomerId = @c", new { c = order.CustomerId })|];
                    sum += connection.[|ExecuteScalar<int>("select count(*) from Customers where Id = @c", new { c = order.CustomerId })|];
                }

                return sum;
            }
        }
        """, """
        public static class Queries
        {
            public static int Run(DbConnection connection, List<Order> orders)
            {
                var sum = 0;
                var ordersKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                var ordersCountRows = connection.Query<(int Key, int Count)>(
                    "select CustomerId, count(*) from Orders where CustomerId in @c group by CustomerId",
                    new { c = ordersKeys });
                var ordersCountsByCustomerId = ordersCountRows.ToDictionary(r => r.Key, r => r.Count);
                var customersKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                var customersCountRows = connection.Query<(int Key, int Count)>(
                    "select Id, count(*) from Customers where Id in @c group by Id",
                    new { c = customersKeys });
                var customersCountsById = customersCountRows.ToDictionary(r => r.Key, r => r.Count);
                foreach (var order in orders)
                {
                    sum += ordersCountsByCustomerId.GetValueOrDefault(order.CustomerId);
                    sum += customersCountsById.GetValueOrDefault(order.CustomerId);
                }

                return sum;
            }
        }
        """);

    [Fact]
    public Task No_fix_for_other_SQL_or_result_types() => VerifyFix(NoFix, NoFix);

    private const string NoFix = """
        public static class Queries
        {
            const string Sql = "select count(*) from Orders where CustomerId = @id";

            public static void Run(DbConnection connection, List<Customer> customers, DbTransaction transaction)
            {
                foreach (var customer in customers)
                {
                    var a = connection.[|ExecuteScalar<int>(Sql, new { id = customer.Id })|];
                    var b = connection.[|ExecuteScalar<int>("select count(*) from Orders where CustomerId = @id and Id > 3", new { id = customer.Id })|];
                    var c = connection.[|ExecuteScalar<int>("select count(distinct Id) from Orders where CustomerId = @id", new { id = customer.Id })|];
                    var d = connection.[|ExecuteScalar<int>("select max(Id) from Orders where CustomerId = @id", new { id = customer.Id })|];
                    var e = connection.[|ExecuteScalar<int>("select count(*) from Orders o where o.CustomerId = @id", new { id = customer.Id })|];
                    var f = connection.[|ExecuteScalar<int>("select count(*) from Orders where CustomerId = @id", new { id = customer.Id }, transaction)|];
                    var g = connection.[|ExecuteScalar<string>("select count(*) from Orders where CustomerId = @id", new { id = customer.Id })|];
                    var h = connection.[|ExecuteScalar<int>("select count(*) from Customers where Name = @name", new { name = customer.Name })|];
                    var i = connection.[|ExecuteScalar<int>("select count(*) from Orders where CustomerId = @id; select 1", new { id = customer.Id })|];
                    var j = connection.[|ExecuteScalar<int>("select count(*) from Orders where CustomerId = @other", new { id = customer.Id })|];
                    var k = connection.[|ExecuteScalar("select count(*) from Orders where CustomerId = @id", new { id = customer.Id })|];
                }
            }
        }
        """;

    private static async Task<(string Result, int Commands)> RunAsync(string source)
    {
        var assembly = TestCompiler.CompileAndLoad(Usings + source + """

            public static class Harness
            {
                public static async Task<string> Run(DbConnection connection)
                {
                    var customers = (await connection.QueryAsync<Customer>("select * from Customers order by Id")).ToList();
                    customers.Add(customers[0]);
                    customers.Add(new Customer { Id = 42, Name = "nobody" });
                    return await Queries.Counts(connection, customers);
                }
            }
            """);
        using var inner = new SqliteConnection("Data Source=:memory:");
        inner.Open();
        inner.Execute("create table Customers (Id integer primary key, Name text not null); create table Orders (Id integer primary key, CustomerId integer not null);");
        for (var i = 1; i <= 5; i++)
        {
            inner.Execute("insert into Customers (Id, Name) values (@i, @name)", new { i, name = "Customer " + i });
        }

        for (var i = 1; i <= 12; i++)
        {
            // Customers 1 to 4 have three orders each; customer 5 has none.
            inner.Execute("insert into Orders (Id, CustomerId) values (@i, @c)", new { i, c = (i % 4) + 1 });
        }

        var counting = new PERF003FixDapperTests.CountingConnection(inner);
        var result = await (Task<string>)TestCompiler.Invoke(assembly, "Harness", "Run", counting)!;
        return (result, counting.Commands);
    }

    private const string Original = """
        public static class Queries
        {
            public static async Task<string> Counts(DbConnection connection, List<Customer> customers)
            {
                var lines = new List<string>();
                foreach (var customer in customers)
                {
                    var orders = await connection.ExecuteScalarAsync<int>("select count(*) from Orders where CustomerId = @id", new { id = customer.Id });
                    var total = connection.QuerySingle<long>("select count(*) from Orders where CustomerId = @id", new { id = customer.Id });
                    lines.Add(customer.Id + ":" + orders + "/" + total);
                }

                return string.Join(";", lines);
            }
        }
        """;

    [Theory]
    [InlineData(null, 2)]
    [InlineData("perf_analyzers.PERF003.batch_size = 3", 4)]
    public async Task Run_on_SQLite_gives_the_same_counts_in_fewer_round_trips(string? editorConfig, int batchCommands)
    {
        var (fixedCode, applied) = await FixApplier.ApplyEachAsync<PERF003NPlusOneQueryAnalyzer, PERF003BatchQueryCodeFix>(Usings + Original, editorConfig);
        Assert.Equal(2, applied);
        Assert.Contains("in @id group by CustomerId", fixedCode, StringComparison.Ordinal);

        var original = await RunAsync(Original);
        var fixedRun = await RunAsync(fixedCode.Substring(Usings.Length));
        Assert.Equal(original.Result, fixedRun.Result);
        Assert.Contains("1:3/3", original.Result, StringComparison.Ordinal);
        Assert.Contains("5:0/0", original.Result, StringComparison.Ordinal);
        Assert.Contains("42:0/0", original.Result, StringComparison.Ordinal);

        // 1 load of customers, then 2 per customer (7 with a repeat and an unknown) against 1 load and one grouped
        // query per count (per chunk of 3 of the 6 distinct keys with batch_size = 3).
        Assert.Equal(1 + (2 * 7), original.Commands);
        Assert.Equal(1 + batchCommands, fixedRun.Commands);
    }
}
