using PerfAnalyzers.Tests.Meta;

namespace PerfAnalyzers.Tests.StateMachines;

/// <summary>
/// The emitted code, compared with reviewed snapshots in Snapshots/. To accept a change on purpose, run the tests with
/// UPDATE_SNAPSHOTS=1 and review the diff of the .verified.txt files.
/// </summary>
public class StateMachineSnapshotTests
{
    [Fact]
    public void Entitlement_governor() => Verify("EntitlementGovernor", EntitlementGovernorSource.Code);

    [Fact]
    public void Global_namespace_struct_messages_and_void_handlers() => Verify("GlobalNamespace", """
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
    public void Nested_generic_machine() => Verify("NestedGeneric", """
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

    private static void Verify(string name, string source)
    {
        var run = GeneratorHarness.Run(source);
        Assert.Empty(run.GeneratorDiagnostics);
        run.CompileAndLoad();
        var generated = Assert.Single(run.Generated);
        var actual = "// " + generated.Key + "\n" + generated.Value;
        var path = Path.Combine(RepositoryPaths.Root, "tests", "PerfAnalyzers.Tests", "StateMachines", "Snapshots", name + ".verified.txt");
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1" || !File.Exists(path))
        {
            File.WriteAllText(path, actual);
            Assert.True(Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1", $"Snapshot {path} was missing and has been written: review it and run again.");
        }

        var expected = File.ReadAllText(path).Replace("\r\n", "\n");
        Assert.Equal(expected, actual);
    }
}
