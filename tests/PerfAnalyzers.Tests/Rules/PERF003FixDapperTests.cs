using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Dapper;
using Microsoft.Data.Sqlite;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 fix, Dapper: a per-element <c>QueryFirstOrDefault&lt;T&gt;("... where Col = @p", new { p = e.K })</c> (and
/// <c>QueryFirst</c>, <c>QuerySingle*</c>, <c>Query</c>, async) becomes one query with Dapper's list expansion
/// (<c>Col in @p</c>) and a lookup. Exact output, Fix All, compiles; negatives; and a run on SQLite through a
/// connection that counts commands.
/// </summary>
public class PERF003FixDapperTests
{
    internal const string Usings = """
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

    private static Task VerifyNoFix(string code) => VerifyFix(code, code);

    [Fact]
    public Task QueryFirstOrDefault_by_key_becomes_one_in_list_query_and_a_lookup() => VerifyFix("""
        public static class Queries
        {
            public static List<string> Run(DbConnection connection, List<Order> orders)
            {
                var names = new List<string>();
                foreach (var order in orders)
                {
                    var customer = connection.[|QueryFirstOrDefault<Customer>("select * from Customers where Id = @id", new { id = order.CustomerId })|];
                    names.Add(customer?.Name ?? "none");
                }

                return names;
            }
        }
        """, """
        public static class Queries
        {
            public static List<string> Run(DbConnection connection, List<Order> orders)
            {
                var names = new List<string>();
                var customerKeys = orders.Select(order => order.CustomerId).Distinct().ToList();
                var customersById = connection.Query<Customer>("select * from Customers where Id in @id", new { id = customerKeys }).ToLookup(c => c.Id);
                foreach (var order in orders)
                {
                    var customer = customersById[order.CustomerId].FirstOrDefault();
                    names.Add(customer?.Name ?? "none");
                }

                return names;
            }
        }
        """);

    [Fact]
    public Task Async_Query_by_a_foreign_key_in_a_verbatim_string_keeps_its_layout() => VerifyFix("""
        public static class Queries
        {
            public static async Task<int> Run(DbConnection connection, List<Customer> customers)
            {
                var total = 0;
                foreach (var customer in customers)
                {
                    var orders = await connection.[|QueryAsync<Order>(@"
                        select Id, CustomerId
                        from Orders
                        where CustomerId = @CustomerId
                        order by Id", new { customer.Id })|];
                    total += orders.Count();
                }

                return total;
            }
        }
        """.Replace("@CustomerId\n", "@Id\n", StringComparison.Ordinal), """
        public static class Queries
        {
            public static async Task<int> Run(DbConnection connection, List<Customer> customers)
            {
                var total = 0;
                var orderKeys = customers.Select(customer => customer.Id).Distinct().ToList();
                var ordersByCustomerId = (await connection.QueryAsync<Order>(@"
                                select Id, CustomerId
                                from Orders
                                where CustomerId in @Id
                                order by Id", new { Id = orderKeys })).ToLookup(o => o.CustomerId);
                foreach (var customer in customers)
                {
                    var orders = ordersByCustomerId[customer.Id].ToList();
                    total += orders.Count();
                }

                return total;
            }
        }
        """);

    [Fact]
    public Task Batch_size_queries_the_keys_in_chunks() => VerifyFix("""
        public static class Queries
        {
            public static List<Customer> Run(DbConnection connection, Order[] orders)
            {
                return orders.Select(o => connection.[|QuerySingle<Customer>("select Id, Name from Customers where Id = @id", new { id = o.CustomerId })|]).ToList();
            }
        }
        """, """
        public static class Queries
        {
            public static List<Customer> Run(DbConnection connection, Order[] orders)
            {
                var customerKeys = orders.Select(o => o.CustomerId).Distinct().ToList();
                var customerRows = new List<Customer>();
                foreach (var chunk in customerKeys.Chunk(2))
                {
                    customerRows.AddRange(connection.Query<Customer>("select Id, Name from Customers where Id in @id", new { id = chunk }));
                }
                var customersById = customerRows.ToLookup(c => c.Id);
                return orders.Select(o => customersById[o.CustomerId].Single()).ToList();
            }
        }
        """,
        editorConfig: "perf_analyzers.PERF003.batch_size = 2");

    [Fact]
    public Task No_fix_where_the_SQL_or_the_arguments_could_change_meaning() => VerifyNoFix("""
        public static class Queries
        {
            const string Sql = "select * from Customers where Id = @id";

            public static void Run(DbConnection connection, List<Order> orders, DbTransaction transaction)
            {
                foreach (var order in orders)
                {
                    var a = connection.[|QueryFirstOrDefault<Customer>(Sql, new { id = order.CustomerId })|];
                    var b = connection.[|QueryFirstOrDefault<Customer>("select top 1 * from Customers where Id = @id", new { id = order.CustomerId })|];
                    var c = connection.[|QueryFirstOrDefault<Customer>("select * from Customers where Id = @id or Id = 0", new { id = order.CustomerId })|];
                    var d = connection.[|QueryFirstOrDefault<Customer>("select Name from Customers where Id = @id", new { id = order.CustomerId })|];
                    var e = connection.[|QueryFirstOrDefault<Customer>("select * from Customers c join Orders o on o.CustomerId = c.Id where o.Id = @id", new { id = order.Id })|];
                    var f = connection.[|QueryFirstOrDefault<Customer>("select * from Customers where Id = @id and Name = @name", new { id = order.CustomerId, name = order.Id.ToString() })|];
                    var g = connection.[|QueryFirstOrDefault<Customer>("select * from Customers where Id = @id", new { id = order.CustomerId }, transaction)|];
                    var h = connection.[|QueryFirstOrDefault<int>("select count(*) from Orders where CustomerId = @id and Id > 0", new { id = order.CustomerId })|];
                    var i = connection.[|QueryFirstOrDefault<Customer>("select * from Customers where Name = @name", new { name = order.Id.ToString() })|];
                }
            }
        }
        """);

    /// <summary>Counts the commands Dapper or ADO.NET code runs (each is a round-trip), the commands created and the transactions begun.</summary>
    internal sealed class CountingConnection(SqliteConnection inner) : DbConnection
    {
        public int Commands { get; private set; }

        public int Created { get; private set; }

        public int Transactions { get; private set; }

        [AllowNull]
        public override string ConnectionString { get => inner.ConnectionString; set => inner.ConnectionString = value; }

        public override string Database => inner.Database;

        public override string DataSource => inner.DataSource;

        public override string ServerVersion => inner.ServerVersion;

        public override ConnectionState State => inner.State;

        public override void ChangeDatabase(string databaseName) => inner.ChangeDatabase(databaseName);

        public override void Close() => inner.Close();

        public override void Open() => inner.Open();

        protected override DbTransaction BeginDbTransaction(IsolationLevel isolationLevel)
        {
            Transactions++;
            return inner.BeginTransaction(isolationLevel);
        }

        protected override DbCommand CreateDbCommand()
        {
            Created++;
            return new CountingCommand(this, inner.CreateCommand());
        }

        private sealed class CountingCommand(CountingConnection owner, DbCommand command) : DbCommand
        {
            [AllowNull]
            public override string CommandText { get => command.CommandText; set => command.CommandText = value; }

            public override int CommandTimeout { get => command.CommandTimeout; set => command.CommandTimeout = value; }

            public override CommandType CommandType { get => command.CommandType; set => command.CommandType = value; }

            public override bool DesignTimeVisible { get => command.DesignTimeVisible; set => command.DesignTimeVisible = value; }

            public override UpdateRowSource UpdatedRowSource { get => command.UpdatedRowSource; set => command.UpdatedRowSource = value; }

            protected override DbConnection? DbConnection { get => owner; set { } }

            protected override DbParameterCollection DbParameterCollection => command.Parameters;

            protected override DbTransaction? DbTransaction { get => command.Transaction; set => command.Transaction = value; }

            public override void Cancel() => command.Cancel();

            public override int ExecuteNonQuery()
            {
                owner.Commands++;
                return command.ExecuteNonQuery();
            }

            public override object? ExecuteScalar()
            {
                owner.Commands++;
                return command.ExecuteScalar();
            }

            public override void Prepare() => command.Prepare();

            protected override DbParameter CreateDbParameter() => command.CreateParameter();

            protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
            {
                owner.Commands++;
                return command.ExecuteReader(behavior);
            }
        }
    }

    internal static async Task<(string Result, int Commands)> RunAsync(string source, string method)
    {
        var assembly = TestCompiler.CompileAndLoad(Usings + source + """

            public static class Harness
            {
                public static async Task<string> Run(DbConnection connection)
                {
                    var orders = (await connection.QueryAsync<Order>("select * from Orders order by Id")).ToList();
                    var customers = (await connection.QueryAsync<Customer>("select * from Customers order by Id")).ToList();
                    METHOD
                }
            }
            """.Replace("METHOD", method, StringComparison.Ordinal));
        using var inner = new SqliteConnection("Data Source=:memory:");
        inner.Open();
        inner.Execute("create table Customers (Id integer primary key, Name text not null); create table Orders (Id integer primary key, CustomerId integer not null);");
        for (var i = 1; i <= 5; i++)
        {
            inner.Execute("insert into Customers (Id, Name) values (@i, @name)", new { i, name = "Customer " + i });
        }

        for (var i = 1; i <= 12; i++)
        {
            inner.Execute("insert into Orders (Id, CustomerId) values (@i, @c)", new { i, c = i == 12 ? 99 : i % 5 + 1 });
        }

        var counting = new CountingConnection(inner);
        var result = await (Task<string>)TestCompiler.Invoke(assembly, "Harness", "Run", counting)!;
        return (result, counting.Commands);
    }

    [Fact]
    public async Task Run_on_SQLite_gives_the_same_results_in_fewer_round_trips()
    {
        // QueryFirstOrDefault per order (12) and Query per customer (5), after loading orders and customers (2).
        const string Original = """
            public static class Queries
            {
                public static async Task<string> Names(DbConnection connection, List<Order> orders, List<Customer> customers)
                {
                    var names = new List<string>();
                    foreach (var order in orders)
                    {
                        var customer = await connection.QueryFirstOrDefaultAsync<Customer>("select * from Customers where Id = @id", new { id = order.CustomerId });
                        names.Add(order.Id + ":" + (customer?.Name ?? "none"));
                    }

                    foreach (var customer in customers)
                    {
                        var list = connection.Query<Order>("select * from Orders where CustomerId = @id order by Id desc", new { id = customer.Id });
                        names.Add(customer.Id + ":" + string.Join("/", list.Select(o => o.Id)));
                    }

                    return string.Join(";", names);
                }
            }
            """;
        var (fixedCode, applied) = await FixApplier.ApplyEachAsync<PERF003NPlusOneQueryAnalyzer, PERF003BatchQueryCodeFix>(Usings + Original);
        Assert.Equal(2, applied);
        Assert.Contains("where Id in @id", fixedCode, StringComparison.Ordinal);
        Assert.Contains("where CustomerId in @id order by Id desc", fixedCode, StringComparison.Ordinal);

        const string Call = "return await Queries.Names(connection, orders, customers);";
        var original = await RunAsync(Original, Call);
        var fixedRun = await RunAsync(fixedCode.Substring(Usings.Length), Call);
        Assert.Equal(original.Result, fixedRun.Result);
        Assert.Contains("12:none", original.Result, StringComparison.Ordinal);
        Assert.Equal(2 + 12 + 5, original.Commands);
        Assert.Equal(2 + 2, fixedRun.Commands);
    }
}
