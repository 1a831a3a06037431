using Dapper;
using Microsoft.Data.Sqlite;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 fix, ADO.NET: a command created per element becomes one command created before the loop and reused with
/// new parameter values (parameters cleared where the command was created), in the command's own transaction when it
/// has one, else in one transaction opened around the loop where that is provably safe. Exact output, Fix All,
/// compiles; negatives; and runs on SQLite counting commands, creations and transactions (the Sonarr migration shape).
/// </summary>
public class PERF003FixAdoNetTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Data;
        using System.Data.Common;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;

        public static class CommandExtensions
        {
            public static void AddParameter(this IDbCommand command, string name, object value)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value;
                command.Parameters.Add(parameter);
            }

            public static void SetText(this IDbCommand command, string text) => command.CommandText = text;
        }

        public sealed record Item(int Id, string Name);

        """;

    private static Task VerifyFix(string code, string fixedCode) =>
        new CodeFixTest<PERF003NPlusOneQueryAnalyzer, PERF003BatchQueryCodeFix>
        {
            Sources = { Usings + code },
            FixedSources = { Usings + fixedCode },
        }.RunAsync();

    private static Task VerifyNoFix(string code) => VerifyFix(code, code);

    /// <summary>Sonarr's migrations (053_add_series_sorttitle and 12 more): the command's own transaction is kept, none nested.</summary>
    private const string SonarrShape = """
        public static class Migration
        {
            public static void Run(IDbConnection conn, IDbTransaction tran)
            {
                using (var getSeriesCmd = conn.CreateCommand())
                {
                    getSeriesCmd.Transaction = tran;
                    getSeriesCmd.CommandText = "SELECT Id, Title FROM Series ORDER BY Id";
                    using (var reader = getSeriesCmd.ExecuteReader())
                    {
                        while (reader.Read())
                        {
                            var id = reader.GetInt32(0);
                            var sortTitle = reader.GetString(1).ToLowerInvariant();

                            using (var updateCmd = conn.CreateCommand())
                            {
                                updateCmd.Transaction = tran;
                                updateCmd.CommandText = "UPDATE Series SET SortTitle = @sortTitle WHERE Id = @id";
                                updateCmd.AddParameter("@sortTitle", sortTitle);
                                updateCmd.AddParameter("@id", id);

                                updateCmd.[|ExecuteNonQuery()|];
                            }
                        }
                    }
                }
            }
        }
        """;

    private const string SonarrShapeFixed = """
        public static class Migration
        {
            public static void Run(IDbConnection conn, IDbTransaction tran)
            {
                using (var getSeriesCmd = conn.CreateCommand())
                {
                    getSeriesCmd.Transaction = tran;
                    getSeriesCmd.CommandText = "SELECT Id, Title FROM Series ORDER BY Id";
                    using (var reader = getSeriesCmd.ExecuteReader())
                    {
                        using (var updateCmd = conn.CreateCommand())
                        {
                            updateCmd.Transaction = tran;
                            updateCmd.CommandText = "UPDATE Series SET SortTitle = @sortTitle WHERE Id = @id";
                            while (reader.Read())
                            {
                                var id = reader.GetInt32(0);
                                var sortTitle = reader.GetString(1).ToLowerInvariant();

                                updateCmd.Parameters.Clear();
                                updateCmd.AddParameter("@sortTitle", sortTitle);
                                updateCmd.AddParameter("@id", id);

                                updateCmd.[|ExecuteNonQuery()|];
                            }
                        }
                    }
                }
            }
        }
        """;

    [Fact]
    public Task Command_with_its_own_transaction_is_created_once_and_reused() => VerifyFix(SonarrShape, SonarrShapeFixed);

    private const string ForEachShape = """
        public static class Writer
        {
            public static int Run(DbConnection connection, List<Item> items)
            {
                connection.Open();
                var total = 0;
                foreach (var item in items)
                {
                    using var command = connection.CreateCommand();
                    command.CommandText = "UPDATE Items SET Name = @name WHERE Id = @id";
                    var name = command.CreateParameter();
                    name.ParameterName = "@name";
                    name.Value = item.Name;
                    command.Parameters.Add(name);
                    var id = command.CreateParameter();
                    id.ParameterName = "@id";
                    id.Value = item.Id;
                    command.Parameters.Add(id);
                    total += command.[|ExecuteNonQuery()|];
                }

                return total;
            }
        }
        """;

    private const string ForEachShapeFixed = """
        public static class Writer
        {
            public static int Run(DbConnection connection, List<Item> items)
            {
                connection.Open();
                var total = 0;
                using (var transaction = connection.BeginTransaction())
                using (var command = connection.CreateCommand())
                {
                    command.Transaction = transaction;
                    command.CommandText = "UPDATE Items SET Name = @name WHERE Id = @id";
                    foreach (var item in items)
                    {
                        command.Parameters.Clear();
                        var name = command.CreateParameter();
                        name.ParameterName = "@name";
                        name.Value = item.Name;
                        command.Parameters.Add(name);
                        var id = command.CreateParameter();
                        id.ParameterName = "@id";
                        id.Value = item.Id;
                        command.Parameters.Add(id);
                        total += command.[|ExecuteNonQuery()|];
                    }
                    transaction.Commit();
                }

                return total;
            }
        }
        """;

    [Fact]
    public Task Using_declaration_in_a_foreach_gets_one_command_in_one_transaction() => VerifyFix(ForEachShape, ForEachShapeFixed);

    [Fact]
    public Task Async_scalar_without_an_opened_connection_reuses_the_command_without_a_transaction() => VerifyFix("""
        public static class Reader
        {
            public static async Task<long> Run(DbConnection connection, int[] ids, CancellationToken ct)
            {
                long sum = 0;
                for (var i = 0; i < ids.Length; i++)
                {
                    await using (var command = connection.CreateCommand())
                    {
                        command.CommandText = "SELECT COUNT(*) FROM Items WHERE Id = @id";
                        var parameter = command.CreateParameter();
                        parameter.ParameterName = "@id";
                        parameter.Value = ids[i];
                        command.Parameters.Add(parameter);
                        sum += (long)(await command.[|ExecuteScalarAsync(ct)|])!;
                    }
                }

                return sum;
            }
        }
        """, """
        public static class Reader
        {
            public static async Task<long> Run(DbConnection connection, int[] ids, CancellationToken ct)
            {
                long sum = 0;
                await using (var command = connection.CreateCommand())
                {
                    command.CommandText = "SELECT COUNT(*) FROM Items WHERE Id = @id";
                    for (var i = 0; i < ids.Length; i++)
                    {
                        command.Parameters.Clear();
                        var parameter = command.CreateParameter();
                        parameter.ParameterName = "@id";
                        parameter.Value = ids[i];
                        command.Parameters.Add(parameter);
                        sum += (long)(await command.[|ExecuteScalarAsync(ct)|])!;
                    }
                }

                return sum;
            }
        }
        """);

    [Fact]
    public Task No_fix_where_the_command_changes_per_element_or_escapes() => VerifyNoFix("""
        public static class Writer
        {
            static void Log(IDbCommand command) { }

            public static void Run(IDbConnection conn, List<Item> items)
            {
                foreach (var item in items)
                {
                    // The SQL text is built per element (Sonarr's 020_add_year_and_seasons_to_series): parameterise it first.
                    using (var a = conn.CreateCommand())
                    {
                        a.CommandText = $"UPDATE Items SET Name = '{item.Name}' WHERE Id = {item.Id}";
                        a.[|ExecuteNonQuery()|];
                    }

                    // Passed to a method that could keep it or change it.
                    using (var b = conn.CreateCommand())
                    {
                        b.CommandText = "UPDATE Items SET Name = ? WHERE Id = ?";
                        b.AddParameter("@id", item.Id);
                        Log(b);
                        b.[|ExecuteNonQuery()|];
                    }

                    // A helper that sets more than parameters.
                    using (var c = conn.CreateCommand())
                    {
                        c.SetText("DELETE FROM Items WHERE Id = ?");
                        c.AddParameter("@id", item.Id);
                        c.[|ExecuteNonQuery()|];
                    }

                    // Set after the parameters.
                    using (var d = conn.CreateCommand())
                    {
                        d.AddParameter("@id", item.Id);
                        d.CommandText = "DELETE FROM Items WHERE Id = ?";
                        d.[|ExecuteNonQuery()|];
                    }

                    // A reader that is not closed before the next execution.
                    using (var e = conn.CreateCommand())
                    {
                        e.CommandText = "SELECT Name FROM Items WHERE Id = ?";
                        e.AddParameter("@id", item.Id);
                        var reader = e.[|ExecuteReader()|];
                        reader.Read();
                    }
                }
            }
        }
        """);

    [Fact]
    public Task No_transaction_is_added_where_the_loop_could_leave_without_the_commit_or_uses_another_command() => VerifyFix("""
        public static class Writer
        {
            public static void Run(DbConnection connection, List<Item> items)
            {
                connection.Open();
                foreach (var item in items)
                {
                    if (item.Id < 0)
                    {
                        return;
                    }

                    using var command = connection.CreateCommand();
                    command.CommandText = "DELETE FROM Items WHERE Id = @id";
                    command.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter("@id", item.Id));
                    command.[|ExecuteNonQuery()|];
                }
            }
        }
        """, """
        public static class Writer
        {
            public static void Run(DbConnection connection, List<Item> items)
            {
                connection.Open();
                using (var command = connection.CreateCommand())
                {
                    command.CommandText = "DELETE FROM Items WHERE Id = @id";
                    foreach (var item in items)
                    {
                        if (item.Id < 0)
                        {
                            return;
                        }

                        command.Parameters.Clear();
                        command.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter("@id", item.Id));
                        command.[|ExecuteNonQuery()|];
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Two_commands_in_one_loop_are_both_hoisted_one_after_the_other() => VerifyFix("""
        public static class Migration
        {
            public static void Run(IDbConnection conn, IDbTransaction tran, Dictionary<int, string> titles)
            {
                foreach (var pair in titles)
                {
                    using (var updateCmd = conn.CreateCommand())
                    {
                        updateCmd.Transaction = tran;
                        updateCmd.CommandText = "UPDATE Series SET Title = @title WHERE Id = @id";
                        updateCmd.AddParameter("@title", pair.Value);
                        updateCmd.AddParameter("@id", pair.Key);
                        updateCmd.[|ExecuteNonQuery()|];
                    }

                    using (var historyCmd = conn.CreateCommand())
                    {
                        historyCmd.Transaction = tran;
                        historyCmd.CommandText = "DELETE FROM Items WHERE Id = @id";
                        historyCmd.AddParameter("@id", pair.Key);
                        historyCmd.[|ExecuteNonQuery()|];
                    }
                }
            }
        }
        """, """
        public static class Migration
        {
            public static void Run(IDbConnection conn, IDbTransaction tran, Dictionary<int, string> titles)
            {
                using (var updateCmd = conn.CreateCommand())
                {
                    updateCmd.Transaction = tran;
                    updateCmd.CommandText = "UPDATE Series SET Title = @title WHERE Id = @id";
                    using (var historyCmd = conn.CreateCommand())
                    {
                        historyCmd.Transaction = tran;
                        historyCmd.CommandText = "DELETE FROM Items WHERE Id = @id";
                        foreach (var pair in titles)
                        {
                            updateCmd.Parameters.Clear();
                            updateCmd.AddParameter("@title", pair.Value);
                            updateCmd.AddParameter("@id", pair.Key);
                            updateCmd.[|ExecuteNonQuery()|];

                            historyCmd.Parameters.Clear();
                            historyCmd.AddParameter("@id", pair.Key);
                            historyCmd.[|ExecuteNonQuery()|];
                        }
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Command_created_in_a_branch_of_the_loop_body_is_created_once_before_the_loop() => VerifyFix("""
        public static class Migration
        {
            public static void Run(IDbConnection conn, IDbTransaction tran, Dictionary<int, string> settings)
            {
                foreach (var pair in settings)
                {
                    if (pair.Value.Length > 0)
                    {
                        using (var updateCmd = conn.CreateCommand())
                        {
                            updateCmd.Transaction = tran;
                            updateCmd.CommandText = "UPDATE Items SET Name = @name WHERE Id = @id";
                            updateCmd.AddParameter("@name", pair.Value);
                            updateCmd.AddParameter("@id", pair.Key);
                            updateCmd.[|ExecuteNonQuery()|];
                        }
                    }
                }
            }
        }
        """, """
        public static class Migration
        {
            public static void Run(IDbConnection conn, IDbTransaction tran, Dictionary<int, string> settings)
            {
                using (var updateCmd = conn.CreateCommand())
                {
                    updateCmd.Transaction = tran;
                    updateCmd.CommandText = "UPDATE Items SET Name = @name WHERE Id = @id";
                    foreach (var pair in settings)
                    {
                        if (pair.Value.Length > 0)
                        {
                            updateCmd.Parameters.Clear();
                            updateCmd.AddParameter("@name", pair.Value);
                            updateCmd.AddParameter("@id", pair.Key);
                            updateCmd.[|ExecuteNonQuery()|];
                        }
                    }
                }
            }
        }
        """);

    private static async Task<(string Rows, int Commands, int Created, int Transactions, object? Result)> RunAsync(string source, string type, Func<PERF003FixDapperTests.CountingConnection, object?[]> arguments)
    {
        var assembly = TestCompiler.CompileAndLoad(Usings + TestCompiler.StripMarkup(source));
        using var inner = new SqliteConnection("Data Source=:memory:");
        inner.Open();
        inner.Execute("create table Series (Id integer primary key, Title text not null, SortTitle text); create table Items (Id integer primary key, Name text not null);");
        for (var i = 1; i <= 12; i++)
        {
            inner.Execute("insert into Series (Id, Title) values (@i, @title)", new { i, title = "The Title " + i });
            inner.Execute("insert into Items (Id, Name) values (@i, @name)", new { i, name = "item " + i });
        }

        var counting = new PERF003FixDapperTests.CountingConnection(inner);
        var result = TestCompiler.Invoke(assembly, type, "Run", arguments(counting));
        if (result is Task task)
        {
            await task;
            result = task.GetType().GetProperty("Result")?.GetValue(task);
        }

        var rows = string.Join(";", inner.Query<(long, string, string?)>("select Id, Title, SortTitle from Series order by Id").Select(r => $"{r.Item1}:{r.Item2}:{r.Item3}")) + "|" +
            string.Join(";", inner.Query<(long, string)>("select Id, Name from Items order by Id").Select(r => $"{r.Item1}:{r.Item2}"));
        return (rows, counting.Commands, counting.Created, counting.Transactions, result);
    }

    [Fact]
    public async Task Sonarr_shape_on_SQLite_writes_the_same_rows_with_one_command_created()
    {
        var (fixedCode, applied) = await FixApplier.ApplyEachAsync<PERF003NPlusOneQueryAnalyzer, PERF003BatchQueryCodeFix>(Usings + TestCompiler.StripMarkup(SonarrShape));
        Assert.Equal(1, applied);
        Assert.Equal(TestCompiler.StripMarkup(Usings + SonarrShapeFixed), fixedCode);

        static object?[] Arguments(PERF003FixDapperTests.CountingConnection connection) => new object?[] { connection, connection.BeginTransaction() };

        var original = await RunAsync(SonarrShape, "Migration", Arguments);
        var fixedRun = await RunAsync(fixedCode.Substring(Usings.Length), "Migration", Arguments);

        // The transaction is not committed by the migration: the rows are read inside it.
        Assert.Equal(original.Rows, fixedRun.Rows);
        Assert.Equal(1 + 12, original.Commands);
        Assert.Equal(1 + 12, fixedRun.Commands); // one statement per element, as before
        Assert.Equal(1 + 12, original.Created);
        Assert.Equal(1 + 1, fixedRun.Created);
        Assert.Equal(1, original.Transactions);
        Assert.Equal(1, fixedRun.Transactions); // the command's own, not a nested one
    }

    [Fact]
    public async Task ForEach_shape_on_SQLite_writes_the_same_rows_in_one_transaction_and_counts_the_same_rows()
    {
        const string Source = """
            public static class Harness
            {
                public static int Run(DbConnection connection)
                {
                    var items = Enumerable.Range(1, 14).Select(i => new Item(i, "renamed " + i)).ToList();
                    return Writer.Run(connection, items);
                }
            }
            """;
        var (fixedCode, applied) = await FixApplier.ApplyEachAsync<PERF003NPlusOneQueryAnalyzer, PERF003BatchQueryCodeFix>(Usings + TestCompiler.StripMarkup(ForEachShape));
        Assert.Equal(1, applied);

        var original = await RunAsync(ForEachShape + Source, "Harness", c => new object?[] { c });
        var fixedRun = await RunAsync(fixedCode.Substring(Usings.Length) + Source, "Harness", c => new object?[] { c });

        Assert.Equal(original.Rows, fixedRun.Rows);
        Assert.Contains("12:renamed 12", fixedRun.Rows, StringComparison.Ordinal);
        Assert.Equal(12, original.Result); // rows 13 and 14 do not exist: the summed count is kept
        Assert.Equal(12, fixedRun.Result);
        Assert.Equal(14, original.Commands);
        Assert.Equal(14, fixedRun.Commands);
        Assert.Equal(14, original.Created);
        Assert.Equal(1, fixedRun.Created);
        Assert.Equal(0, original.Transactions); // 14 implicit (autocommit) transactions
        Assert.Equal(1, fixedRun.Transactions);
    }
}
