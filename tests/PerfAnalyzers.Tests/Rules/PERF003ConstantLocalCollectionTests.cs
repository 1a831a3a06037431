using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 over a local initialised with a literal list or array that is only read (issue #18: Sonarr's
/// <c>TaskManager</c>, 11 default scheduled tasks in <c>new List&lt;ScheduledTask&gt; { .. }</c>, one <c>Upsert</c> each;
/// smartstore's <c>PriceSettings</c> migration, 10 setting names in <c>new[] { .. }</c>): a constant count, as for the same
/// literal written in the <c>foreach</c>. Above <c>max_constant_iterations</c> (5) and up to 64: a suggestion (Info); at
/// or below it: not reported. Still warnings: the same local with an <c>Add</c>, or handed to a method that may fill it.
/// </summary>
public class PERF003ConstantLocalCollectionTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using Microsoft.EntityFrameworkCore;

        """;

    private static Task Verify(string code, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer> { Sources = { Usings + code, PERF003Model.Source } };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    [Fact]
    public Task Loop_over_a_literal_list_local_only_read_is_a_suggestion() => Verify("""
        class TaskManager
        {
            void Handle(ShopContext db)
            {
                var defaultTasks = new List<Customer>
                {
                    new Customer { Id = 1, Name = "RefreshMonitoredDownloads" },
                    new Customer { Id = 2, Name = "ApplicationUpdateCheck" },
                    new Customer { Id = 3, Name = "TrackedCommandCleanup" },
                    new Customer { Id = 4, Name = "MessagingCleanup" },
                    new Customer { Id = 5, Name = "UpdateSceneMapping" },
                    new Customer { Id = 6, Name = "CheckHealth" },
                    new Customer { Id = 7, Name = "RefreshSeries" },
                    new Customer { Id = 8, Name = "Housekeeping" },
                };

                Console.WriteLine(defaultTasks.Count);
                var current = db.Customers.ToList();
                foreach (var job in current)
                {
                    if (!defaultTasks.Any(c => c.Name == job.Name))
                    {
                        db.Customers.Remove(job);
                    }
                }

                foreach (var defaultTask in defaultTasks)
                {
                    var existing = db.Customers.{|#0:FirstOrDefault(c => c.Name == defaultTask.Name)|};
                }

                var names = new[] { "A", "B", "C", "D", "E", "F", "G", "H", "I", "J" };
                foreach (var name in names)
                {
                    var setting = db.Customers.{|#1:FirstOrDefault(c => c.Name == "CatalogSettings." + name)|};
                }

                var few = new[] { "A", "B", "C" };
                foreach (var name in few)
                {
                    var setting = db.Customers.FirstOrDefault(c => c.Name == name);
                }
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0).WithSeverity(DiagnosticSeverity.Info),
        Expect.Diagnostic("PERF003").WithLocation(1).WithSeverity(DiagnosticSeverity.Info));

    [Fact]
    public Task Literal_local_that_grows_or_escapes_stays_a_warning() => Verify("""
        class TaskManager
        {
            void Handle(ShopContext db, IEnumerable<Customer> extra)
            {
                var defaultTasks = new List<Customer> { new Customer { Id = 1 }, new Customer { Id = 2 } };
                defaultTasks.AddRange(extra);
                foreach (var defaultTask in defaultTasks)
                {
                    var existing = db.Customers.{|#0:FirstOrDefault(c => c.Name == defaultTask.Name)|};
                }

                var names = new List<string> { "A", "B" };
                Fill(names);
                foreach (var name in names)
                {
                    var setting = db.Customers.{|#1:FirstOrDefault(c => c.Name == name)|};
                }
            }

            static void Fill(List<string> names) => names.Add("C");
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning),
        Expect.Diagnostic("PERF003").WithLocation(1).WithSeverity(DiagnosticSeverity.Warning));
}
