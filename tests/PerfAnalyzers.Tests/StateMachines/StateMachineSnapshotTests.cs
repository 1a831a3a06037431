using System.Text;
using Microsoft.CodeAnalysis.Text;
using PerfAnalyzers.StateMachines;
using PerfAnalyzers.Tests.Meta;

namespace PerfAnalyzers.Tests.StateMachines;

/// <summary>
/// The emitted code, compared with reviewed snapshots in Snapshots/. To accept a change on purpose, run the tests with
/// UPDATE_SNAPSHOTS=1 and review the diff of the .verified.txt files.
/// </summary>
public class StateMachineSnapshotTests
{
    [Fact]
    public Task Entitlement_governor() => Verify("EntitlementGovernor", EntitlementGovernorSource.Code);

    [Fact]
    public Task Global_namespace_struct_messages_and_void_handlers() => Verify("GlobalNamespace", """
        using PerfAnalyzers.Runtime.StateMachines;

        public enum Light { Off, On }

        public readonly record struct Toggle;

        [StateMachine(Light.Off, Name = "Lamp")]
        public partial class Lamp
        {
            public int Toggles { get; private set; }

            [On(Light.Off)]
            private void TurnOn(Toggle toggle) { Toggles++; TransitionTo(Light.On); }

            [On(Light.On)]
            private void TurnOff(Toggle toggle) { Toggles++; TransitionTo(Light.Off); }
        }
        """);

    [Fact]
    public Task Nested_generic_machine() => Verify("NestedGeneric", """
        using System;
        using PerfAnalyzers.Runtime.StateMachines;

        namespace Outer.Space;

        public enum CacheState { Empty, Filled }

        public static partial class Container<TKey>
        {

            [StateMachine(CacheState.Empty, FullMode = MailboxFullMode.DropOldest, MailboxCapacity = 8)]
            internal sealed partial class Cell<TValue> where TValue : notnull
            {
                private TValue? _value;

                public sealed record Put(TKey Key, TValue Value);
                public sealed record Get(TKey Key);

                [On]
                private bool Handle(Put put) { _value = put.Value; TransitionTo(CacheState.Filled); return true; }

                [On(CacheState.Filled)]
                private TValue? Handle(Get get) => _value;

                [On, Batch(MaxSize = 4)]
                private void Handle(ReadOnlySpan<TValue> values) { }
            }
        }
        """);

    [Fact]
    public Task Async_handlers() => Verify("AsyncHandlers", AsyncSource);

    /// <summary>Every async return shape, a sync and an async handler of one message, async [Batch] handlers (list and span).</summary>
    internal const string AsyncSource = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using PerfAnalyzers.Runtime.StateMachines;

        namespace Orders;

        public enum OrderState { New, Paid, Shipped }

        [StateMachine(OrderState.New, Supervision = SupervisionPolicy.Restart)]
        public partial class Order
        {
            public sealed record Pay(decimal Amount);
            public sealed record Ship(string Carrier);
            public sealed record Note(string Text);
            public readonly record struct Ping(int Id);

            public decimal Paid { get; private set; }
            public List<string> Notes { get; } = new();

            [On(OrderState.New)]
            private async Task<decimal> Handle(Pay pay)                  // Task<T>: the reply is T
            {
                await Task.Yield();
                Paid += pay.Amount;
                TransitionTo(OrderState.Paid);                            // after an await: still the one running handler
                return Paid;
            }

            [On(OrderState.Paid)]
            private decimal PayAgain(Pay pay) => Paid;                    // a synchronous handler of the same message

            [On(OrderState.Paid)]
            private async ValueTask Handle(Ship ship)                     // ValueTask: no reply
            {
                await Task.Delay(1);
                TransitionTo(OrderState.Shipped);
            }

            [On]
            private ValueTask<int> Handle(Ping ping) => new(ping.Id);     // ValueTask<T> completing synchronously

            [On, Batch(MaxSize = 16)]
            private async Task Handle(IReadOnlyList<Note> notes)          // async batch: the list stays valid across awaits
            {
                await Task.Yield();
                foreach (var note in notes)
                {
                    Notes.Add(note.Text);
                }
            }

            [On, Batch(MaxSize = 8)]
            private Task Handle(ReadOnlySpan<long> stamps) => Task.CompletedTask;
        }
        """;

    /// <summary>
    /// The generator's one file must equal the snapshot (first line: <c>// hint name</c>, then the text), checked by the
    /// testing library's generated-sources comparison; the output must also compile without warnings and load.
    /// </summary>
    private static async Task Verify(string name, string source)
    {
        var path = Path.Combine(RepositoryPaths.Root, "tests", "PerfAnalyzers.Tests", "StateMachines", "Snapshots", name + ".verified.txt");
        var update = Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1";
        var run = GeneratorHarness.Run(source);
        if (update || !File.Exists(path))
        {
            var generated = Assert.Single(run.Generated);
            File.WriteAllText(path, "// " + generated.Key + "\n" + generated.Value);
            Assert.True(update, $"Snapshot {path} was missing and has been written: review it and run again.");
        }

        var snapshot = File.ReadAllText(path).Replace("\r\n", "\n");
        var firstLine = snapshot.IndexOf('\n');
        var hintName = snapshot.Substring(3, firstLine - 3);
        await new StateMachineGeneratorTest
        {
            TestState =
            {
                Sources = { source },
                // As the generator adds it: UTF-8, SHA-256 checksum (the library compares both).
                GeneratedSources = { (typeof(StateMachineGenerator), hintName, SourceText.From(snapshot.Substring(firstLine + 1), Encoding.UTF8, SourceHashAlgorithm.Sha256)) },
            },
        }.RunAsync();

        run.CompileAndLoad();
    }
}
