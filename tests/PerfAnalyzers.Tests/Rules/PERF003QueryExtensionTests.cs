using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 (issue #13, Kavita's repositories): a query composed through an extension method of the code base
/// (<c>IQueryable&lt;T&gt; Includes(this IQueryable&lt;T&gt; q, Flags f)</c>) is still a database query, directly and
/// behind a repository interface whose implementation runs it; an extension that takes a query but returns something
/// else, or that works on an in-memory sequence, is not.
/// </summary>
public class PERF003QueryExtensionTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        """;

    private const string Extensions = """
        [Flags]
        public enum OrderIncludes { None = 0, Lines = 1 }

        public static class IncludesExtensions
        {
            public static IQueryable<Order> Includes(this IQueryable<Order> queryable, OrderIncludes includes)
            {
                if (includes.HasFlag(OrderIncludes.Lines))
                {
                    queryable = queryable.Include(o => o.Lines);
                }

                return queryable;
            }

            public static IQueryable<T> WhereIf<T>(this IQueryable<T> queryable, bool condition, System.Linq.Expressions.Expression<Func<T, bool>> predicate) =>
                condition ? queryable.Where(predicate) : queryable;

            // Takes a query, returns SQL text: composing nothing that runs.
            public static string Describe(this IQueryable<Order> queryable) => queryable.ToQueryString();

            // In memory: the sequence is a list the caller already has.
            public static IEnumerable<Order> Open(this IEnumerable<Order> orders) => orders.Where(o => o.Status == "open");
        }

        public interface IOrderRepository
        {
            Task<List<Order>> GetOrdersAsync(int customerId, OrderIncludes includes = OrderIncludes.None);
        }

        public class OrderRepository : IOrderRepository
        {
            private readonly ShopContext _context;

            public OrderRepository(ShopContext context) => _context = context;

            public async Task<List<Order>> GetOrdersAsync(int customerId, OrderIncludes includes = OrderIncludes.None) =>
                await _context.Orders
                    .Where(o => o.CustomerId == customerId)
                    .Includes(includes)
                    .OrderBy(o => o.Id)
                    .ToListAsync();
        }
        """;

    private static Task Verify(string code, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer>
        {
            Sources = { Usings + code, PERF003Model.Source, Usings + Extensions },
        };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    [Fact]
    public Task Query_composed_through_a_code_base_extension_is_reported_directly_and_behind_a_repository() => Verify("""
        class Feed
        {
            private readonly ShopContext _db;
            private readonly IOrderRepository _orders;

            public Feed(ShopContext db, IOrderRepository orders)
            {
                _db = db;
                _orders = orders;
            }

            public async Task BuildAsync(List<Customer> customers, bool openOnly)
            {
                foreach (var customer in customers)
                {
                    var orders = await _db.Orders.Where(o => o.CustomerId == customer.Id).Includes(OrderIncludes.Lines).{|#0:ToListAsync()|};
                    var first = _db.Orders.WhereIf(openOnly, o => o.Status == "open").[|FirstOrDefault(o => o.CustomerId == customer.Id)|];
                    var viaRepository = await _orders.{|#1:GetOrdersAsync(customer.Id, OrderIncludes.Lines)|};
                }
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0).WithArguments(
            "'ToListAsync'",
            "the 'foreach' over 'customers'",
            "load the data for all elements in one query before the loop"),
        Expect.Diagnostic("PERF003").WithLocation(1).WithArguments(
            "'_orders.GetOrdersAsync' reaches the database through 'ToListAsync' and",
            "the 'foreach' over 'customers'",
            "add a batched method that loads the data for all elements in one query and call it once before the loop"));

    [Fact]
    public Task Extensions_that_do_not_compose_a_query_are_not_taken_for_one() => Verify("""
        class Report
        {
            private readonly ShopContext _db;

            public Report(ShopContext db) => _db = db;

            public void Build(List<Customer> customers, List<Order> loaded)
            {
                foreach (var customer in customers)
                {
                    // SQL text only: nothing runs.
                    var sql = _db.Orders.Where(o => o.CustomerId == customer.Id).Describe();

                    // An in-memory list filtered by an extension on IEnumerable: no round-trip.
                    var open = loaded.Open().Where(o => o.CustomerId == customer.Id).ToList();
                }
            }
        }
        """);
}
