namespace PerfAnalyzers.Tests.StateMachines;

/// <summary>[StateMachine(InlineCasts = true)]: casts to an idle machine run on the sender's thread; the default stays queued.</summary>
public class StateMachineInlineCastTests
{
    private const string Source = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using PerfAnalyzers.Runtime.StateMachines;

        public enum Mode { On }

        public sealed record Note(string Text);

        [StateMachine(Mode.On, InlineCasts = INLINE)]
        public partial class Recorder
        {
            public int Thread;
            public int Count;

            [On] private int Handle(Note note) { Thread = Environment.CurrentManagedThreadId; return ++Count; }

            [On] private void Handle(int value) { Thread = Environment.CurrentManagedThreadId; Count += value; }
        }

        public static class Driver
        {
            public static string Run()
            {
                var r = new Recorder();
                r.Start();
                var me = Environment.CurrentManagedThreadId;
                var a = r.TryPost(new Note("x"));
                var seenAfterTryPost = r.Count;
                var b = r.PostAsync(5).AsTask().Result;
                SpinWait.SpinUntil(() => Volatile.Read(ref r.Count) == 6, 10_000);
                var onMyThread = r.Thread == me;
                r.StopAsync().Wait();
                return $"{a},{b},{seenAfterTryPost},{r.Count},{onMyThread}";
            }
        }
        """;

    [Fact]
    public void Inline_casts_run_the_handler_on_the_senders_thread_when_idle()
    {
        var run = GeneratorHarness.Run(Source.Replace("INLINE", "true"));
        Assert.Empty(run.GeneratorDiagnostics);
        var generated = Assert.Single(run.Generated).Value;
        Assert.Contains("private bool __SmCastInline0(global::Note message)", generated);
        Assert.Contains("private bool __SmCastInline1(int message)", generated);
        Assert.Contains("if (__SmCastInline0(message))", generated);
        var assembly = run.CompileAndLoad();
        Assert.Equal("Accepted,Accepted,1,6,True", Verifiers.TestCompiler.Invoke(assembly, "Driver", "Run"));
    }

    [Fact]
    public void Casts_are_queued_by_default()
    {
        var run = GeneratorHarness.Run(Source.Replace("InlineCasts = INLINE", "MailboxCapacity = 8"));
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain("__SmCastInline", Assert.Single(run.Generated).Value);
        var assembly = run.CompileAndLoad();
        var result = (string)Verifiers.TestCompiler.Invoke(assembly, "Driver", "Run")!;
        Assert.StartsWith("Accepted,Accepted,", result);
        Assert.EndsWith(",6,False", result);
    }

    [Fact]
    public void Async_handlers_keep_their_casts_queued_even_with_InlineCasts()
    {
        var run = GeneratorHarness.Run("""
            using System.Threading.Tasks;
            using PerfAnalyzers.Runtime.StateMachines;

            public enum Mode { On }

            [StateMachine(Mode.On, InlineCasts = true)]
            public partial class Mixed
            {
                [On] private async Task Handle(string text) => await Task.Yield();

                [On] private void Handle(int value) { }
            }
            """);
        var generated = Assert.Single(run.Generated).Value;
        Assert.DoesNotContain("__SmCastInline0", generated);
        Assert.Contains("private bool __SmCastInline1(int message)", generated);
        run.CompileAndLoad();
    }

    [Fact]
    public void InlineCasts_false_is_the_default()
    {
        var run = GeneratorHarness.Run(Source.Replace("INLINE", "false"));
        Assert.DoesNotContain("__SmCastInline", Assert.Single(run.Generated).Value);
    }
}
