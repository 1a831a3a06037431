using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 reads its options once per syntax tree (issue #18, analyzer cost): a file's own section of the .editorconfig
/// still decides for that file only. The same loops in two files, with the options set for the first file alone:
/// <c>max_constant_iterations</c> and <c>reference_data_types</c> change the first file's diagnostics and leave the second
/// file's as the defaults make them.
/// </summary>
public class PERF003TreeOptionsTests
{
    private const string Usings = """
        using System.Collections.Generic;
        using System.Linq;
        using Microsoft.EntityFrameworkCore;

        """;

    private static string Code(string name, string retried) => Usings + $$"""
        class {{name}}
        {
            void Retries(ShopContext db)
            {
                for (var attempt = 0; attempt < 3; attempt++)
                {
                    var customer = db.Customers.{{retried}};
                }
            }

            void PerCustomer(ShopContext db, List<Customer> customers)
            {
                foreach (var customer in customers)
                {
                    var orders = db.Orders.Where(o => o.CustomerId == customer.Id).{|#0:ToList()|};
                }
            }
        }
        """;

    [Fact]
    public Task Each_file_gets_its_own_options()
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer>
        {
            Sources =
            {
                // Test0.cs: the retry loop (3 passes) is over max_constant_iterations = 2, and Customer is reference data.
                Code("First", "[|Find(attempt)|]"),
                // Test1.cs: the defaults: 3 passes are retries, and Customer is not reference data.
                Code("Second", "Find(attempt)").Replace("{|#0:ToList()|}", "{|#1:ToList()|}"),
                PERF003Model.Source,
            },
            EditorConfig = """

                [Test0.cs]
                perf_analyzers.PERF003.max_constant_iterations = 2
                perf_analyzers.PERF003.reference_data_types = Customer
                """,
        };

        test.ExpectedDiagnostics.Add(Expect.Diagnostic("PERF003").WithLocation(0).WithSeverity(DiagnosticSeverity.Info));
        test.ExpectedDiagnostics.Add(Expect.Diagnostic("PERF003").WithLocation(1).WithSeverity(DiagnosticSeverity.Warning));
        return test.RunAsync();
    }
}
