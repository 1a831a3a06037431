using System.Threading.Tasks;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;
using Xunit;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 inside a lambda whose call does not bind (half-typed code, or a type the compilation cannot see): the
/// lambda may be an expression tree that runs as SQL, so nothing nested in it is taken for per-element work
/// (jellyfin's query builder, analysed without its packages, was reported this way).
/// </summary>
public class PERF003UnboundLambdaTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using Microsoft.EntityFrameworkCore;

        """;

    private static Task Verify(string code) => new AnalyzerTest<PERF003NPlusOneQueryAnalyzer>
    {
        Sources = { Usings + code, PERF003Model.Source },
        AllowCompilerErrors = true,
    }.RunAsync();

    [Fact]
    public Task Query_in_a_lambda_nested_in_a_query_lambda_with_an_unknown_member_is_not_reported() => Verify("""
        class C
        {
            IQueryable<Order> M(ShopContext db, IQueryable<Order> query, string typeName)
            {
                var allowed = db.Lines.Where(l => l.Quantity > 0).Select(l => l.OrderId);
                return query.Where(o =>
                    allowed.Contains(o.Id)
                    || o.Lines.Any(l => allowed.Contains(l.OrderId))
                    || o.Kind == typeName);
            }
        }
        """);

    [Fact]
    public Task Query_in_a_lambda_passed_to_an_unknown_method_is_not_reported() => Verify("""
        class C
        {
            void M(ShopContext db, IQueryable<Order> query)
            {
                var allowed = db.Lines.Select(l => l.OrderId);
                var filtered = query.WhereIf(true, o => o.Lines.Any(l => allowed.Contains(l.OrderId)));
            }
        }
        """);

    [Fact]
    public Task Query_in_a_per_element_lambda_over_memory_with_an_unknown_member_is_still_reported() => Verify("""
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                var withLines = orders.Where(o => o.Lines.Any(l => db.Customers.[|Any(c => c.Id == l.OrderId)|])).ToList();
            }
        }
        """);
}
