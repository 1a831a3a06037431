using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 after the cost cuts of issue #18 (8 Dec 2026): whether a type is a query is no longer asked of an array's
/// interfaces (an array is in memory, whatever it holds) and a type parameter is a query when a constraint is; the
/// per-loop dependence works on lists borrowed per thread, so one loop's facts must not leak into the next. The generic
/// extension below is seen with its type argument inferred (a <c>DbSet</c>), so it guards the query trace, not the
/// type-parameter branch itself (a mutation of that branch leaves these tests green).
/// </summary>
public class PERF003QueryableTypeTests
{
    [Fact]
    public Task Query_composed_by_a_generic_extension_is_reported() => PERF003Model.Verify("""
        using System.Collections.Generic;
        using System.Linq;
        using Microsoft.EntityFrameworkCore;

        public static class LineQueries
        {
            public static TQuery Shipped<TQuery>(this TQuery query) where TQuery : IQueryable<Line> => query;
        }

        public class Lookup
        {
            public List<Line> Run(ShopContext db, List<Order> orders)
            {
                var result = new List<Line>();
                foreach (var order in orders)
                {
                    result.AddRange(db.Lines.Shipped().Where(l => l.OrderId == order.Id).{|#0:ToList()|});
                }

                return result;
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning));

    [Fact]
    public Task Filter_over_an_array_of_entities_is_in_memory() => PERF003Model.Verify("""
        using System.Collections.Generic;
        using System.Linq;

        public class Lookup
        {
            public List<Line> Run(Line[] lines, List<Order> orders, Line[][] pages)
            {
                var result = new List<Line>();
                foreach (var order in orders)
                {
                    result.AddRange(lines.Where(l => l.OrderId == order.Id).ToList());
                    result.AddRange(pages[order.Id % pages.Length].Where(l => l.OrderId == order.Id).ToList());
                }

                return result;
            }
        }
        """);

    [Fact]
    public Task Each_loop_of_a_method_gets_its_own_dependence() => PERF003Model.Verify("""
        using System.Collections.Generic;
        using System.Linq;
        using Microsoft.EntityFrameworkCore;

        public class Report
        {
            public int Run(ShopContext db, List<Order> orders)
            {
                var total = 0;
                foreach (var order in orders)
                {
                    var id = order.Id;
                    total += db.Lines.Where(l => l.OrderId == id).{|#0:Count()|};
                }

                var fixedId = orders.Count;
                foreach (var order in orders)
                {
                    var id = fixedId;
                    total += db.Lines.Where(l => l.OrderId == id).Count() + order.Id;
                }

                var lambdas = orders.Select(o => db.Lines.Where(l => l.OrderId == o.Id).{|#1:Count()|}).Sum();
                return total + lambdas;
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning),
        Expect.Diagnostic("PERF003").WithLocation(1).WithSeverity(DiagnosticSeverity.Warning));
}
