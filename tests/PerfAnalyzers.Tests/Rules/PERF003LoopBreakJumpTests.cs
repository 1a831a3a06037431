using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003, the <c>break</c> after a round-trip proves "at most once per run of the loop" only when nothing between them
/// can go round again: a <c>continue</c> (or <c>goto</c>) in the statement that holds the query — after it in its branch,
/// in the other branch of the <c>if</c> whose condition runs it, in a <c>catch</c> around it — skips the <c>break</c>,
/// so the query runs per element and is reported.
/// </summary>
public class PERF003LoopBreakJumpTests
{
    [Fact]
    public Task A_continue_that_skips_the_break_keeps_the_query_reported() => PERF003Model.Verify("""
        using System;
        using System.Collections.Generic;

        public class Finder
        {
            private readonly ShopContext _db;

            public Finder(ShopContext db) => _db = db;

            public void Run(List<Order> orders)
            {
                foreach (var order in orders)
                {
                    if (order.Status == "open")
                    {
                        Console.WriteLine(_db.Customers.{|#0:Find(order.CustomerId)|}?.Name);
                        continue;
                    }

                    break;
                }

                foreach (var order in orders)
                {
                    if (_db.Customers.{|#1:Find(order.CustomerId)|} is null)
                    {
                        Console.WriteLine(order.Id);
                    }
                    else
                    {
                        continue;
                    }

                    break;
                }

                foreach (var order in orders)
                {
                    try
                    {
                        Console.WriteLine(_db.Customers.{|#2:Find(order.CustomerId)|}?.Name);
                    }
                    catch (InvalidOperationException)
                    {
                        continue;
                    }

                    break;
                }

                foreach (var order in orders)
                {
                    // No jump between the query and the break: at most once per run of the loop, not reported.
                    if (order.Status == "open")
                    {
                        Console.WriteLine(_db.Customers.Find(order.CustomerId)?.Name);
                    }
                    else
                    {
                        return;
                    }

                    break;
                }
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0),
        Expect.Diagnostic("PERF003").WithLocation(1),
        Expect.Diagnostic("PERF003").WithLocation(2));
}
