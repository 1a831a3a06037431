using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003, a round-trip in the statement that leaves the loop (issue #18, Kavita's <c>SettingsController</c>:
/// <c>foreach (var ipAddress in ...) { if (!IPAddress.TryParse(..)) return BadRequest(await
/// _localizationService.Translate(userId, "ip-address-invalid", ipAddress)); }</c>): a call inside a <c>return</c> or a
/// <c>throw</c> runs at most once per run of the method, whatever loops enclose it, so it is not per element. A
/// <c>return</c> inside a per-element lambda leaves only that element's call, so a query there stays reported, as does
/// a query before the <c>return</c> and one whose result a <c>yield return</c> hands out per element.
/// </summary>
public class PERF003LoopExitTests
{
    private const string Localization = """
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        public interface ITranslationRepository
        {
            Task<string> TranslateAsync(int userId, string key, params object[] args);
        }

        public class ValidationException : System.Exception
        {
            public ValidationException(string message) : base(message) { }
        }
        """;

    private static Task Verify(string code, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer> { Sources = { Localization, code, PERF003Model.Source } };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    [Fact]
    public Task Query_in_a_return_or_throw_that_leaves_the_loop_is_not_reported() => Verify("""
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Net;
        using System.Threading.Tasks;

        public class SettingsController
        {
            private readonly ITranslationRepository _localizationService;
            private readonly ShopContext _db;

            public SettingsController(ITranslationRepository localizationService, ShopContext db) => (_localizationService, _db) = (localizationService, db);

            public async Task<string> Update(int userId, string ipAddresses, List<Order> orders)
            {
                foreach (var ipAddress in ipAddresses.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!IPAddress.TryParse(ipAddress.Trim(), out _))
                    {
                        return await _localizationService.TranslateAsync(userId, "ip-address-invalid", ipAddress);
                    }
                }

                foreach (var order in orders)
                {
                    foreach (var line in order.Lines)
                    {
                        if (line.Quantity < 0)
                        {
                            throw new ValidationException(_db.Customers.Single(c => c.Id == order.CustomerId).Name + " " + line.Product);
                        }
                    }
                }

                return "ok";
            }
        }
        """);

    [Fact]
    public Task Query_before_the_return_in_a_lambda_or_in_a_yield_is_reported() => Verify("""
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;

        public class Reports
        {
            private readonly ITranslationRepository _localizationService;
            private readonly ShopContext _db;

            public Reports(ITranslationRepository localizationService, ShopContext db) => (_localizationService, _db) = (localizationService, db);

            public async Task<string> FirstInvalid(int userId, List<string> keys)
            {
                foreach (var key in keys)
                {
                    var text = await _localizationService.{|#0:TranslateAsync(userId, key)|};
                    if (text.Length == 0)
                    {
                        return key;
                    }
                }

                return "";
            }

            public List<string> Names(List<Order> orders) => orders.Select(o =>
            {
                return _db.Customers.{|#1:Single(c => c.Id == o.CustomerId)|}.Name;
            }).ToList();

            public IEnumerable<string> Stream(List<Order> orders)
            {
                foreach (var order in orders)
                {
                    yield return _db.Customers.{|#2:Single(c => c.Id == order.CustomerId)|}.Name;
                }
            }
        }
        """,
        Expect.Diagnostic("PERF003").WithLocation(0),
        Expect.Diagnostic("PERF003").WithLocation(1),
        Expect.Diagnostic("PERF003").WithLocation(2));
}
