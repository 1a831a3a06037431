using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>The entity model the PERF003 test snippets query: customers, their orders and order lines, on EF Core.</summary>
internal static class PERF003Model
{
    public const string Source = """
        using System;
        using System.Collections.Generic;
        using Microsoft.EntityFrameworkCore;

        public class Customer
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
            public string Email { get; set; } = "";
        }

        public class Order
        {
            public int Id { get; set; }
            public int CustomerId { get; set; }
            public string Status { get; set; } = "";
            public List<Line> Lines { get; set; } = new();
        }

        public class Line
        {
            public int Id { get; set; }
            public int OrderId { get; set; }
            public string Product { get; set; } = "";
            public int Quantity { get; set; }
        }

        public class Product
        {
            public int ProductId { get; set; }
            public string Name { get; set; } = "";
        }

        public class ShopContext : DbContext
        {
            public ShopContext(DbContextOptions<ShopContext> options) : base(options) { }
            public DbSet<Customer> Customers => Set<Customer>();
            public DbSet<Order> Orders => Set<Order>();
            public DbSet<Line> Lines => Set<Line>();
            public DbSet<Product> Products => Set<Product>();
        }
        """;

    /// <summary>Runs PERF003 on <paramref name="code"/> beside this model and expects exactly <paramref name="expected"/>.</summary>
    public static Task Verify(string code, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer> { Sources = { code, Source } };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>The usings the PERF003 fix tests put before each snippet (and its fixed form).</summary>
    public const string FixUsings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        """;

    /// <summary>
    /// Applies the PERF003 fix to <paramref name="code"/> (after <see cref="FixUsings"/>, beside this model, with
    /// <paramref name="editorConfig"/> when given) and expects <paramref name="fixedCode"/>, from the fix and from Fix All.
    /// </summary>
    public static Task VerifyFix(string code, string fixedCode, string? editorConfig = null)
    {
        var test = new CodeFixTest<PERF003NPlusOneQueryAnalyzer, PERF003BatchQueryCodeFix>
        {
            Sources = { FixUsings + code, Source },
            FixedSources = { FixUsings + fixedCode, Source },
            EditorConfig = editorConfig,
        };

        return test.RunAsync();
    }

    /// <summary>Expects no PERF003 fix to change <paramref name="code"/>.</summary>
    public static Task VerifyNoFix(string code) => VerifyFix(code, code);
}
