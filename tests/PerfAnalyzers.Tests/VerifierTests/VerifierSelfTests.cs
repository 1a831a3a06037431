using Microsoft.CodeAnalysis;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.VerifierTests;

/// <summary>The verifier must pass right expectations and fail wrong ones, loudly.</summary>
public class VerifierSelfTests
{
    private const string Source = """
        class C
        {
            int M() => [|42|] + 1;
            int N() => 41;
        }
        """;

    private const string Fixed = """
        class C
        {
            int M() => 40 + 1;
            int N() => 41;
        }
        """;

    [Fact]
    public Task Right_expectation_passes() => AnalyzerVerifier<ForbiddenLiteralAnalyzer>.VerifyAsync(Source);

    [Fact]
    public Task Marker_with_arguments_passes() =>
        AnalyzerVerifier<ForbiddenLiteralAnalyzer>.VerifyAsync(
            "class C { int M() => {|#0:42|}; }",
            new DiagnosticResult("TEST001").WithLocation(0).WithArguments(42).WithSeverity(DiagnosticSeverity.Warning));

    [Fact]
    public async Task Missing_diagnostic_fails()
    {
        var failure = await Assert.ThrowsAsync<VerificationException>(() =>
            AnalyzerVerifier<ForbiddenLiteralAnalyzer>.VerifyAsync("class C { int M() => [|41|]; }"));
        Assert.Contains("missing:    TEST001 Test0.cs(1,22)-(1,24) `41`", failure.Message);
    }

    [Fact]
    public async Task Unexpected_diagnostic_fails()
    {
        var failure = await Assert.ThrowsAsync<VerificationException>(() =>
            AnalyzerVerifier<ForbiddenLiteralAnalyzer>.VerifyAsync("class C { int M() => 42; }"));
        Assert.Contains("unexpected: TEST001 Test0.cs(1,22)-(1,24) `42`", failure.Message);
    }

    [Fact]
    public async Task Misplaced_diagnostic_shows_both_spans()
    {
        var failure = await Assert.ThrowsAsync<VerificationException>(() =>
            AnalyzerVerifier<ForbiddenLiteralAnalyzer>.VerifyAsync("class C { int M() => [|42 + 1|]; }"));
        Assert.Contains("missing:    TEST001 Test0.cs(1,22)-(1,28) `42 + 1`", failure.Message);
        Assert.Contains("unexpected: TEST001 Test0.cs(1,22)-(1,24) `42`", failure.Message);
    }

    [Fact]
    public async Task Wrong_arguments_fail()
    {
        var failure = await Assert.ThrowsAsync<VerificationException>(() =>
            AnalyzerVerifier<ForbiddenLiteralAnalyzer>.VerifyAsync(
                "class C { int M() => {|#0:42|}; }",
                new DiagnosticResult("TEST001").WithLocation(0).WithArguments(43)));
        Assert.Contains("expected message: Literal 43 is forbidden", failure.Message);
    }

    [Fact]
    public async Task Compiler_errors_fail_unless_allowed()
    {
        await Assert.ThrowsAsync<VerificationException>(() =>
            AnalyzerVerifier<ForbiddenLiteralAnalyzer>.VerifyAsync("class C { int M() => [|42|] }"));
        await new AnalyzerTest<ForbiddenLiteralAnalyzer> { TestCode = "class C { int M() => [|42|] }", AllowCompilerErrors = true }.RunAsync();
    }

    [Fact]
    public async Task Analyzer_exception_fails()
    {
        var failure = await Assert.ThrowsAsync<VerificationException>(() =>
            AnalyzerVerifier<ThrowingAnalyzer>.VerifyAsync("class C { int M() => 42; }"));
        Assert.Contains("AD0001", failure.Message);
        Assert.Contains("boom", failure.Message);
    }

    [Fact]
    public Task EditorConfig_options_reach_the_analyzer() =>
        new AnalyzerTest<ForbiddenLiteralAnalyzer>
        {
            TestCode = "class C { int M() => 42 + [|7|]; }",
            EditorConfig = "perf_analyzers.TEST001.forbidden = 7",
        }.RunAsync();

