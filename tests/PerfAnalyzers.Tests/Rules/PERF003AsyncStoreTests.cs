using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003, the limit of the "asynchronous operation" exemption of iteration dependence (issue #18, a risk named after
/// smartstore's <c>ImageOffloaderHook</c>: <c>await offloader.OffloadEmbeddedImagesAsync(html, ..)</c> per entry does
/// not make <c>offloader</c> per-entry data). An async method whose body stores its argument in its own object
/// (<c>await cursor.MoveToAsync(order)</c> setting <c>CurrentId = order.Id</c>) does make the receiver per element:
/// a query that reads <c>cursor.CurrentId</c> afterwards runs once per element and is reported. An async method that
/// only works with its argument, and one whose body is not visible, keep the exemption.
/// </summary>
public class PERF003AsyncStoreTests
{
    private const string Context = """
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public class Cursor
        {
            private int _position;

            public int CurrentId { get; private set; }

            public Task MoveToAsync(Order order)
            {
                CurrentId = order.Id;
                return Task.CompletedTask;
            }

            public async Task SeekAsync(int id)
            {
                await Task.Yield();
                _position = id;
            }

            public int Position => _position;
        }

        public class Offloader
        {
            public int FolderId { get; private set; } = 1;

            public async Task OffloadAsync(string html, int folderId)
            {
                await Task.Delay(html.Length + folderId);
            }
        }
        """;

    private static Task Verify(string code, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer> { Sources = { Context, code, PERF003Model.Source } };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    [Fact]
    public Task Async_method_that_stores_its_argument_makes_the_receiver_per_element() => Verify("""
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public class Exporter
        {
            public async Task Run(ShopContext db, List<Order> orders)
            {
                var cursor = new Cursor();
                foreach (var order in orders)
                {
                    await cursor.MoveToAsync(order);
                    var lines = await db.Lines.Where(l => l.OrderId == cursor.CurrentId).{|#0:ToListAsync()|};
                }

                var seeker = new Cursor();
                foreach (var order in orders)
                {
                    await seeker.SeekAsync(order.CustomerId);
                    var customer = await db.Customers.{|#1:FirstOrDefaultAsync(c => c.Id == seeker.Position)|};
                }
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning),
        Expect.Diagnostic("PERF003").WithLocation(1).WithSeverity(DiagnosticSeverity.Warning));

    [Fact]
    public Task Async_method_that_only_uses_its_argument_keeps_the_receiver_shared() => Verify("""
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public class Hook
        {
            public async Task Run(ShopContext db, List<Order> orders)
            {
                var offloader = new Offloader();
                foreach (var order in orders)
                {
                    await offloader.OffloadAsync(order.Status, 1);
                    var folder = await db.Customers.FirstOrDefaultAsync(c => c.Id == offloader.FolderId);
                }
            }
        }
        """);
}
