using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 through calls, the limits of the memoised-field exemption (issue #18, a risk named after bitwarden's
/// <c>CurrentContext</c> read): a load into a field under a null test runs once per instance only while nothing sets
/// the field back to null. A type that resets the member (<c>_orgs = null;</c> before the test in the same method, or in
/// a <c>Reset()</c>/setter the loop calls) loads again after each reset: the call is a round-trip per element and is
/// reported. The exemption itself (bitwarden's shape, never reset) is kept: see <c>PERF003MemoizedFieldTests</c>.
/// </summary>
public class PERF003MemoizedResetTests
{
    private const string Context = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        public class OrgContext
        {
            private readonly ShopContext _db;
            private List<Order> _orders;
            private List<Order> _lazy;
            private List<Order> _kept;
            private int _customerId;

            public OrgContext(ShopContext db) => _db = db;

            public int CustomerId
            {
                get => _customerId;
                set
                {
                    _customerId = value;
                    _lazy = null;
                }
            }

            public void Reset() => _orders = null;

            public async Task<string> StatusResetInPlace(int orderId)
            {
                _kept = null;
                if (_kept == null)
                {
                    _kept = await _db.Orders.ToListAsync();
                }

                return _kept.FirstOrDefault(o => o.Id == orderId)?.Status;
            }

            public async Task<string> StatusAfterReset(int orderId)
            {
                if (_orders == null)
                {
                    _orders = await _db.Orders.Where(o => o.CustomerId == _customerId).ToListAsync();
                }

                return _orders.FirstOrDefault(o => o.Id == orderId)?.Status;
            }

            public async Task<string> StatusLazy(int orderId)
            {
                _lazy ??= await _db.Orders.Where(o => o.CustomerId == _customerId).ToListAsync();
                return _lazy.FirstOrDefault(o => o.Id == orderId)?.Status;
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
    public Task Field_set_to_null_before_its_null_test_is_not_memoised() => Verify("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public class Report
        {
            public async Task Run(OrgContext context, List<int> orderIds)
            {
                foreach (var id in orderIds)
                {
                    var status = await context.{|#0:StatusResetInPlace(id)|};
                }
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning));

    [Fact]
    public Task Field_reset_by_another_member_of_its_type_is_not_memoised() => Verify("""
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public class Report
        {
            public async Task Run(OrgContext context, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    context.Reset();
                    var status = await context.{|#0:StatusAfterReset(order.Id)|};
                    context.CustomerId = order.CustomerId;
                    var lazy = await context.{|#1:StatusLazy(order.Id)|};
                }
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning),
        Expect.Diagnostic("PERF003").WithLocation(1).WithSeverity(DiagnosticSeverity.Warning));
}
