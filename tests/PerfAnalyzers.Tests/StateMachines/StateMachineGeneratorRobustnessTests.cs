using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using PerfAnalyzers.StateMachines;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.StateMachines;

/// <summary>
/// The generator reports nothing (the analyzer does), emits nothing for a machine it cannot build, still emits valid
/// machines, and neither it nor the analyzer throws on broken or incomplete code.
/// </summary>
public class StateMachineGeneratorRobustnessTests
{
    private const string Usings = "using System; using System.Collections.Generic; using PerfAnalyzers.Runtime.StateMachines;\n";

    [Theory]
    [InlineData("PERFSM001", "public enum S { A } [StateMachine(S.A)] public class Machine { [On] private void Handle(string s) { } }")]
    [InlineData("PERFSM001", "public enum S { A } public class Outer { [StateMachine(S.A)] public partial class Machine { [On] private void Handle(string s) { } } }")]
    [InlineData("PERFSM002", "[StateMachine(42)] public partial class Machine { }")]
    [InlineData("PERFSM002", "public enum Empty { } [StateMachine(default(Empty))] public partial class Machine { }")]
    public void Machine_that_cannot_be_built_gets_no_code_and_no_generator_diagnostic(string analyzerId, string source)
    {
        var run = GeneratorHarness.Run(Usings + source);
        AssertGeneratorQuiet(run);
        Assert.Empty(run.Generated);
        Assert.Contains(AnalyzerDiagnostics(Usings + source), d => d.Id == analyzerId); // the analyzer says why
    }

    [Theory]
    [InlineData("PERFSM003", "[On] private void Handle(string s) { } [On] private static void Bad(int s) { }")]
    [InlineData("PERFSM004", "[On] private void Handle(string s) { } [On] private void Again(string s) { }")]
    [InlineData("PERFSM005", "[On] private void Handle(string s) { } public enum Unused { X } ")]
    [InlineData("PERFSM006", "[On] private void Handle(string s) { } public sealed record Forgotten : IMessage;")]
    public void Machine_with_a_bad_handler_or_a_warning_is_still_emitted_and_compiles(string analyzerId, string members)
    {
        var source = Usings + "public enum S { A, B }\n[StateMachine(S.A)] public partial class Machine { MEMBERS [On(S.B)] private void Other(long l) { } }".Replace("MEMBERS", members);
        if (analyzerId != "PERFSM005")
        {
            source = source.Replace("A, B", "A");
            source = source.Replace("[On(S.B)] private void Other(long l) { }", "");
        }

        var run = GeneratorHarness.Run(source);
        AssertGeneratorQuiet(run);
        var generated = Assert.Single(run.Generated).Value;
        Assert.Contains("AskAsync(string message", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("AskAsync(int message", generated, StringComparison.Ordinal); // the invalid handler is left out
        run.CompileAndLoad();
        Assert.Contains(AnalyzerDiagnostics(source), d => d.Id == analyzerId);
    }

    [Fact]
    public void Valid_machine_is_generated_with_no_diagnostics()
    {
        var run = GeneratorHarness.Run(EntitlementGovernorSource.Code);
        AssertGeneratorQuiet(run);
        Assert.Single(run.Generated);
        run.CompileAndLoad();
        Assert.Empty(AnalyzerDiagnostics(EntitlementGovernorSource.Code));
    }

    [Fact]
    public void StateMachine_on_two_partial_declarations_does_not_throw()
    {
        // CS0579 (duplicate attribute) is the compiler's; neither the generator nor the analyzer may fail on it.
        var first = Usings + "public enum S { A } [StateMachine(S.A)] public partial class Machine { [On] private void Handle(string s) { } }";
        var second = Usings + "[StateMachine(S.A)] public partial class Machine { }";
        var run = GeneratorHarness.Run(first, second);
        Assert.Null(run.Result.Results.Single().Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Id is "CS8784" or "CS8785");
        AnalyzerDiagnostics(first, second);
    }

    [Theory]
    [InlineData("[StateMachine] public partial class Machine { }")]
    [InlineData("[StateMachine(] public partial class Machine { }")]
    [InlineData("[StateMachine(S.)] public partial class Machine { }")]
    [InlineData("[StateMachine(null)] public partial class Machine { }")]
    [InlineData("[StateMachine(S.A, MailboxCapacity = )] public partial class Machine { }")]
    [InlineData("[StateMachine(S.A)] public partial class { }")]
    [InlineData("[StateMachine(S.A)] public partial class Machine")]
    [InlineData("[StateMachine(S.A)] public partial class Machine : Machine { }")]
    [InlineData("[StateMachine(S.A)] public partial class Machine<T> where T : { [On] void H(T t) { } }")]
    [InlineData("[StateMachine(S.A)] public partial class Machine { [On(] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A)] public partial class Machine { [On] void H( { } }")]
    [InlineData("[StateMachine(S.A)] public partial class Machine { [On] void H(string s) => TransitionTo(; }")]
    [InlineData("[StateMachine(S.A)] public partial class Machine { [On] void H(string s) => TransitionTo(S.A, S.B); }")]
    [InlineData("[StateMachine(S.A)] public partial class Machine { [On] void H(string s) => TransitionTo(default); }")]
    [InlineData("[StateMachine(S.A)] public partial class Machine { [On, Batch(MaxSize = )] void H(IReadOnlyList<> s) { } }")]
    [InlineData("[StateMachine(S.A)] public partial class Machine { [On] Missing H(Missing s) => default!; }")]
    [InlineData("[StateMachine(S.A)] public partial class Machine { [On] void H(string s) { } [On] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A)] public partial class Machine { public sealed record M : IMessage, Missing; }")]
    [InlineData("[StateMachine(S.A)] public static partial class Machine { [On] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A)] public abstract partial class Machine { [On] abstract void H(string s); }")]
    [InlineData("public partial class Outer<T> { [StateMachine(S.A)] public partial class Machine { [On] void H(T s) { } } }")]
    public void Broken_code_never_throws(string code)
    {
        var source = Usings + "public enum S { A, B }\n" + code;
        var run = GeneratorHarness.Run(source);
        AssertGeneratorQuiet(run);
        AnalyzerDiagnostics(source); // throws on AD0001
    }

    [Fact]
    public void Every_prefix_of_a_real_machine_never_throws()
    {
        // Code as it is typed: cut the governor at many points (inside attributes, signatures, bodies).
        var code = EntitlementGovernorSource.Code;
        for (var length = code.IndexOf("public enum", StringComparison.Ordinal); length <= code.Length; length += 53)
        {
            var prefix = code.Substring(0, length);
            var run = GeneratorHarness.Run(prefix);
            AssertGeneratorQuiet(run, "prefix of length " + length);
            AnalyzerDiagnostics(prefix);
        }
    }

    private static void AssertGeneratorQuiet(GeneratorHarness run, string? what = null)
    {
        var result = run.Result.Results.Single();
        Assert.True(result.Exception is null, what + ": " + result.Exception);
        Assert.True(run.GeneratorDiagnostics.IsEmpty, what + ": " + string.Join("\n", run.GeneratorDiagnostics));
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Id is "CS8784" or "CS8785");
    }

    /// <summary>The analyzer's diagnostics over the sources; fails the test if the analyzer throws (AD0001).</summary>
    private static IReadOnlyList<Diagnostic> AnalyzerDiagnostics(params string[] sources)
    {
        var compilation = TestCompiler.CreateCompilation(sources);
        var diagnostics = compilation.WithAnalyzers([new StateMachineAnalyzer()]).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        return diagnostics;
    }
}
