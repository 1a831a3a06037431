using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using PerfAnalyzers.StateMachines;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.StateMachines;

/// <summary>
/// Bad input to the [StateMachine] generator gets a clear error at its cause (issue #14): settings out of range
/// (PERFSM008, on the argument), members that clash with generated ones (PERFSM009, on the user's member), [On] handlers
/// in a class without [StateMachine] (PERFSM010, on the class); and half-typed or mistyped arguments never throw.
/// </summary>
public class StateMachineBadInputTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks; using PerfAnalyzers.Runtime.StateMachines;\n";

    private static DiagnosticResult Diag(string id) => Expect.Diagnostic(id);

    private static Task Verify(string code, params DiagnosticResult[] expected) => StateMachineAnalyzerTest.VerifyAsync(Usings + code, expected);

    private static Task VerifyWithCompilerErrors(string code, params DiagnosticResult[] expected)
    {
        // A clash also fails to compile inside the generated file (CS0102/CS0111): the analyzer's error says why.
        var test = new StateMachineAnalyzerTest { TestCode = Usings + code, AllowCompilerErrors = true };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    // PERFSM008: settings out of range.

    [Theory]
    [InlineData("MailboxCapacity = 0", "MailboxCapacity = 0 is not valid: the mailbox capacity must be at least 1 (default 1024)")]
    [InlineData("MailboxCapacity = -1", "MailboxCapacity = -1 is not valid: the mailbox capacity must be at least 1 (default 1024)")]
    [InlineData("StarvationLimit = 0", "StarvationLimit = 0 is not valid: it must be at least 1: the high-priority messages served in a row before a waiting normal one (default 8)")]
    [InlineData("MaxRestarts = -1", "MaxRestarts = -1 is not valid: it must be 0 or more (0: never restart; default 10)")]
    [InlineData("RestartWindowSeconds = 0", "RestartWindowSeconds = 0 is not valid: the restart window must be greater than 0 and at most 922337203685 seconds (default 60)")]
    [InlineData("RestartWindowSeconds = -2.5", "RestartWindowSeconds = -2.5 is not valid: the restart window must be greater than 0 and at most 922337203685 seconds (default 60)")]
    [InlineData("RestartWindowSeconds = double.NaN", "RestartWindowSeconds = double.NaN is not valid: the restart window must be greater than 0 and at most 922337203685 seconds (default 60)")]
    [InlineData("RestartWindowSeconds = 1e300", "RestartWindowSeconds = 1e300 is not valid: the restart window must be greater than 0 and at most 922337203685 seconds (default 60)")]
    [InlineData("FullMode = (MailboxFullMode)7", "FullMode = (MailboxFullMode)7 is not valid: it must be a member of MailboxFullMode: Wait, Reject, DropOldest or DropNewest")]
    [InlineData("Supervision = (SupervisionPolicy)(-1)", "Supervision = (SupervisionPolicy)(-1) is not valid: it must be a member of SupervisionPolicy: Resume, Restart or Stop")]
    [InlineData("Name = \"\"", "Name = \"\" is not valid: the name must not be empty: leave it out to use the class name")]
    public Task Machine_setting_out_of_range_is_an_error_on_the_argument(string setting, string message) => Verify(
        "public enum S { A }\n[StateMachine(S.A, {|#0:" + setting + "|})]\npublic partial class Machine { [On] private void Handle(string s) { } }",
        Diag("PERFSM008").WithLocation(0).WithSeverity(DiagnosticSeverity.Error).WithMessage(message));

    [Fact]
    public Task Each_bad_setting_of_one_attribute_is_reported() => Verify("""
        public enum S { A }
        [StateMachine(S.A, {|#0:MailboxCapacity = 0|}, MaxRestarts = 0, {|#1:StarvationLimit = -3|})]
        public partial class Machine { [On] private void Handle(string s) { } }
        """,
        Diag("PERFSM008").WithLocation(0),
        Diag("PERFSM008").WithLocation(1));

    [Theory]
    [InlineData("MaxSize = 0", "MaxSize = 0 is not valid: the batch size must be at least 1 (default 100)")]
    [InlineData("MaxDelayMilliseconds = -5", "MaxDelayMilliseconds = -5 is not valid: the delay must be 0 or more milliseconds (0: do not wait for a batch to fill; the default)")]
    public Task Batch_setting_out_of_range_is_an_error_on_the_argument(string setting, string message) => Verify(
        "public enum S { A }\n[StateMachine(S.A)]\npublic partial class Machine { [On, Batch({|#0:" + setting + "|})] private void Handle(IReadOnlyList<string> s) { } }",
        Diag("PERFSM008").WithLocation(0).WithMessage(message));

    [Fact]
    public Task Batch_with_both_settings_bad_gets_two_errors() => Verify("""
        public enum S { A }
        [StateMachine(S.A)]
        public partial class Machine { [On, Batch({|#0:MaxSize = 0|}, {|#1:MaxDelayMilliseconds = -5|})] private void Handle(IReadOnlyList<string> s) { } }
        """,
        Diag("PERFSM008").WithLocation(0),
        Diag("PERFSM008").WithLocation(1));

    [Theory]
    [InlineData("P95Milliseconds = -1", "P95Milliseconds = -1 is not valid: a latency objective must be greater than 0 milliseconds (leave it out for no objective)")]
    [InlineData("P99Milliseconds = 0", "P99Milliseconds = 0 is not valid: a latency objective must be greater than 0 milliseconds (leave it out for no objective)")]
    [InlineData("P95Milliseconds = 20, P99Milliseconds = 10", null)]
    public Task Slo_target_out_of_range_is_an_error_on_the_argument(string setting, string? message)
    {
        var marked = message is null ? setting.Replace("P99Milliseconds = 10", "{|#0:P99Milliseconds = 10|}") : "{|#0:" + setting + "|}";
        var expected = Diag("PERFSM008").WithLocation(0).WithMessage(message
            ?? "P99Milliseconds = 10 is not valid: the 99th percentile objective cannot be below the 95th (P95Milliseconds = 20)");
        return Verify("public enum S { A }\n[StateMachine(S.A)]\npublic partial class Machine { [On, Slo(" + marked + ")] private void Handle(string s) { } }", expected);
    }

    [Fact]
    public Task Slo_on_the_class_is_checked_too() => Verify("""
        public enum S { A }
        [StateMachine(S.A), Slo({|#0:P95Milliseconds = -1|})]
        public partial class Machine { [On] private void Handle(string s) { } }
        """, Diag("PERFSM008").WithLocation(0));

    [Fact]
    public Task Priority_that_is_not_a_member_is_an_error_on_the_message_type_once() => Verify("""
        public enum S { A }
        [Priority({|#0:(MessagePriority)5|})] public sealed record Urgent;
        [Priority(MessagePriority.High)] public readonly record struct Fine;
        [StateMachine(S.A)] public partial class One { [On] private void Handle(Urgent u) { } [On] private void Handle(Fine f) { } }
        [StateMachine(S.A)] public partial class Two { [On] private void Handle(Urgent u) { } }
        """, Diag("PERFSM008").WithLocation(0).WithMessage("Priority = (MessagePriority)5 is not valid: it must be MessagePriority.Normal or MessagePriority.High"));

    [Fact]
    public Task Smallest_valid_settings_are_not_reported() => Verify("""
        public enum S { A }
        [StateMachine(S.A, MailboxCapacity = 1, StarvationLimit = 1, MaxRestarts = 0, RestartWindowSeconds = 0.001, FullMode = MailboxFullMode.DropNewest, Supervision = SupervisionPolicy.Stop, Name = "m"), Slo(P95Milliseconds = 0.5, P99Milliseconds = 0.5)]
        public partial class Machine { [On, Batch(MaxSize = 1, MaxDelayMilliseconds = 0)] private void Handle(IReadOnlyList<string> s) { } }
        """);

    [Fact]
    public void Generated_code_has_the_value_as_written_not_clamped()
    {
        var run = GeneratorHarness.Run(Usings + """
            public enum S { A }
            [StateMachine(S.A, MailboxCapacity = 0, StarvationLimit = 0, FullMode = (MailboxFullMode)7)]
            public partial class Machine { [On, Batch(MaxSize = 0, MaxDelayMilliseconds = -5)] private void Handle(IReadOnlyList<string> s) { } }
            """);
        var generated = Assert.Single(run.Generated).Value;
        Assert.Contains("MailboxCapacity = 0,", generated, StringComparison.Ordinal);
        Assert.Contains("StarvationLimit = 0,", generated, StringComparison.Ordinal);
        Assert.Contains("FullMode = (global::PerfAnalyzers.Runtime.StateMachines.MailboxFullMode)(7),", generated, StringComparison.Ordinal);
        Assert.Contains("new int[] { 0 },", generated, StringComparison.Ordinal);
        Assert.Contains("new int[] { -5 },", generated, StringComparison.Ordinal);
    }

    // PERFSM009: members that clash with generated ones.

    [Theory]
    [InlineData("public string {|#0:Status|} { get; set; } = \"\";", "Property 'Status' clashes with the property 'Status' (the lifecycle stage) the [StateMachine] generator adds to 'Order': rename it, e.g. to 'OrderStatus'")]
    [InlineData("public S {|#0:State|};", "Field 'State' clashes with the property 'State' (the current state) the [StateMachine] generator adds to 'Order': rename it, e.g. to 'OrderState'")]
    [InlineData("public void {|#0:Start|}() { }", "Method 'Start' clashes with the method 'Start()' the [StateMachine] generator adds to 'Order': rename it, e.g. to 'StartOrder'")]
    [InlineData("public Task {|#0:StopAsync|}(StopMode mode) => Task.CompletedTask;", "Method 'StopAsync' clashes with the method 'StopAsync(StopMode)' the [StateMachine] generator adds to 'Order': rename it, e.g. to 'StopOrderAsync'")]
    [InlineData("public int {|#0:MailboxDepth|}() => 0;", "Method 'MailboxDepth' clashes with the property 'MailboxDepth' (messages waiting) the [StateMachine] generator adds to 'Order': rename it, e.g. to 'OrderMailboxDepth'")]
    [InlineData("public event EventHandler? {|#0:StateName|};", "Event 'StateName' clashes with the property 'StateName' (the name of the current state) the [StateMachine] generator adds to 'Order': rename it, e.g. to 'OrderStateName'")]
    [InlineData("private void {|#0:TransitionTo|}(S next) { }", "Method 'TransitionTo' clashes with the method 'TransitionTo(state)' the [StateMachine] generator adds to 'Order': rename it, e.g. to 'TransitionToOrder'")]
    [InlineData("public ValueTask<bool> {|#0:AskAsync|}(Pay message, CancellationToken token) => default;", "Method 'AskAsync' clashes with the method 'AskAsync(message, CancellationToken)' the [StateMachine] generator adds to 'Order': rename it, e.g. to 'AskOrderAsync'")]
    [InlineData("public PostStatus {|#0:TryPost|}(Pay message) => default;", "Method 'TryPost' clashes with the method 'TryPost(message)' the [StateMachine] generator adds to 'Order': rename it, e.g. to 'TryPostOrder'")]
    [InlineData("private void {|#0:OnRestarting|}() { }", "Method 'OnRestarting' clashes with the partial method 'OnRestarting()' (implement it as 'partial void OnRestarting()') the [StateMachine] generator adds to 'Order': rename it, e.g. to 'OnRestartingOrder'")]
    [InlineData("private int {|#0:__smCore|};", "Field '__smCore' clashes with the private member '__smCore' (names starting with __Sm are reserved) the [StateMachine] generator adds to 'Order': rename it, e.g. to 'smCore'")]
    [InlineData("private sealed class {|#0:__SmCore|} { }", "Nested type '__SmCore' clashes with the private member '__SmCore' (names starting with __Sm are reserved) the [StateMachine] generator adds to 'Order': rename it, e.g. to 'SmCore'")]
    [InlineData("private void {|#0:__SmHandle0|}(Pay p) { }", "Method '__SmHandle0' clashes with the private member '__SmHandle0' (names starting with __Sm are reserved) the [StateMachine] generator adds to 'Order': rename it, e.g. to 'SmHandle0'")]
    public Task Member_that_clashes_with_a_generated_one_is_an_error_on_the_users_member(string member, string message) => VerifyWithCompilerErrors(
        "public enum S { A }\npublic sealed record Pay;\n[StateMachine(S.A)]\npublic partial class Order\n{\n    MEMBER\n    [On] private bool Handle(Pay p) => true;\n}".Replace("MEMBER", member),
        Diag("PERFSM009").WithLocation(0).WithSeverity(DiagnosticSeverity.Error).WithMessage(message));

    [Fact]
    public Task Positional_record_property_clash_is_reported_on_the_parameter() => VerifyWithCompilerErrors("""
        public enum S { A }
        public sealed record Pay;
        [StateMachine(S.A)]
        public partial record Order(string {|#0:Status|})
        {
            [On] private bool Handle(Pay p) => true;
        }
        """, Diag("PERFSM009").WithLocation(0));

    [Fact]
    public Task Nested_state_enum_named_State_clashes() => VerifyWithCompilerErrors("""
        public sealed record Pay;
        [StateMachine(Order.State.New)]
        public partial class Order
        {
            public enum {|#0:State|} { New }
            [On] private bool Handle(Pay p) => true;
        }
        """, Diag("PERFSM009").WithLocation(0).WithMessage(
        "Nested type 'State' clashes with the property 'State' (the current state) the [StateMachine] generator adds to 'Order': rename it, e.g. to 'OrderState'"));

    [Fact]
    public Task Clash_in_another_partial_declaration_is_reported_there() => VerifyWithCompilerErrors("""
        public enum S { A }
        public sealed record Pay;
        [StateMachine(S.A)]
        public partial class Order
        {
            [On] private bool Handle(Pay p) => true;
        }

        public partial class Order
        {
            public int {|#0:Status|} { get; set; }
        }
        """, Diag("PERFSM009").WithLocation(0));

    [Fact]
    public Task Overloads_and_look_alikes_do_not_clash() => Verify("""
        public enum S { A }
        public enum Other { X }
        public sealed record Pay;
        [StateMachine(S.A)]
        public partial class Order
        {
            public string OrderStatus { get; set; } = "";
            public string Statuses => "";
            public void Start(int delay) { }
            public Task StopAsync(bool hard) => Task.CompletedTask;
            private void TransitionTo(Other other) { }
            public ValueTask<bool> AskAsync(string other, CancellationToken token) => default;
            public PostStatus TryPost(int other) => default;
            public ValueTask<PostStatus> PostAsync(Pay message, int priority) => default;
            private int __small;
            private int __SmHandleX;
            partial void OnRestarting() => __small = __SmHandleX;
            [On] private bool Handle(Pay p) => true;
        }
        """);

    [Fact]
    public void Every_private_member_the_generator_writes_is_in_the_reserved_list()
    {
        var directory = Path.Combine(Meta.RepositoryPaths.Root, "tests", "PerfAnalyzers.Tests", "StateMachines", "Snapshots");
        foreach (var file in Directory.GetFiles(directory, "*.verified.txt"))
        {
            var text = File.ReadAllText(file);
            foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(text, @"(?<![\w.])(__[A-Za-z]\w*)"))
            {
                Assert.True(GeneratedMembers.IsPrivateName(match.Value), match.Value + " in " + Path.GetFileName(file) + " is not in GeneratedMembers.PrivateNames/PrivatePrefixes");
            }
        }
    }

    // PERFSM010: [On] without [StateMachine].

    [Fact]
    public Task On_handlers_in_a_class_without_StateMachine_warn_on_the_class() => Verify("""
        public enum S { A }
        public partial class {|#0:Order|}
        {
            [On] private void Handle(string s) { }
            [On(S.A)] private int Count(int i) => i;
        }
        """, Diag("PERFSM010").WithLocation(0).WithSeverity(DiagnosticSeverity.Warning).WithMessage(
        "'Order' has [On] handlers (Handle, Count) but no [StateMachine] attribute, so nothing calls them: add [StateMachine(<initial state>)] to the class, or remove [On]"));

    [Fact]
    public Task On_handlers_in_the_other_partial_declaration_point_at_that_one() => Verify("""
        public partial class Order { public int Id { get; set; } }
        public partial class {|#0:Order|} { [On] private void Handle(string s) { } }
        """, Diag("PERFSM010").WithLocation(0));

    [Fact]
    public Task Class_without_On_handlers_or_with_StateMachine_is_not_reported() => Verify("""
        public enum S { A }
        public class Plain { public void Handle(string s) { } }
        [StateMachine(S.A)] public partial class Machine { [On] private void Handle(string s) { } }
        """);

    // No AD0001 on half-typed or mistyped arguments.

    [Theory]
    [InlineData("[StateMachine(S.A, MailboxCapacity = \"big\")] public partial class Machine { [On] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A, MailboxCapacity = 1.5)] public partial class Machine { [On] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A, MailboxCapacity = -)] public partial class Machine { [On] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A, RestartWindowSeconds = \"x\")] public partial class Machine { [On] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A, RestartWindowSeconds = )] public partial class Machine { [On] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A, FullMode = 2)] public partial class Machine { [On] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A, FullMode = MailboxFullMode.)] public partial class Machine { [On] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A, Supervision = SupervisionPolicy.Nope)] public partial class Machine { [On] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A, Name = 42)] public partial class Machine { [On] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A, Name = null)] public partial class Machine { [On] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A, Unknown = 1)] public partial class Machine { [On] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A, MailboxCapacity = 0, MailboxCapacity = 0)] public partial class Machine { [On] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A, MailboxCapacity: 0)] public partial class Machine { [On] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A)] public partial class Machine { [On, Batch(MaxSize = \"x\")] void H(IReadOnlyList<string> s) { } }")]
    [InlineData("[StateMachine(S.A)] public partial class Machine { [On, Batch(MaxSize = 0, MaxDelayMilliseconds = )] void H(IReadOnlyList<string> s) { } }")]
    [InlineData("[StateMachine(S.A)] public partial class Machine { [On, Batch(MaxSize = 0)] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A)] public partial class Machine { [On, Slo(P95Milliseconds = \"fast\")] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A)] public partial class Machine { [On, Slo(P95Milliseconds = -1, P99Milliseconds = -2)] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A)] public partial class Machine { [On, Slo(P95Milliseconds = )] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A)] public partial class Machine { public int Status; public int Status; [On] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A)] public partial class Machine { public void Start() { } public void Start() { } [On] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A)] public partial class Machine { public int Status { get => ; } [On] void H(string s) { } }")]
    [InlineData("[StateMachine(S.A)] public partial class Machine { public ValueTask AskAsync(Missing m, CancellationToken t) => default; [On] void H(string s) { } }")]
    [InlineData("[Priority] public sealed record M; [StateMachine(S.A)] public partial class Machine { [On] void H(M m) { } }")]
    [InlineData("[Priority(7)] public sealed record M; [StateMachine(S.A)] public partial class Machine { [On] void H(M m) { } }")]
    [InlineData("[Priority(MessagePriority.)] public sealed record M; [StateMachine(S.A)] public partial class Machine { [On] void H(M m) { } }")]
    [InlineData("[Priority((MessagePriority)9, 2)] public struct M { } [StateMachine(S.A)] public partial class Machine { [On] void H(M m) { } }")]
    [InlineData("public partial class Machine { [On(] void H(string s) { } }")]
    [InlineData("public partial class Machine { [On] void H( { } }")]
    [InlineData("public partial class { [On] void H(string s) { } }")]
    public async Task Malformed_arguments_and_members_never_throw(string code)
    {
        var source = Usings + "public enum S { A, B }\n" + code;
        var run = GeneratorHarness.Run(source);
        Assert.Null(run.Result.Results.Single().Exception);
        Assert.Empty(run.GeneratorDiagnostics);
        var sources = new List<string> { source };
        sources.AddRange(run.Generated.Values);
        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), (e, _, _) => { lock (exceptions) { exceptions.Add(e); } }, concurrentAnalysis: true, logAnalyzerExecutionTime: false);
        var diagnostics = await TestCompiler.CreateCompilation(sources.ToArray()).WithAnalyzers([new StateMachineAnalyzer()], options).GetAnalyzerDiagnosticsAsync();
        Assert.Empty(exceptions);
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
    }
}
