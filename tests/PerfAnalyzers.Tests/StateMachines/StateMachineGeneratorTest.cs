using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using PerfAnalyzers.StateMachines;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.StateMachines;

/// <summary>
/// A generator test on Microsoft.CodeAnalysis.Testing: the [StateMachine] generator runs over <c>TestState.Sources</c>,
/// its files must equal <c>TestState.GeneratedSources</c> exactly (name and text), it reports exactly the expected
/// diagnostics, and the output compiles. Same compilation settings and references as the analyzer tests.
/// </summary>
internal sealed class StateMachineGeneratorTest : CSharpSourceGeneratorTest<StateMachineGenerator, DefaultVerifier>
{
    public StateMachineGeneratorTest()
    {
        ReferenceAssemblies = TestReferences.Framework;
        TestState.AdditionalReferences.AddRange(TestReferences.Libraries);
    }

    protected override CompilationOptions CreateCompilationOptions() => TestSettings.CompilationOptions(base.CreateCompilationOptions());

    protected override ParseOptions CreateParseOptions() => TestSettings.ParseOptions();
}
