using Microsoft.CodeAnalysis;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.StateMachines;

/// <summary>
/// PERFSM diagnostics come from an analyzer, so the usual suppressions work: <c>#pragma warning disable</c>,
/// <c>[SuppressMessage]</c> and <c>.editorconfig</c> severities (when the generator reported them, only NoWarn did).
/// Each test also runs unsuppressed, so that it fails if the diagnostic is simply not reported.
/// </summary>
public class StateMachineSuppressionTests
{
    private const string Usings = "using System; using System.Diagnostics.CodeAnalysis; using PerfAnalyzers.Runtime.StateMachines;\n";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task Pragma_suppresses_PERFSM005(bool suppressed) => new StateMachineAnalyzerTest
    {
        // The code has its own '#pragma warning restore PERFSM005', which undoes the library's own suppression pass
        // (a '#pragma warning disable' added at the top of the file): that pass cannot apply here.
        TestBehaviors = Microsoft.CodeAnalysis.Testing.TestBehaviors.SkipSuppressionCheck,
        TestCode = Usings + """
        public enum S
        {
            A,
            B,
        #pragma warning disable PERFSM005 // kept for the next release
            C,
        #pragma warning restore PERFSM005
            D,
        }

        [StateMachine(S.A)]
        public partial class Machine
        {
            [On(S.A)] private void Go(string s) => TransitionTo(S.B);
        }
        """.Replace("    C,", suppressed ? "    C," : "    {|PERFSM005:C|},").Replace("    D,", "    {|PERFSM005:D|},")
           .Replace("#pragma warning disable PERFSM005", suppressed ? "#pragma warning disable PERFSM005" : ""),
    }.RunAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task Pragma_suppresses_the_error_PERFSM003(bool suppressed) => StateMachineAnalyzerTest.VerifyAsync(Usings + """
        public enum S { A }

        [StateMachine(S.A)]
        public partial class Machine
        {
            [On] private void Handle(string s) { }
        #pragma warning disable PERFSM003
            [On] private static void Ignored(int s) { }
        #pragma warning restore PERFSM003
        }
        """.Replace("Ignored", suppressed ? "Ignored" : "{|PERFSM003:Ignored|}").Replace("#pragma warning disable PERFSM003", suppressed ? "#pragma warning disable PERFSM003" : ""));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task SuppressMessage_on_the_enum_suppresses_PERFSM005(bool suppressed) => StateMachineAnalyzerTest.VerifyAsync(Usings + """
        ATTRIBUTE
        public enum S { A, B, MARKED }

        [StateMachine(S.A)]
        public partial class Machine
        {
            [On(S.A)] private void Go(string s) => TransitionTo(S.B);
        }
        """.Replace("ATTRIBUTE", suppressed ? """[SuppressMessage("StateMachine", "PERFSM005:State is never reached", Justification = "Reached in the next release")]""" : "")
           .Replace("MARKED", suppressed ? "C" : "{|PERFSM005:C|}"));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task Assembly_level_SuppressMessage_with_a_target_suppresses_PERFSM006(bool suppressed) => StateMachineAnalyzerTest.VerifyAsync(Usings + """
        ATTRIBUTE
        public enum S { A }

        [StateMachine(S.A)]
        public partial class Machine
        {
            public sealed record Handled : IMessage;
            public sealed record MARKED : IMessage;
            [On] private void Handle(Handled m) { }
        }
        """.Replace("ATTRIBUTE", suppressed ? """[assembly: SuppressMessage("StateMachine", "PERFSM006", Scope = "type", Target = "~T:Machine.Reserved")]""" : "")
           .Replace("MARKED", suppressed ? "Reserved" : "{|PERFSM006:Reserved|}"));