    [Fact]
    public Task EditorConfig_severity_none_silences_the_rule() =>
        new AnalyzerTest<ForbiddenLiteralAnalyzer>
        {
            TestCode = "class C { int M() => 42; }",
            EditorConfig = "dotnet_diagnostic.TEST001.severity = none",
        }.RunAsync();

    [Fact]
    public Task Top_level_statements_and_several_files() =>
        new AnalyzerTest<ForbiddenLiteralAnalyzer>
        {
            Sources = { "System.Console.WriteLine([|42|]);", "static class D { public const int X = [|42|]; }" },
            OutputKind = OutputKind.ConsoleApplication,
        }.RunAsync();

    [Fact]
    public Task Right_fix_passes_one_by_one_and_fix_all() =>
        new CodeFixTest<ForbiddenLiteralAnalyzer, ReplaceLiteralFix>
        {
            Sources = { "class C { int M() => [|42|] + [|42|]; }", "class D { int M() => [|42|]; }" },
            FixedSources = { "class C { int M() => 40 + 40; }", "class D { int M() => 40; }" },
            OtherProjectSources = { "class E { int M() => [|42|]; }" },
            OtherProjectFixedSources = { "class E { int M() => 40; }" },
        }.RunAsync();

    [Fact]
    public Task Shortcut_fix_passes() => CodeFixVerifier<ForbiddenLiteralAnalyzer, ReplaceLiteralFix>.VerifyFixAsync(Source, Fixed);

    [Fact]
    public async Task Wrong_fixed_text_fails_with_a_diff()
    {
        var failure = await Assert.ThrowsAsync<VerificationException>(() =>
            CodeFixVerifier<ForbiddenLiteralAnalyzer, ReplaceLiteralFix>.VerifyFixAsync(Source, Fixed.Replace("40 + 1", "39 + 1")));
        Assert.Contains("-     int M() => 39 + 1;", failure.Message);
        Assert.Contains("+     int M() => 40 + 1;", failure.Message);
    }

    [Fact]
    public async Task Fix_that_breaks_compilation_fails()
    {
        var failure = await Assert.ThrowsAsync<VerificationException>(() =>
            CodeFixVerifier<ForbiddenLiteralAnalyzer, NonCompilingFix>.VerifyFixAsync(Source, Fixed.Replace("40 + 1", "\"forty\" + 1")));
        Assert.Contains("does not compile", failure.Message);
    }

    [Fact]
    public async Task Fix_all_that_misses_occurrences_fails()
    {
        var failure = await Assert.ThrowsAsync<VerificationException>(() =>
            CodeFixVerifier<ForbiddenLiteralAnalyzer, FirstOnlyFixAll>.VerifyFixAsync(
                "class C { int M() => [|42|] + [|42|]; }",
                "class C { int M() => 40 + 40; }"));
        Assert.Contains("Fix All (Document)", failure.Message);
    }

    [Fact]
    public async Task No_fix_expected_but_offered_fails()
    {
        var failure = await Assert.ThrowsAsync<VerificationException>(() =>
            CodeFixVerifier<ForbiddenLiteralAnalyzer, ReplaceLiteralFix>.VerifyNoFixAsync(Source));
        Assert.Contains("Expected no code fix", failure.Message);
    }

    [Fact]
    public void Compiled_code_runs()
    {
        var assembly = TestCompiler.CompileAndLoad("public static class P { public static int Twice(int x) => 2 * x; }");
        Assert.Equal(42, TestCompiler.Invoke(assembly, "P", "Twice", 21));
        Assert.Throws<VerificationException>(() => TestCompiler.CompileAndLoad("public static class P { int x = ; }"));
    }

    [Fact]
    public void Markup_parses_nested_and_labelled_spans()
    {
        var (source, spans) = Markup.Parse("a{|#0:b[|c|]|}d{|PERF001:e|}");
        Assert.Equal("abcde", source);
        Assert.Collection(
            spans,
            s => Assert.Equal((1, 3, 0), (s.Span.Start, s.Span.End, s.Marker ?? -1)),
            s => Assert.Equal((2, 3, (string?)null), (s.Span.Start, s.Span.End, s.Id)),
            s => Assert.Equal((4, 5, "PERF001"), (s.Span.Start, s.Span.End, s.Id)));
    }
}
