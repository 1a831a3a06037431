using Microsoft.CodeAnalysis;
using PerfAnalyzers.StateMachines;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.StateMachines;

/// <summary>
/// An <see cref="AnalyzerTest{TAnalyzer}"/> of <see cref="StateMachineAnalyzer"/> that sees what a build sees: before the
/// analyzer runs, the [StateMachine] generator runs over the sources (markup removed) and its files are added as further
/// sources (they start with <c>// &lt;auto-generated/&gt;</c>, so the analyzer treats them as generated code). Valid test code
/// that calls generated members (<c>TransitionTo</c>) therefore compiles, and the verifier's compile check stays on.
/// </summary>
internal sealed class StateMachineAnalyzerTest : AnalyzerTest<StateMachineAnalyzer>
{
    public override Task RunAsync()
    {
        var clean = Sources.Select(s => Markup.Parse(s).Source).ToList();
        var run = GeneratorHarness.Run(clean, AllReferences, OutputKind);
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Id is "CS8784" or "CS8785"); // the generator never throws
        Assert.Empty(run.GeneratorDiagnostics); // and reports nothing: the analyzer does
        foreach (var generated in run.Generated.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Assert.True(Markup.Parse(generated.Value).Spans.Count == 0, "generated code reads as markup: " + generated.Key);
            Sources.Add(generated.Value);
        }

        return base.RunAsync();
    }

    public static Task VerifyAsync(string markup, params DiagnosticResult[] expected)
    {
        var test = new StateMachineAnalyzerTest { TestCode = markup };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}
