using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003, a round-trip always followed by a <c>break</c> of its loop (issue #18, smartstore's
/// <c>WebApiAdminController</c>: <c>for (var i = 0; i &lt; 9999; i++) { if (CreateKeys(..) &amp;&amp; ..) { ..; await
/// _db.SaveChangesAsync(); break; } }</c>, a retry until a fresh key is found): the loop ends right after the call, so
/// it runs at most once per run of the loop. Reported still: a query before a <c>break</c> under a condition, before a
/// <c>break</c> of an inner loop, or before the <c>break</c> of a <c>switch</c> section; a query broken out of an inner loop once per element of an
/// outer loop is reported for the outer one.
/// </summary>
public class PERF003LoopBreakTests
{
    [Fact]
    public Task Save_followed_by_a_break_of_the_loop_is_not_reported() => PERF003Model.Verify("""
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public class Keys
        {
            private readonly ShopContext _db;

            public Keys(ShopContext db) => _db = db;

            public async Task Create(int customerId, HashSet<string> used)
            {
                for (var i = 0; i < 9999; i++)
                {
                    var key = Guid.NewGuid().ToString() + i;
                    if (!used.Contains(key))
                    {
                        _db.Customers.Add(new Customer { Id = customerId, Name = key });
                        await _db.SaveChangesAsync();
                        break;
                    }
                }
            }

            public Customer Find(List<Order> orders)
            {
                foreach (var order in orders)
                {
                    if (order.Status == "first")
                    {
                        var customer = _db.Customers.Find(order.CustomerId);
                        Console.WriteLine(customer?.Name);
                        break;
                    }
                }

                return null;
            }
        }
        """);

    [Fact]
    public Task Query_before_a_conditional_break_or_before_a_break_of_an_inner_loop_is_reported() => PERF003Model.Verify("""
        using System;
        using System.Collections.Generic;
        using System.Linq;

        public class Finder
        {
            private readonly ShopContext _db;

            public Finder(ShopContext db) => _db = db;

            public Customer First(List<Order> orders)
            {
                Customer found = null;
                foreach (var order in orders)
                {
                    found = _db.Customers.{|#0:Find(order.CustomerId)|};
                    if (found != null)
                    {
                        break;
                    }
                }

                foreach (var order in orders)
                {
                    var customer = _db.Customers.{|#1:Find(order.CustomerId)|};
                    foreach (var line in order.Lines)
                    {
                        break;
                    }

                    switch (order.Status)
                    {
                        case "x":
                            var other = _db.Customers.{|#2:Find(order.CustomerId)|};
                            break;
                    }
                }

                foreach (var order in orders)
                {
                    for (var attempt = 0; attempt < 10000; attempt++)
                    {
                        var customer = _db.Customers.{|#3:Find(order.CustomerId)|};
                        break;
                    }
                }

                return found;
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0),
        Expect.Diagnostic("PERF003").WithLocation(1),
        Expect.Diagnostic("PERF003").WithLocation(2),
        Expect.Diagnostic("PERF003").WithLocation(3));
}
