using Microsoft.CodeAnalysis;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF003 over reference data whose count an administrator sets (issue #18 section 2; smartstore saves one localized value
/// or slug per <c>Language</c> when it copies a product, a media file or a message template): a suggestion (Info), by
/// the element type's name from <c>perf_analyzers.PERF003.reference_data_types</c> (default <c>Language,Currency</c>).
/// The look-alikes stay warnings: elements of another type, a store when the option does not name it, a language
/// property of the element.
/// </summary>
public class PERF003ReferenceDataTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        """;

    private const string Types = """
        public class Language
        {
            public int Id { get; set; }
        }

        public class Store
        {
            public int Id { get; set; }
        }

        public class Translation
        {
            public int Id { get; set; }
            public Language Language { get; set; } = new();
        }

        """;

    private const string Code = """
        class ProductCloner
        {
            async Task CopyAsync(ShopContext db, Product product, IEnumerable<Language> languages, List<Store> stores, List<Translation> translations)
            {
                foreach (var language in languages)
                {
                    var name = await db.Products.{|#0:FirstOrDefaultAsync(p => p.ProductId == product.ProductId + language.Id)|};
                }

                languages.ToList().ForEach(language => db.Products.{|#1:Count(p => p.ProductId == language.Id)|});

                foreach (var store in stores)
                {
                    var count = await db.Products.{|#2:CountAsync(p => p.ProductId == store.Id)|};
                }

                foreach (var translation in translations)
                {
                    var count = await db.Products.{|#3:CountAsync(p => p.ProductId == translation.Language.Id)|};
                }
            }
        }
        """;

    private static Task Verify(string? editorConfig, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<PERF003NPlusOneQueryAnalyzer>
        {
            Sources = { Usings + Types + Code, PERF003Model.Source },
            EditorConfig = editorConfig,
        };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    [Fact]
    public Task Round_trip_per_language_is_a_suggestion_and_other_elements_stay_warnings() => Verify(
        null,
        Expect.Diagnostic("PERF003").WithLocation(0).WithSeverity(DiagnosticSeverity.Info),
        Expect.Diagnostic("PERF003").WithLocation(1).WithSeverity(DiagnosticSeverity.Info),
        Expect.Diagnostic("PERF003").WithLocation(2),
        Expect.Diagnostic("PERF003").WithLocation(3));

    [Fact]
    public Task The_option_names_the_reference_data_types() => Verify(
        "perf_analyzers.PERF003.reference_data_types = Store",
        Expect.Diagnostic("PERF003").WithLocation(0),
        Expect.Diagnostic("PERF003").WithLocation(1),
        Expect.Diagnostic("PERF003").WithLocation(2).WithSeverity(DiagnosticSeverity.Info),
        Expect.Diagnostic("PERF003").WithLocation(3));
}
