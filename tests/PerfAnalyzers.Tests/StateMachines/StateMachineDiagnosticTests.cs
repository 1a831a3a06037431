using TestFileMarkupParser = Microsoft.CodeAnalysis.Testing.TestFileMarkupParser;
using Microsoft.CodeAnalysis;
using PerfAnalyzers.StateMachines;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.StateMachines;

/// <summary>
/// PERFSM001–PERFSM007, reported by <see cref="StateMachineAnalyzer"/>: each at the marked span (<c>{|PERFSM00X:…|}</c>),
/// nothing else reported. The generator runs first (see <see cref="StateMachineAnalyzerTest"/>) and must report nothing.
/// </summary>
public class StateMachineDiagnosticTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading.Tasks; using PerfAnalyzers.Runtime.StateMachines;\n";

    [Fact]
    public Task PERFSM001_class_not_partial() => StateMachineAnalyzerTest.VerifyAsync(Usings + """
        public enum S { A }
        [StateMachine(S.A)]
        public class {|PERFSM001:Machine|}
        {
            [On] private void Handle(string s) { }
        }
        """);

    [Fact]
    public Task PERFSM001_containing_type_not_partial() => StateMachineAnalyzerTest.VerifyAsync(Usings + """
        public enum S { A }
        public class {|PERFSM001:Outer|}
        {
            [StateMachine(S.A)]
            public partial class Machine
            {
                [On] private void Handle(string s) { }
            }
        }
        """);

    [Fact]
    public Task PERFSM002_initial_state_not_an_enum() => StateMachineAnalyzerTest.VerifyAsync(Usings + """
        [{|PERFSM002:StateMachine(42)|}]
        public partial class Machine
        {
        }
        """);

    [Fact]
    public Task PERFSM002_enum_without_members() => StateMachineAnalyzerTest.VerifyAsync(Usings + """
        public enum Empty { }
        [{|PERFSM002:StateMachine(default(Empty))|}]
        public partial class Machine
        {
        }
        """);

    [Theory]
    [InlineData("[On] private static void {|PERFSM003:Handle|}(string s) { }")]
    [InlineData("[On] private void {|PERFSM003:Handle|}(string s, int t) { }")]
    [InlineData("[On] private void {|PERFSM003:Handle|}() { }")]
    [InlineData("[On] private void {|PERFSM003:Handle|}(ref string s) { }")]
    [InlineData("[On] private void {|PERFSM003:Handle|}<T>(T s) { }")]
    [InlineData("[On] private async void {|PERFSM003:Handle|}(string s) { await Task.Yield(); }")]
    [InlineData("[On] private async IAsyncEnumerable<int> {|PERFSM003:Handle|}(string s) { await Task.Yield(); yield return 1; }")]
    [InlineData("[On] private IAsyncEnumerator<int> {|PERFSM003:Handle|}(string s) => null!;")]
    [InlineData("[On] private System.Runtime.CompilerServices.ConfiguredTaskAwaitable {|PERFSM003:Handle|}(string s) => Task.CompletedTask.ConfigureAwait(false);")]
    [InlineData("[On] private System.Runtime.CompilerServices.YieldAwaitable {|PERFSM003:Handle|}(string s) => Task.Yield();")]
    [InlineData("[On, Batch] private Task<int> {|PERFSM003:Handle|}(IReadOnlyList<string> s) => Task.FromResult(1);")]
    [InlineData("[On, Batch] private async void {|PERFSM003:Handle|}(IReadOnlyList<string> s) { await Task.Yield(); }")]
    [InlineData("[On, Batch] private void {|PERFSM003:Handle|}(string s) { }")]
    [InlineData("[On, Batch] private int {|PERFSM003:Handle|}(IReadOnlyList<string> s) => 0;")]
    [InlineData("[On(Other.X)] private void {|PERFSM003:Handle|}(string s) { }")]
    [InlineData("[On] private void {|PERFSM003:Handle|}(ReadOnlySpan<char> s) { }")]
    public Task PERFSM003_invalid_handler(string handler) => StateMachineAnalyzerTest.VerifyAsync(Usings + """
        public enum S { A }
        public enum Other { X }
        [StateMachine(S.A)]
        public partial class Machine
        {
            HANDLER
        }
        """.Replace("HANDLER", handler));

    [Fact]
    public Task PERFSM003_reply_types_differ_between_states() => StateMachineAnalyzerTest.VerifyAsync(Usings + """
        public enum S { A, B }
        [StateMachine(S.A)]
        public partial class Machine
        {
            [On(S.A)] private int First(string s) { TransitionTo(S.B); return 1; }
            [On(S.B)] private string {|PERFSM003:Second|}(string s) => s;
        }
        """);

    [Theory]
    [InlineData("Task<int>", "Task<string>")]
    [InlineData("Task<int>", "ValueTask<long>")]
    [InlineData("int", "ValueTask<string>")]
    [InlineData("Task<int>", "Task")]
    [InlineData("ValueTask", "ValueTask<int>")]
    [InlineData("void", "Task<int>")]
    public void PERFSM003_async_reply_types_differ_between_states(string first, string second) => Verify(Usings + """
        public enum S { A, B }
        [StateMachine(S.A)]
        public partial class Machine
        {
            [On(S.A)] private FIRST First(string s) { TransitionTo(S.B); return default!; }
            [On(S.B)] private SECOND {|PERFSM003:Second|}(string s) => default!;
        }
        """.Replace("FIRST", first).Replace("SECOND", second).Replace("private void First(string s) { TransitionTo(S.B); return default!; }", "private void First(string s) { TransitionTo(S.B); }"));

    [Theory]
    [InlineData("[On] private async Task<int> Handle(string s) { await Task.Yield(); return s.Length; }")]
    [InlineData("[On] private Task<int> Handle(string s) => Task.FromResult(s.Length);")]
    [InlineData("[On] private async ValueTask<string?> Handle(string s) { await Task.Yield(); return null; }")]
    [InlineData("[On] private async Task Handle(string s) { await Task.Yield(); }")]
    [InlineData("[On] private ValueTask Handle(string s) => default;")]
    [InlineData("[On] private Task<Task<int>> Handle(string s) => Task.FromResult(Task.FromResult(1));")]
    [InlineData("[On, Batch] private async Task Handle(IReadOnlyList<string> s) { await Task.Yield(); }")]
    [InlineData("[On, Batch] private ValueTask Handle(ReadOnlySpan<int> s) => default;")]
    [InlineData("[On(S.A)] private async Task<int> Handle(string s) { await Task.Yield(); TransitionTo(S.B); return 1; } [On(S.B)] private int Handle2(string s) => 2;")]
    [InlineData("[On(S.A)] private void Handle(string s) => TransitionTo(S.B); [On(S.B)] private ValueTask Handle2(string s) => default;")]
    public void PERFSM003_accepts_async_handlers(string handler) => Verify(Usings + """
        public enum S { A, B }
        [StateMachine(S.A)]
        public partial class Machine
        {
            [On(S.A)] private void Forward(Type t) => TransitionTo(S.B);
            HANDLER
        }
        """.Replace("HANDLER", handler));

    [Fact]
    public Task PERFSM004_two_handlers_for_one_state_and_message() => StateMachineAnalyzerTest.VerifyAsync(Usings + """
        public enum S { A, B }
        [StateMachine(S.A)]
        public partial class Machine
        {
            [On(S.A, S.B)] private void First(string s) { TransitionTo(S.B); }
            [On(S.B)] private void {|PERFSM004:Second|}(string s) { }
        }
        """);

    [Fact]
    public Task PERFSM004_any_state_handler_overlaps_every_other() => StateMachineAnalyzerTest.VerifyAsync(Usings + """
        public enum S { A }
        [StateMachine(S.A)]
        public partial class Machine
        {
            [On] private void First(string s) { }
            [On(S.A)] private void {|PERFSM004:Second|}(string s) { }
        }
        """);

    [Fact]
    public Task PERFSM005_state_no_transition_reaches() => StateMachineAnalyzerTest.VerifyAsync(Usings + """
        public enum S { A, B, {|PERFSM005:C|} }
        [StateMachine(S.A)]
        public partial class Machine
        {
            [On(S.A)] private void Go(string s) => TransitionTo(S.B);
        }
        """);

    [Fact]
    public Task PERFSM005_target_only_from_an_unreachable_state() => StateMachineAnalyzerTest.VerifyAsync(Usings + """
        public enum S { A, {|PERFSM005:B|}, {|PERFSM005:C|} }
        [StateMachine(S.A)]
        public partial class Machine
        {
            [On(S.B)] private void Go(string s) => TransitionTo(S.C);
            [On(S.C)] private void Back(int s) => TransitionTo(S.B);
        }
        """);

    [Fact]
    public Task PERFSM005_not_reported_when_a_target_is_computed() => StateMachineAnalyzerTest.VerifyAsync(Usings + """
        public enum S { A, B, C }
        [StateMachine(S.A)]
        public partial class Machine
        {
            [On] private void Go(int s) => TransitionTo((S)s);
        }
        """);

    [Fact]
    public Task PERFSM005_transition_in_a_helper_counts_from_anywhere() => StateMachineAnalyzerTest.VerifyAsync(Usings + """
        public enum S { A, B }
        [StateMachine(S.A)]
        public partial class Machine
        {
            [On] private void Go(string s) => Helper();
            private void Helper() => this.TransitionTo(S.B);
        }
        """);

    [Fact]
    public Task PERFSM005_handlers_across_partial_declarations() => new StateMachineAnalyzerTest
    {
        Sources =
        {
            Usings + """
                public enum S { A, B, {|PERFSM005:C|} }
                [StateMachine(S.A)]
                public partial class Machine
                {
                }
                """,
            Usings + """
                public partial class Machine
                {
                    [On(S.A)] private void Go(string s) => TransitionTo(S.B);
                }
                """,
        },
    }.RunAsync();

    [Fact]
    public Task PERFSM001_reported_once_for_a_class_in_two_partial_declarations_of_which_one_is_not_partial() => new StateMachineAnalyzerTest
    {
        // CS0260 (missing partial on one declaration) is the compiler's; PERFSM001 points at the declaration with the attribute.
        AllowCompilerErrors = true,
        Sources =
        {
            Usings + """
                public enum S { A }
                [StateMachine(S.A)]
                public class {|PERFSM001:Machine|}
                {
                }
                """,
            Usings + """
                public partial class Machine
                {
                    [On] private void Go(string s) { }
                }
                """,
        },
    }.RunAsync();

    [Fact]
    public Task Record_class_machine_is_checked() => StateMachineAnalyzerTest.VerifyAsync(Usings + """
        public enum S { A, {|PERFSM005:B|} }
        [StateMachine(S.A)]
        public partial record Machine
        {
            [On] private void Handle(string s) { }
        }
        """);

    [Fact]
    public Task Nested_generic_machine_with_problems_is_checked() => StateMachineAnalyzerTest.VerifyAsync(Usings + """
        public enum S { A, B }
        namespace N
        {
            public partial class Outer<T>
            {
                [StateMachine(S.A)]
                public partial class Machine
                {
                    [On(S.A)] private void Go(string s) => TransitionTo(S.B);
                    [On(S.B)] private void Again(string s) { }
                    [On(S.B)] private void {|PERFSM004:Twice|}(string s) { }
                    [On] private void {|PERFSM003:Bad|}(T message, int extra) { }
                }
            }
        }
        """);

    [Fact]
    public Task Valid_machine_reports_nothing() => StateMachineAnalyzerTest.VerifyAsync(EntitlementGovernorSource.Code);

    [Fact]
    public Task Valid_machine_in_top_level_program_reports_nothing() => new StateMachineAnalyzerTest
    {
        OutputKind = OutputKind.ConsoleApplication,
        TestCode = """
            using PerfAnalyzers.Runtime.StateMachines;
            await using var door = new Door();
            door.Start();
            System.Console.WriteLine(await door.AskAsync("open"));

            public enum DoorState { Closed, Open }

            [StateMachine(DoorState.Closed)]
            public partial class Door
            {
                [On(DoorState.Closed)] private string Open(string command) { TransitionTo(DoorState.Open); return "opened"; }
                [On(DoorState.Open)] private string Close(string command) { TransitionTo(DoorState.Closed); return "closed"; }
            }
            """,
    }.RunAsync();

    [Fact]
    public Task Class_without_the_attribute_is_not_checked() => StateMachineAnalyzerTest.VerifyAsync(Usings + """
        public enum S { A, B }
        public class NotAMachine
        {
            [On] private static void Handle(string s) { }
            public sealed record Forgotten : IMessage;
        }
        """);

    [Fact]
    public Task PERFSM006_nested_message_type_nobody_handles() => StateMachineAnalyzerTest.VerifyAsync(Usings + """
        public enum S { A }
        [StateMachine(S.A)]
        public partial class Machine
        {
            public sealed record Handled : IMessage;
            public sealed record {|PERFSM006:Forgotten|} : IMessage;
            public sealed record NotAMessage;
            [On] private void Handle(Handled m) { }
        }
        """);

    [Fact]
    public Task PERFSM007_runtime_not_referenced() => new StateMachineAnalyzerTest
    {
        References = TestReferences.WithoutRuntime(),
        AllowCompilerErrors = true, // CS0246: the attribute does not exist
        TestCode = """
            public enum S { A }
            [{|#0:StateMachine(S.A)|}]
            public partial class Machine
            {
            }

            [{|#1:PerfAnalyzers.Runtime.StateMachines.StateMachineAttribute(S.A)|}]
            public partial record Qualified;

            public class NotOnAType
            {
                [StateMachine] public void M() { }
            }
            """,
        ExpectedDiagnostics =
        {
            Expect.Diagnostic("PERFSM007").WithLocation(0).WithArguments("Machine"),
            Expect.Diagnostic("PERFSM007").WithLocation(1).WithArguments("Qualified"),
        },
    }.RunAsync();

    [Fact]
    public Task PERFSM007_not_reported_for_another_library_StateMachine_attribute() => new StateMachineAnalyzerTest
    {
        References = TestReferences.WithoutRuntime(),
        TestCode = """
            using System;
            [AttributeUsage(AttributeTargets.Class)]
            public sealed class StateMachineAttribute : Attribute { }

            [StateMachine]
            public partial class Workflow
            {
            }
            """,
    }.RunAsync();

    [Fact]
    public Task PERFSM007_not_reported_when_the_runtime_is_referenced() => StateMachineAnalyzerTest.VerifyAsync(Usings + """
        public enum S { A }
        [StateMachine(S.A)]
        public partial class Machine
        {
        }
        """);

    [Fact]
    public Task Broken_code_is_reported_without_analyzer_or_generator_failure() => new StateMachineAnalyzerTest
    {
        AllowCompilerErrors = true,
        TestCode = Usings + """
            public enum S { A }
            [StateMachine(S.A)]
            public partial class Machine
            {
                [On] private void {|PERFSM003:Handle|}(Missing m) { }
                [On(S.)] private void Other(string s) { }
                [On] private void Third(int s) { TransitionTo(); TransitionTo(S.Nope); }
            }
            """,
    }.RunAsync();

    /// <summary>
    /// The former generator-based helper, kept for tests written against it: the analyzer reports exactly the marked
    /// diagnostics (<see cref="StateMachineAnalyzerTest"/>), and when every marked one is a warning the generated code
    /// compiles without warnings and loads.
    /// </summary>
    private static void Verify(string markup, bool allowCompilerErrors = false)
    {
        new StateMachineAnalyzerTest { TestCode = markup, AllowCompilerErrors = allowCompilerErrors }.RunAsync().GetAwaiter().GetResult();

        TestFileMarkupParser.GetSpans(markup, treatPositionIndicatorsAsCode: true, out var source, out var spans);
        var warningsOnly = spans.Where(s => !s.Value.IsEmpty).All(s => s.Key is "PERFSM005" or "PERFSM006");
        if (!allowCompilerErrors && warningsOnly)
        {
            GeneratorHarness.Run(source).CompileAndLoad();
        }
    }

    [Fact]
    public void Warnings_only_machine_compiles_cleanly() => Verify(Usings + """
        public enum S { A, {|PERFSM005:B|} }
        [StateMachine(S.A)]
        public partial class Machine
        {
            public sealed record {|PERFSM006:Unused|} : IMessage;
            [On] private void Handle(string s) { }
        }
        """);
}

