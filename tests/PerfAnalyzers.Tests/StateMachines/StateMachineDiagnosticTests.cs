using Microsoft.CodeAnalysis;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.StateMachines;

/// <summary>PERFSM001–PERFSM007: each reported at the marked span (<c>{|PERFSM00X:…|}</c>), nothing else reported.</summary>
public class StateMachineDiagnosticTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading.Tasks; using PerfAnalyzers.Runtime.StateMachines;\n";

    [Fact]
    public void PERFSM001_class_not_partial() => Verify(Usings + """
        public enum S { A }
        [StateMachine(S.A)]
        public class {|PERFSM001:Machine|}
        {
            [On] private void Handle(string s) { }
        }
        """);

    [Fact]
    public void PERFSM001_containing_type_not_partial() => Verify(Usings + """
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
    public void PERFSM002_initial_state_not_an_enum() => Verify(Usings + """
        [{|PERFSM002:StateMachine(42)|}]
        public partial class Machine
        {
        }
        """);

    [Fact]
    public void PERFSM002_enum_without_members() => Verify(Usings + """
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
    public void PERFSM003_invalid_handler(string handler) => Verify(Usings + """
        public enum S { A }
        public enum Other { X }
        [StateMachine(S.A)]
        public partial class Machine
        {
            HANDLER
        }
        """.Replace("HANDLER", handler));

    [Fact]
    public void PERFSM003_reply_types_differ_between_states() => Verify(Usings + """
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
    public void PERFSM004_two_handlers_for_one_state_and_message() => Verify(Usings + """
        public enum S { A, B }
        [StateMachine(S.A)]
        public partial class Machine
        {
            [On(S.A, S.B)] private void First(string s) { TransitionTo(S.B); }
            [On(S.B)] private void {|PERFSM004:Second|}(string s) { }
        }
        """);

    [Fact]
    public void PERFSM004_any_state_handler_overlaps_every_other() => Verify(Usings + """
        public enum S { A }
        [StateMachine(S.A)]
        public partial class Machine
        {
            [On] private void First(string s) { }
            [On(S.A)] private void {|PERFSM004:Second|}(string s) { }
        }
        """);

    [Fact]
    public void PERFSM005_state_no_transition_reaches() => Verify(Usings + """
        public enum S { A, B, {|PERFSM005:C|} }
        [StateMachine(S.A)]
        public partial class Machine
        {
            [On(S.A)] private void Go(string s) => TransitionTo(S.B);
        }
        """);

    [Fact]
    public void PERFSM005_target_only_from_an_unreachable_state() => Verify(Usings + """
        public enum S { A, {|PERFSM005:B|}, {|PERFSM005:C|} }
        [StateMachine(S.A)]
        public partial class Machine
        {
            [On(S.B)] private void Go(string s) => TransitionTo(S.C);
            [On(S.C)] private void Back(int s) => TransitionTo(S.B);
        }
        """);

    [Fact]
    public void PERFSM005_not_reported_when_a_target_is_computed() => Verify(Usings + """
        public enum S { A, B, C }
        [StateMachine(S.A)]
        public partial class Machine
        {
            [On] private void Go(int s) => TransitionTo((S)s);
        }
        """);

    [Fact]
    public void PERFSM005_transition_in_a_helper_counts_from_anywhere() => Verify(Usings + """
        public enum S { A, B }
        [StateMachine(S.A)]
        public partial class Machine
        {
            [On] private void Go(string s) => Helper();
            private void Helper() => this.TransitionTo(S.B);
        }
        """);

    [Fact]
    public void PERFSM005_handlers_across_partial_declarations()
    {
        var first = Usings + """
            public enum S { A, B }
            [StateMachine(S.A)]
            public partial class Machine
            {
            }
            """;
        var second = Usings + """
            public partial class Machine
            {
                [On(S.A)] private void Go(string s) => TransitionTo(S.B);
            }
            """;
        var run = GeneratorHarness.Run(first, second);
        Assert.Empty(run.GeneratorDiagnostics);
        run.CompileAndLoad();
    }

    [Fact]
    public void PERFSM006_nested_message_type_nobody_handles() => Verify(Usings + """
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
    public void PERFSM007_runtime_not_referenced()
    {
        var (source, spans) = Markup.Parse("""
            public enum S { A }
            [{|PERFSM007:StateMachine(S.A)|}]
            public partial class Machine
            {
            }
            """);
        var run = GeneratorHarness.Run(new[] { source }, TestReferences.WithoutRuntime());
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("PERFSM007", diagnostic.Id);
        Assert.Equal(spans[0].Span, diagnostic.Location.SourceSpan);
        Assert.Empty(run.Generated);
    }

    [Fact]
    public void Broken_code_reports_no_generator_failure() => Verify(Usings + """
        public enum S { A }
        [StateMachine(S.A)]
        public partial class Machine
        {
            [On] private void Handle(Missing m) { }
            [On(S.)] private void Other(string s) { }
            [On] private void Third(int s) { TransitionTo(); TransitionTo(S.Nope); }
        }
        """, allowCompilerErrors: true);

    private static void Verify(string markup, bool allowCompilerErrors = false)
    {
        var (source, spans) = Markup.Parse(markup);
        var run = GeneratorHarness.Run(source);
        var actual = run.GeneratorDiagnostics.Where(d => d.Id != "PERFSM003" || !allowCompilerErrors)
            .Select(d => $"{d.Id} {d.Location.SourceSpan} {d.GetMessage()}").OrderBy(s => s).ToList();
        var expected = spans.Select(s => $"{s.Id} {s.Span}").OrderBy(s => s).ToList();
        Assert.True(
            actual.Count == expected.Count && actual.Zip(expected).All(p => p.First.StartsWith(p.Second, StringComparison.Ordinal)),
            "Expected:\n" + string.Join("\n", expected) + "\nActual:\n" + string.Join("\n", actual));

        // No exception from the generator (it would surface as CS8785).
        Assert.DoesNotContain(run.Output.GetDiagnostics(), d => d.Id is "CS8784" or "CS8785");
        foreach (var diagnostic in run.GeneratorDiagnostics)
        {
            Assert.Contains(diagnostic.Id, diagnostic.Descriptor.HelpLinkUri);
        }

        if (!allowCompilerErrors && spans.All(s => run.GeneratorDiagnostics.First(d => d.Location.SourceSpan == s.Span).Severity == DiagnosticSeverity.Warning))
        {
            // Warnings only: the generated code still compiles.
            run.CompileAndLoad();
        }
    }
}
