using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003, one diagnostic per real problem (issue #18): <c>useAsync ? await q.FirstAsync(..) : q.First(..)</c> in a loop is
/// one round-trip per element whichever branch runs (smartstore's <c>DataProvider</c>, <c>LanguageResolver</c> had two
/// warnings at one site). Reported once, on the first branch; the second is reported when the first is not a reported round-trip.
/// </summary>
public class PERF003ConditionalBranchesTests
{
    [Fact]
    public Task Both_branches_querying_per_element_are_reported_once() => PERF003Model.Verify("""
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public class Names
        {
            private readonly ShopContext _db;

            public Names(ShopContext db) => _db = db;

            public async Task<List<string>> Load(List<Order> orders, bool useAsync, Dictionary<int, Customer> cache)
            {
                var names = new List<string>();
                foreach (var order in orders)
                {
                    var customer = useAsync
                        ? await _db.Customers.{|#0:FirstAsync(c => c.Id == order.CustomerId)|}.ConfigureAwait(false)
                        : _db.Customers.First(c => c.Id == order.CustomerId);
                    names.Add(customer.Name);

                    // The first branch is no round-trip: the second is reported.
                    var other = cache.ContainsKey(order.CustomerId)
                        ? cache[order.CustomerId]
                        : _db.Customers.{|#1:First(c => c.Id == order.CustomerId)|};
                    names.Add(other.Name);

                    // The first branch is a call, but not to the database.
                    var third = useAsync
                        ? Pick(cache, order.CustomerId)
                        : _db.Customers.{|#2:First(c => c.Id == order.CustomerId)|};
                    names.Add(third.Name);
                }

                return names;
            }

            private static Customer Pick(Dictionary<int, Customer> cache, int id) => cache[id];
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0),
        Expect.Diagnostic("PERF003").WithLocation(1),
        Expect.Diagnostic("PERF003").WithLocation(2));
}
