using Dapper;
using Microsoft.Data.Sqlite;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 fix, Dapper writes: a <c>foreach</c> whose only statement is <c>connection.Execute(sql, new { ... })</c>
/// becomes one <c>Execute(sql, source.Select(e =&gt; new { ... }))</c> (Dapper runs it once per row, building each
/// row just before its execution), in one transaction where that is provably safe. Exact output, Fix All, compiles;
/// negatives; and a run on SQLite counting commands, creations and transactions.
/// </summary>
public class PERF003FixDapperExecuteTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Data;
        using System.Data.Common;
        using System.Linq;
        using System.Threading.Tasks;
        using Dapper;

        public sealed class Order
        {
            public int Id { get; set; }
            public string Status { get; set; } = "";
        }

        """;

    private static Task VerifyFix(string code, string fixedCode) =>
        new CodeFixTest<PERF003NPlusOneQueryAnalyzer, PERF003BatchQueryCodeFix>
        {
            Sources = { Usings + code },
            FixedSources = { Usings + fixedCode },
        }.RunAsync();

    private static Task VerifyNoFix(string code) => VerifyFix(code, code);

    private const string Opened = """
        public static class Writer
        {
            public static int Run(DbConnection connection, List<Order> orders)
            {
                connection.Open();
                var total = 0;
                foreach (var order in orders)
                {
                    total += connection.[|Execute("update Orders set Status = @Status where Id = @Id", new { Status = order.Status.ToUpperInvariant(), order.Id })|];
                }

                return total;
            }
        }
        """;

    private const string OpenedFixed = """
        public static class Writer
        {
            public static int Run(DbConnection connection, List<Order> orders)
            {
                connection.Open();
                var total = 0;
                using (var transaction = connection.BeginTransaction())
                {
                    total += connection.Execute(
                        "update Orders set Status = @Status where Id = @Id",
                        orders.Select(order => new { Status = order.Status.ToUpperInvariant(), order.Id }),
                        transaction);
                    transaction.Commit();
                }

                return total;
            }
        }
        """;

    [Fact]
    public Task Summed_Execute_on_an_opened_connection_becomes_one_Execute_over_the_rows_in_one_transaction() => VerifyFix(Opened, OpenedFixed);

    [Fact]
    public Task Awaited_ExecuteAsync_of_the_element_itself_without_a_known_open_connection_gets_no_transaction() => VerifyFix("""
        public static class Writer
        {
            public static async Task Run(IDbConnection connection, Order[] orders)
            {
                foreach (var order in orders)
                    await connection.[|ExecuteAsync("delete from Orders where Id = @Id", order)|].ConfigureAwait(false);
            }
        }
        """, """
        public static class Writer
        {
            public static async Task Run(IDbConnection connection, Order[] orders)
            {
                await connection.ExecuteAsync("delete from Orders where Id = @Id", orders).ConfigureAwait(false);
            }
        }
        """);

    [Fact]
    public Task No_fix_where_the_loop_does_more_or_the_rows_could_not_be_passed_as_a_list() => VerifyNoFix("""
        public static class Writer
        {
            public static void Run(IDbConnection connection, List<Order> orders, IDbTransaction tx, List<string> sqls)
            {
                foreach (var order in orders)
                {
                    var n = connection.[|Execute("update Orders set Status = 'x' where Id = @Id", new { order.Id })|];
                    Console.WriteLine(n); // depends on each write's result
                }

                foreach (var sql in sqls)
                {
                    connection.[|Execute(sql, new { Id = sql.Length })|]; // the SQL changes per element
                }

                foreach (var order in orders)
                {
                    connection.[|Execute("delete from Orders where Id = @Id", new { order.Id }, transaction: tx)|]; // named argument
                }
            }
        }
        """);

    [Fact]
    public Task An_existing_transaction_argument_is_kept_and_none_is_added() => VerifyFix("""
        public static class Writer
        {
            public static void Run(IDbConnection connection, List<Order> orders, IDbTransaction tx)
            {
                connection.Open();
                foreach (var order in orders)
                {
                    connection.[|Execute("delete from Orders where Id = @Id", new { order.Id }, tx)|];
                }
            }
        }
        """, """
        public static class Writer
        {
            public static void Run(IDbConnection connection, List<Order> orders, IDbTransaction tx)
            {
                connection.Open();
                connection.Execute("delete from Orders where Id = @Id", orders.Select(order => new { order.Id }), tx);
            }
        }
        """);

    [Fact]
    public async Task Run_on_SQLite_gives_the_same_rows_and_count_with_one_command_and_one_transaction()
    {
        const string Harness = """
            public static class Harness
            {
                public static int Run(DbConnection connection)
                {
                    var orders = Enumerable.Range(1, 14).Select(i => new Order { Id = i, Status = "shipped " + i }).ToList();
                    return Writer.Run(connection, orders);
                }
            }
            """;
        var (fixedCode, applied) = await FixApplier.ApplyEachAsync<PERF003NPlusOneQueryAnalyzer, PERF003BatchQueryCodeFix>(Usings + TestCompiler.StripMarkup(Opened));
        Assert.Equal(1, applied);
        Assert.Equal(Usings + OpenedFixed, fixedCode);

        var original = Run(TestCompiler.StripMarkup(Opened) + Harness);
        var fixedRun = Run(OpenedFixed + Harness);
        Assert.Equal(original.Rows, fixedRun.Rows);
        Assert.Contains("12:SHIPPED 12", fixedRun.Rows, StringComparison.Ordinal);
        Assert.Equal(12, original.Result); // orders 13 and 14 are not in the table
        Assert.Equal(12, fixedRun.Result);
        Assert.Equal(14, original.Commands);
        Assert.Equal(14, fixedRun.Commands); // Dapper still runs one statement per row
        Assert.Equal(14, original.Created);
        Assert.Equal(1, fixedRun.Created);
        Assert.Equal(0, original.Transactions);
        Assert.Equal(1, fixedRun.Transactions);
    }

    private static (string Rows, int Commands, int Created, int Transactions, int Result) Run(string source)
    {
        var assembly = TestCompiler.CompileAndLoad(Usings + source);
        using var inner = new SqliteConnection("Data Source=:memory:");
        inner.Open();
        inner.Execute("create table Orders (Id integer primary key, Status text not null);");
        for (var i = 1; i <= 12; i++)
        {
            inner.Execute("insert into Orders (Id, Status) values (@i, 'new')", new { i });
        }

        var counting = new PERF003FixDapperTests.CountingConnection(inner);
        var result = (int)TestCompiler.Invoke(assembly, "Harness", "Run", counting)!;
        var rows = string.Join(";", inner.Query<(long, string)>("select Id, Status from Orders order by Id").Select(r => $"{r.Item1}:{r.Item2}"));
        return (rows, counting.Commands, counting.Created, counting.Transactions, result);
    }
}