    [Theory]
    [InlineData(null)]
    [InlineData("none")]
    public Task Editorconfig_severity_none_turns_PERFSM005_off(string? severity) => new StateMachineAnalyzerTest
    {
        EditorConfig = severity is null ? null : "dotnet_diagnostic.PERFSM005.severity = " + severity,
        TestCode = Usings + """
            public enum S { A, MARKED }

            [StateMachine(S.A)]
            public partial class Machine
            {
                [On] private void Handle(string s) { }
            }
            """.Replace("MARKED", severity is null ? "{|PERFSM005:B|}" : "B"),
    }.RunAsync();

    [Fact]
    public Task Editorconfig_can_raise_PERFSM006_to_an_error() => new StateMachineAnalyzerTest
    {
        EditorConfig = "dotnet_diagnostic.PERFSM006.severity = error",
        TestCode = Usings + """
            public enum S { A }

            [StateMachine(S.A)]
            public partial class Machine
            {
                public sealed record {|#0:Forgotten|} : IMessage;
                [On] private void Handle(string s) { }
            }
            """,
        ExpectedDiagnostics = { Expect.Diagnostic("PERFSM006").WithLocation(0).WithSeverity(DiagnosticSeverity.Error) },
    }.RunAsync();

    [Fact]
    public Task Editorconfig_category_severity_turns_every_state_machine_warning_off() => new StateMachineAnalyzerTest
    {
        EditorConfig = "dotnet_analyzer_diagnostic.category-StateMachine.severity = none",
        TestCode = Usings + """
            public enum S { A, B }

            [StateMachine(S.A)]
            public partial class Machine
            {
                public sealed record Forgotten : IMessage;
                [On] private void Handle(string s) { }
            }
            """,
    }.RunAsync();

    private const string Suppress = """[SuppressMessage("StateMachine", "ID", Justification = "test")]""";

    /// <summary>The errors too: each case is reported when the attribute is left out (see StateMachineDiagnosticTests).</summary>
    [Theory]
    [InlineData("PERFSM001", "public enum S { A } SUPPRESS [StateMachine(S.A)] public class Machine { [On] private void Handle(string s) { } }")]
    [InlineData("PERFSM001", "public enum S { A } SUPPRESS public class Outer { [StateMachine(S.A)] public partial class Machine { [On] private void Handle(string s) { } } }")]
    [InlineData("PERFSM002", "SUPPRESS [StateMachine(42)] public partial class Machine { }")]
    [InlineData("PERFSM003", "public enum S { A } [StateMachine(S.A)] public partial class Machine { [On] private void Handle(string s) { } SUPPRESS [On] private static void Bad(int s) { } }")]
    [InlineData("PERFSM004", "public enum S { A } [StateMachine(S.A)] public partial class Machine { [On] private void Handle(string s) { } SUPPRESS [On] private void Again(string s) { } }")]
    public async Task SuppressMessage_suppresses_the_errors(string id, string code)
    {
        await StateMachineAnalyzerTest.VerifyAsync(Usings + code.Replace("SUPPRESS", Suppress.Replace("ID", id)));

        // Control: the same code without the attribute reports the error.
        var test = new StateMachineAnalyzerTest { TestCode = Usings + code.Replace("SUPPRESS", "") };
        var exception = await Record.ExceptionAsync(() => test.RunAsync());
        Assert.Contains("error " + id + ":", exception?.Message ?? "", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task Pragma_suppresses_PERFSM007(bool suppressed) => new StateMachineAnalyzerTest
    {
        References = TestReferences.WithoutRuntime(),
        AllowCompilerErrors = true,
        TestCode = """
            public enum S { A }
            #pragma warning disable PERFSM007
            [MARKED]
            #pragma warning restore PERFSM007
            public partial class Machine
            {
            }
            """.Replace("MARKED", suppressed ? "StateMachine(S.A)" : "{|PERFSM007:StateMachine(S.A)|}").Replace("#pragma warning disable PERFSM007", suppressed ? "#pragma warning disable PERFSM007" : ""),
    }.RunAsync();
}
