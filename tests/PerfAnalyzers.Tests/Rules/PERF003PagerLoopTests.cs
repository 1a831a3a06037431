using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003, one <c>SaveChanges</c> per page loaded through a pager of the code base (issue #18 section 1, "saves per
/// chunk or page"; smartstore's FastPager: <c>while ((await pager.ReadNextPageAsync&lt;T&gt;()).Out(out var page))
/// { ...; await db.SaveChangesAsync(); }</c> in StockSubscriptionService, QueuedEmailService, and
/// <c>ToPagedList(++pageIndex, 500)</c> in CampaignService): the batched form, not reported. A save per element of
/// the page, or a while loop that loads no page, is still reported.
/// </summary>
public class PERF003PagerLoopTests
{
    private const string Pager = """
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public class FastPager<T>
        {
            public FastPager(IQueryable<T> query, int size = 500) { }
            public Task<IList<T>> ReadNextPageAsync() => Task.FromResult<IList<T>>(new List<T>());
        }

        public static class PagerExtensions
        {
            public static bool Out<T>(this T value, out T result) { result = value; return value is ICollection<object> { Count: > 0 }; }
            public static List<T> ToPagedList<T>(this IQueryable<T> query, int pageIndex, int pageSize) => query.Skip(pageIndex * pageSize).Take(pageSize).ToList();
        }

        """;

    private static Task Verify(string code, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer> { Sources = { Pager + code, PERF003Model.Source } };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    [Fact]
    public Task Save_per_page_of_a_pager_is_not_reported() => Verify("""
        class Cleaner
        {
            async Task<int> DeleteAsync(ShopContext db)
            {
                var deleted = 0;
                var pager = new FastPager<Order>(db.Orders.Where(o => o.Status == "old"));
                while ((await pager.ReadNextPageAsync()).Out(out var orders))
                {
                    db.Orders.RemoveRange(orders);
                    await db.SaveChangesAsync();
                    deleted += orders.Count;
                }

                return deleted;
            }

            async Task SendAsync(ShopContext db)
            {
                var pageIndex = -1;
                while (true)
                {
                    var customers = db.Customers.OrderBy(c => c.Id).ToPagedList(++pageIndex, 500);
                    foreach (var customer in customers)
                    {
                        db.Orders.Add(new Order { CustomerId = customer.Id });
                    }

                    await db.SaveChangesAsync();
                    if (customers.Count < 500)
                    {
                        break;
                    }
                }
            }
        }
        """);

    [Fact]
    public Task Save_per_element_of_a_page_or_in_a_loop_without_a_page_is_reported() => Verify("""
        class Cleaner
        {
            async Task DeleteAsync(ShopContext db)
            {
                var pager = new FastPager<Order>(db.Orders);
                while ((await pager.ReadNextPageAsync()).Out(out var orders))
                {
                    foreach (var order in orders)
                    {
                        order.Status = "done";
                        await db.{|#0:SaveChangesAsync()|};
                    }
                }
            }

            async Task AddAsync(ShopContext db, List<Order> orders)
            {
                for (var i = 0; i < orders.Count; i++)
                {
                    db.Orders.Add(orders[i]);
                    await db.{|#1:SaveChangesAsync()|};
                }
            }
        }
        """, Expect.Diagnostic("PERF003").WithLocation(0), Expect.Diagnostic("PERF003").WithLocation(1));
}
