using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// For the PERF004/PERF005 "proof by running" tests: the testing library checks that the fix (one diagnostic at a
/// time, and Fix All in every scope) turns the whole source file into the checked-in fixed text, so that the test
/// compiles and runs exactly what the fix produces.
/// </summary>
internal static class RecursionFixRunner
{
    public static async Task VerifyAsync<TAnalyzer, TFix>(string source, string fixedSource, int expectedDiagnostics)
        where TAnalyzer : DiagnosticAnalyzer, new()
        where TFix : CodeFixProvider, new()
    {
        // The source has no markup (it is also compiled and run as is): its diagnostics, counted, are the expectations.
        // Their exact places are the business of the rule tests.
        var diagnostics = await TestCompiler.CreateCompilation([source])
            .WithAnalyzers([new TAnalyzer()])
            .GetAnalyzerDiagnosticsAsync();
        Assert.Equal(expectedDiagnostics, diagnostics.Length);

        var test = new CodeFixTest<TAnalyzer, TFix> { TestCode = source, FixedCode = fixedSource };
        foreach (var diagnostic in diagnostics)
        {
            var span = diagnostic.Location.GetLineSpan();
            test.ExpectedDiagnostics.Add(new DiagnosticResult(diagnostic.Id, diagnostic.Severity)
                .WithSpan(span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, span.EndLinePosition.Line + 1, span.EndLinePosition.Character + 1)
                .WithOptions(DiagnosticOptions.IgnoreAdditionalLocations));
        }

        await test.RunAsync();
    }
}
