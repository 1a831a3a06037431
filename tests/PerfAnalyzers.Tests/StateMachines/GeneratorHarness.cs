using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using PerfAnalyzers.StateMachines;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.StateMachines;

/// <summary>Runs the [StateMachine] generator on sources and exposes what it produced.</summary>
internal sealed class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private GeneratorHarness(CSharpCompilation input, Compilation output, GeneratorDriverRunResult result, GeneratorDriver driver)
    {
        Input = input;
        Output = output;
        Result = result;
        Driver = driver;
    }

    public CSharpCompilation Input { get; }

    public Compilation Output { get; }

    public GeneratorDriverRunResult Result { get; }

    public GeneratorDriver Driver { get; }

    /// <summary>Generator diagnostics (PERFSM…).</summary>
    public ImmutableArray<Diagnostic> GeneratorDiagnostics => Result.Diagnostics;

    /// <summary>Every generated file's text, by hint name.</summary>
    public IReadOnlyDictionary<string, string> Generated => Result.Results.SelectMany(r => r.GeneratedSources).ToDictionary(s => s.HintName, s => s.SourceText.ToString());

    public static GeneratorHarness Run(IEnumerable<string> sources, IEnumerable<MetadataReference>? references = null, OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary)
    {
        var input = TestCompiler.CreateCompilation(sources, outputKind, references);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new StateMachineGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGeneratorsAndUpdateCompilation(input, out var output, out _);
        return new GeneratorHarness(input, output, driver.GetRunResult(), driver);
    }

    public static GeneratorHarness Run(params string[] sources) => Run((IEnumerable<string>)sources);

    /// <summary>Compiler diagnostics of the output compilation at warning level or above (generated code must have none).</summary>
    public IReadOnlyList<Diagnostic> CompilerProblems() =>
        Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id is not ("CS1701" or "CS1702")).ToList(); // 1701/1702: the SDK suppresses these by default too

    /// <summary>Asserts the output compiles without warnings and loads it.</summary>
    public System.Reflection.Assembly CompileAndLoad()
    {
        var problems = CompilerProblems();
        Assert.True(problems.Count == 0, "Generated code does not compile cleanly:\n" + string.Join("\n", problems) + "\n\n" + string.Join("\n\n", Generated.Values));
        return TestCompiler.Load(Output);
    }
}
