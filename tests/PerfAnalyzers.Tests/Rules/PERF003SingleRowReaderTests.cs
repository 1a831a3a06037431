using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003, ADO.NET: a <c>while (reader.Read())</c> loop over a command that asks for one row runs at most once (issue
/// #18, Sonarr's migrations <c>029_add_formats_to_naming_config</c> and <c>069_quality_proper</c>: <c>SELECT .. FROM
/// "NamingConfig" LIMIT 1</c>, then one <c>UPDATE</c> in the loop). Not reported: <c>LIMIT 1</c>, <c>TOP 1</c>, <c>TOP
/// (1)</c>, <c>FETCH FIRST 1 ROW ONLY</c> in a constant command text. Still reported: <c>LIMIT 10</c>, no limit, a text
/// assigned twice (the reader may run another one).
/// </summary>
public class PERF003SingleRowReaderTests
{
    private const string Usings = """
        using System;
        using System.Data;

        public static class CommandExtensions
        {
            public static void AddParameter(this IDbCommand command, object value)
            {
                var parameter = command.CreateParameter();
                parameter.Value = value;
                command.Parameters.Add(parameter);
            }
        }

        """;

    private static Task Verify(string code, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer> { Sources = { Usings + code } };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    private static string Migration(string selectText) => $$"""
        public static class Migration
        {
            public static void Run(IDbConnection conn, IDbTransaction tran)
            {
                using (var namingConfigCmd = conn.CreateCommand())
                {
                    namingConfigCmd.Transaction = tran;
                    namingConfigCmd.CommandText = "{{selectText}}";

                    using (var configReader = namingConfigCmd.ExecuteReader())
                    {
                        while (configReader.Read())
                        {
                            var currentStandard = configReader.GetString(0);

                            using (var updateCmd = conn.CreateCommand())
                            {
                                updateCmd.Transaction = tran;
                                updateCmd.CommandText = "UPDATE \"NamingConfig\" SET \"StandardEpisodeFormat\" = ?";
                                updateCmd.AddParameter(currentStandard + "x");
                                updateCmd.{|#0:ExecuteNonQuery()|};
                            }
                        }
                    }
                }
            }
        }
        """;

    [Theory]
    [InlineData("SELECT \\\"StandardEpisodeFormat\\\" FROM \\\"NamingConfig\\\" LIMIT 1")]
    [InlineData("SELECT TOP 1 StandardEpisodeFormat FROM NamingConfig")]
    [InlineData("SELECT TOP (1) StandardEpisodeFormat FROM NamingConfig")]
    [InlineData("SELECT StandardEpisodeFormat FROM NamingConfig ORDER BY Id FETCH FIRST 1 ROW ONLY")]
    public Task Loop_over_a_reader_of_one_row_is_not_reported(string selectText) => Verify(Migration(selectText));

    [Theory]
    [InlineData("SELECT \\\"StandardEpisodeFormat\\\" FROM \\\"NamingConfig\\\" LIMIT 10")]
    [InlineData("SELECT \\\"StandardEpisodeFormat\\\" FROM \\\"NamingConfig\\\"")]
    [InlineData("SELECT TOP 100 StandardEpisodeFormat FROM NamingConfig")]
    public Task Loop_over_a_reader_of_many_rows_is_reported(string selectText) =>
        Verify(Migration(selectText), Expect.Diagnostic("PERF003").WithLocation(0));

    [Fact]
    public Task Command_text_assigned_twice_is_not_trusted() => Verify("""
        public static class Migration
        {
            public static void Run(IDbConnection conn, bool all)
            {
                using (var cmd = conn.CreateCommand())
                {
                    cmd.CommandText = "SELECT Id FROM Series LIMIT 1";
                    if (all)
                    {
                        cmd.CommandText = "SELECT Id FROM Series";
                    }

                    using (var reader = cmd.ExecuteReader())
                    {
                        while (reader.Read())
                        {
                            var id = reader.GetInt32(0);
                            using (var updateCmd = conn.CreateCommand())
                            {
                                updateCmd.CommandText = "UPDATE Series SET Title = ? WHERE Id = ?";
                                updateCmd.AddParameter(id);
                                updateCmd.{|#0:ExecuteNonQuery()|};
                            }
                        }
                    }
                }
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0));
}
