using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003's syntax pre-filter for through calls (<c>SyntaxNameIndex</c>), read per name on demand since issue #18: every
/// call chain the rule follows (three calls deep) still passes it, whatever the order of the declarations, across files,
/// and through local functions, which only their own member (or the file's top-level statements) can call.
/// </summary>
public class PERF003ThroughCallIndexTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        """;

    private static Task Verify(string[] sources, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary)
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer> { OutputKind = outputKind };
        foreach (var source in sources)
        {
            test.Sources.Add(Usings + source);
        }

        test.Sources.Add(PERF003Model.Source);
        return test.RunAsync();
    }

    [Fact]
    public Task Local_function_that_calls_a_sibling_local_function_that_queries_is_reported() => Verify([
        """
        class C
        {
            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    var customer = [|Load(order.CustomerId)|];
                }

                Customer? Load(int id) => Find(id);

                Customer? Find(int id) => db.Customers.FirstOrDefault(c => c.Id == id);
            }
        }
        """]);

    [Fact]
    public Task Top_level_local_functions_in_separate_statements_are_followed() => Verify([
        """
        var db = new ShopContext(new DbContextOptionsBuilder<ShopContext>().Options);
        var orders = db.Orders.ToList();
        foreach (var order in orders)
        {
            var customer = [|Load(order.CustomerId)|];
        }

        Customer? Load(int id) => Find(id);

        Customer? Find(int id) => db.Customers.FirstOrDefault(c => c.Id == id);
        """], OutputKind.ConsoleApplication);

    [Fact]
    public Task Three_calls_deep_across_files_is_reported_whatever_the_declaration_order() => Verify([
        """
        class Caller
        {
            private readonly Step1 _step = new();

            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    var total = _step.[|First(db, order.Id)|];
                }
            }
        }
        """,
        """
        class Step3
        {
            public int Third(ShopContext db, int id) => db.Lines.Count(l => l.OrderId == id);
        }

        class Step1
        {
            private readonly Step2 _next = new();

            public int First(ShopContext db, int id) => _next.Second(db, id) + 1;
        }
        """,
        """
        class Step2
        {
            private readonly Step3 _next = new();

            public int Second(ShopContext db, int id) => _next.Third(db, id) * 2;
        }
        """]);

    [Fact]
    public Task Callee_whose_calls_reach_nothing_within_three_calls_is_not_reported() => Verify([
        """
        class Caller
        {
            private readonly Step1 _step = new();

            void M(ShopContext db, List<Order> orders)
            {
                foreach (var order in orders)
                {
                    var total = _step.First(db, order.Id);
                }
            }
        }

        class Step1
        {
            public int First(ShopContext db, int id) => Second(id) + 1;

            private static int Second(int id) => Third(id) * 2;

            private static int Third(int id) => id.GetHashCode();
        }
        """]);

    [Fact]
    public Task Helper_that_calls_a_repository_whose_body_is_not_visible_is_reported() => Verify([
        """
        public interface IOrganizationRepository
        {
            Task ReplaceAsync(Order order);
        }

        public interface IMailService
        {
            Task SendAsync(string to);
        }

        class LicensingService
        {
            private readonly IOrganizationRepository _organizationRepository;
            private readonly IOrganizationRepository _orgs;
            private readonly IMailService _mail;

            public LicensingService(IOrganizationRepository repository, IMailService mail)
            {
                _organizationRepository = repository;
                _orgs = repository;
                _mail = mail;
            }

            async Task ValidateAsync(List<Order> orders)
            {
                foreach (var order in orders)
                {
                    await [|DisableAsync(order, "No license file.")|];
                    await [|ArchiveAsync(order)|];
                    await NotifyAsync(order);
                }
            }

            private async Task DisableAsync(Order order, string reason)
            {
                order.Status = reason;
                await _organizationRepository.ReplaceAsync(order);
                await _mail.SendAsync(reason);
            }

            private async Task ArchiveAsync(Order order)
            {
                order.Status = "archived";
                await _orgs.ReplaceAsync(order);
            }

            private Task NotifyAsync(Order order) => _mail.SendAsync(order.Status);
        }
        """]);
}
