using TestBehaviors = Microsoft.CodeAnalysis.Testing.TestBehaviors;
using PerfAnalyzers.StateMachines;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.StateMachines;

/// <summary>
/// An <see cref="AnalyzerTest{TAnalyzer}"/> of <see cref="StateMachineAnalyzer"/> that sees what a build sees: the
/// testing library runs the [StateMachine] generator before the analyzer and adds its files to the compilation (they
/// start with <c>// &lt;auto-generated/&gt;</c>, so the analyzer treats them as generated code). Valid test code that
/// calls generated members (<c>TransitionTo</c>) therefore compiles, and the compile check stays on. Generator
/// diagnostics (and CS8784/CS8785, a generator that threw) count as diagnostics, so a test that marks none also asserts
/// that the generator reports nothing: the analyzer does. What the generator emits is checked by the snapshot tests,
/// not here.
/// </summary>
internal sealed class StateMachineAnalyzerTest : AnalyzerTest<StateMachineAnalyzer>
{
    protected override Task RunImplAsync(CancellationToken cancellationToken)
    {
        TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        return base.RunImplAsync(cancellationToken);
    }

    protected override IEnumerable<Type> GetSourceGenerators() => [typeof(StateMachineGenerator)];

    public static Task VerifyAsync(string markup, params DiagnosticResult[] expected)
    {
        var test = new StateMachineAnalyzerTest { TestCode = markup };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}
