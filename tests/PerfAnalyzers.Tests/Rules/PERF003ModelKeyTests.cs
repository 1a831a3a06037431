using Microsoft.Data.Sqlite;
using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003: the batched key lookup (ToDictionary by the key) is offered only for the key the model configures. A
/// composite key from <c>HasKey(l =&gt; new { l.Id, l.LineNo })</c> made the old fix throw on duplicate keys at run time.
/// A lookup by a column that is not the single key (composite, absent or another key) gets the <c>ToLookup</c> form,
/// which keeps every matching row.
/// </summary>
public class PERF003ModelKeyTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.ComponentModel.DataAnnotations;
        using System.Data.Common;
        using System.Linq;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Metadata.Builders;

        """;

    private static string Model(string configuration) => $$"""
        public class Line
        {
            public int Id { get; set; }
            public int LineNo { get; set; }
            public string Product { get; set; } = "";
        }

        public class Order
        {
            public int Id { get; set; }
            public int LineId { get; set; }
        }

        public class ShopContext : DbContext
        {
            public ShopContext(DbContextOptions<ShopContext> options) : base(options) { }
            public DbSet<Line> Lines => Set<Line>();
            public DbSet<Order> Orders => Set<Order>();

            protected override void OnModelCreating(ModelBuilder modelBuilder)
            {
                {{configuration}}
            }
        }

        public static class Sample
        {
            public static string Run(DbConnection connection)
            {
                using var db = new ShopContext(new DbContextOptionsBuilder<ShopContext>().UseSqlite(connection).Options);
                db.Database.EnsureCreated();
                for (var id = 1; id <= 4; id++)
                {
                    db.Orders.Add(new Order { Id = id, LineId = id % 3 + 1 });
                    for (var no = 1; no <= 2; no++)
                    {
                        db.Lines.Add(new Line { Id = id, LineNo = no, Product = "p" + id + "." + no });
                    }
                }

                db.SaveChanges();
                db.ChangeTracker.Clear();

                var result = new List<string>();
                var orders = db.Orders.OrderBy(o => o.Id).ToList();
                foreach (var order in orders)
                {
                    var line = db.Lines.FirstOrDefault(l => l.Id == order.LineId);
                    result.Add(order.Id + ":" + (line is null ? "-" : line.Id.ToString()));
                }

                return string.Join(",", result);
            }
        }
        """;

    private static async Task<(string Original, string Fixed, int Applied)> RunBothAsync(string source)
    {
        var code = Usings + source;
        var (fixedCode, applied) = await FixApplier.ApplyEachAsync<PERF003NPlusOneQueryAnalyzer, PERF003BatchQueryCodeFix>(code);
        if (applied > 0 && !source.Contains("HasKey(l => l.Id)", StringComparison.Ordinal))
        {
            // Not the single key: the lookup form, never a dictionary by a column that may repeat.
            Assert.Contains(".ToLookup(l => l.Id)", fixedCode, StringComparison.Ordinal);
            Assert.DoesNotContain("ToDictionary", fixedCode, StringComparison.Ordinal);
        }

        return (Run(code), Run(fixedCode), applied);
    }

    private static string Run(string code)
    {
        var assembly = TestCompiler.CompileAndLoad(code);
        using var connection = new SqliteConnection("DataSource=:memory:");
        connection.Open();
        return (string)TestCompiler.Invoke(assembly, "Sample", "Run", connection)!;
    }

    [Fact]
    public async Task A_composite_key_from_HasKey_gets_no_dictionary_fix_and_runs_the_same()
    {
        var (original, fixedResult, applied) = await RunBothAsync(Model("modelBuilder.Entity<Line>().HasKey(l => new { l.Id, l.LineNo });"));
        Assert.Equal("1:2,2:3,3:1,4:2", original);
        Assert.Equal(original, fixedResult);
        Assert.Equal(1, applied); // the ToLookup form
    }

    [Fact]
    public async Task A_composite_key_in_an_entity_type_configuration_gets_the_lookup_fix()
    {
        var source = Model("modelBuilder.ApplyConfiguration(new LineConfiguration());") + """

            public class LineConfiguration : IEntityTypeConfiguration<Line>
            {
                public void Configure(EntityTypeBuilder<Line> builder) => builder.HasKey("Id", "LineNo");
            }
            """;
        var (original, fixedResult, applied) = await RunBothAsync(source);
        Assert.Equal(original, fixedResult);
        Assert.Equal(1, applied); // the ToLookup form
    }

    [Fact]
    public async Task A_single_key_from_HasKey_keeps_the_fix_and_the_results()
    {
        // Line's key is Id alone (one line per id), configured explicitly: the batched lookup is right.
        var source = Model("modelBuilder.Entity<Line>().HasKey(l => l.Id);")
            .Replace("for (var no = 1; no <= 2; no++)", "for (var no = 1; no <= 1; no++)", StringComparison.Ordinal);
        var (original, fixedResult, applied) = await RunBothAsync(source);
        Assert.Equal("1:2,2:3,3:1,4:2", original);
        Assert.Equal(original, fixedResult);
        Assert.Equal(1, applied);
    }

    [Fact]
    public async Task A_conventional_Id_that_is_not_the_configured_key_gets_the_lookup_fix()
    {
        // HasKey(LineNo): Id is not the key, so FirstOrDefault(l => l.Id == ...) may match several rows.
        var source = Model("modelBuilder.Entity<Line>().HasKey(l => l.LineNo);")
            .Replace("db.Lines.Add(new Line { Id = id, LineNo = no,", "db.Lines.Add(new Line { Id = id, LineNo = id * 10 + no,", StringComparison.Ordinal);
        var (original, fixedResult, applied) = await RunBothAsync(source);
        Assert.Equal(original, fixedResult);
        Assert.Equal(1, applied); // the ToLookup form
    }

    [Theory]
    [InlineData("modelBuilder.Entity<Line>().HasNoKey();")]
    [InlineData("modelBuilder.Owned<Line>();")]
    [InlineData("modelBuilder.Entity<Order>().OwnsMany(o => o.Lines);")]
    public async Task Keyless_and_owned_entities_get_no_dictionary_fix(string configuration)
    {
        var source = Usings + Model(configuration).Replace(
            "public int LineId { get; set; }", "public int LineId { get; set; }\n    public List<Line> Lines { get; set; } = new();", StringComparison.Ordinal);
        var (fixedCode, applied) = await FixApplier.ApplyEachAsync<PERF003NPlusOneQueryAnalyzer, PERF003BatchQueryCodeFix>(source);
        Assert.Equal(1, applied); // the ToLookup form: no key, so several rows may match
        Assert.Contains(".ToLookup(l => l.Id)", fixedCode, StringComparison.Ordinal);
        Assert.DoesNotContain("ToDictionary", fixedCode, StringComparison.Ordinal);
    }
}
