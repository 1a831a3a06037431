using System.Runtime.CompilerServices;
using PerfAnalyzers.Runtime.StateMachines;
using PerfAnalyzers.Runtime.Telemetry;

namespace PerfAnalyzers.Runtime.Tests.Telemetry;

public class MachineRegistryTests
{
    private sealed class FakeMachine(string name, int depth) : IMailboxDepthSource
    {
        public int Depth { get; set; } = depth;
        string IMailboxDepthSource.Name => name;
        int IMailboxDepthSource.MailboxDepth => Depth;
    }

    [Fact]
    public void Lists_machines_above_the_threshold_deepest_first()
    {
        var registry = new MachineRegistry();
        var idle = new FakeMachine("Governor#1", 0);
        var busy = new FakeMachine("Governor#2", 1_250);
        var busier = new FakeMachine("Router#1", 5_000);
        var atLimit = new FakeMachine("Governor#3", 1_000);
        foreach (var m in new[] { idle, busy, busier, atLimit }) registry.Register(m);

        Assert.Equal(new[] { new MailboxDepthReading("Router#1", 5_000), new MailboxDepthReading("Governor#2", 1_250) }, registry.FindOverloaded());
        Assert.Equal(4, registry.FindOverloaded(-1).Count);
        Assert.Empty(registry.FindOverloaded(10_000));

        busy.Depth = 0; // depth is read at call time
        Assert.Equal("Router#1: 5000 messages", Assert.Single(registry.FindOverloaded()).ToString());
        Assert.Equal(new[] { "Router#1", "Governor#3", "Governor#1", "Governor#2" }, registry.GetMailboxDepths().Select(r => r.Name));
        GC.KeepAlive(new object[] { idle, busy, busier, atLimit });
    }

    [Fact]
    public void Register_is_idempotent_and_Unregister_removes()
    {
        var registry = new MachineRegistry();
        var machine = new FakeMachine("A", 2_000);
        registry.Register(machine);
        registry.Register(machine);
        Assert.Equal(1, registry.Count);
        Assert.True(registry.Unregister(machine));
        Assert.False(registry.Unregister(machine));
        Assert.Equal(0, registry.Count);
        Assert.Empty(registry.FindOverloaded());
        Assert.Throws<ArgumentNullException>(() => registry.Register(null!));
    }

    [Fact]
    public void Registry_does_not_keep_machines_alive()
    {
        var registry = new MachineRegistry();
        var survivor = new FakeMachine("Survivor", 2_000);
        registry.Register(survivor);
        WeakReference dropped = RegisterAndDrop(registry);
        Assert.Equal(2, registry.Count);

        // A few blocking full collections: one is usually enough, but a collection can miss an object whose last
        // reference was in a register of a frame that just returned.
        for (int i = 0; i < 10 && dropped.IsAlive; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
            GC.WaitForPendingFinalizers();
        }

        Assert.False(dropped.IsAlive);
        Assert.Equal(1, registry.Count);
        Assert.Equal("Survivor", Assert.Single(registry.FindOverloaded()).Name);
        GC.KeepAlive(survivor);
    }

    [Fact]
    public async Task Concurrent_registration_and_listing_is_safe()
    {
        var registry = new MachineRegistry();
        var machines = Enumerable.Range(0, 2_000).Select(i => new FakeMachine("M" + i, i)).ToArray();
        var listing = Task.Run(() =>
        {
            for (int i = 0; i < 200; i++) _ = registry.FindOverloaded(1_000);
        });
        Parallel.ForEach(machines, m => registry.Register(m));
        await listing;
        Assert.Equal(2_000, registry.Count);
        Assert.Equal(999, registry.FindOverloaded(1_000).Count);
        GC.KeepAlive(machines);
    }

    private sealed class FakeStateMachine(string type, int depth) : IStateMachine
    {
        public string MachineType => type;
        public int MailboxDepth { get; set; } = depth;
        public StateMachineStatus Status => StateMachineStatus.Running;
        public string StateName => "Entitled";
        public void Start() { }
        public Task StopAsync(StopMode mode = StopMode.Drain) => Task.CompletedTask;
    }

    [Fact]
    public void Lists_overloaded_generated_state_machines_by_type_and_leaves_other_sources_out()
    {
        string type = "Overloaded" + Guid.NewGuid().ToString("N");
        var busy = new FakeStateMachine(type, 1_500);
        var idle = new FakeStateMachine(type, 3);
        var worker = new FakeMachine(type + "#worker", 5_000);
        MachineRegistry.Shared.Register(busy);
        MachineRegistry.Shared.Register(idle);
        MachineRegistry.Shared.Register(worker);
        try
        {
            var mine = MachineRegistry.FindOverloadedStateMachines().Where(r => r.Name.StartsWith(type, StringComparison.Ordinal)).ToList();
            Assert.Equal(new[] { new MailboxDepthReading(type, 1_500) }, mine);
            Assert.Equal(2, MachineRegistry.FindOverloadedStateMachines(threshold: 0).Count(r => r.Name == type));
            Assert.Contains(new MailboxDepthReading(type + "#worker", 5_000), MachineRegistry.Shared.FindOverloaded());
            Assert.Contains(busy, MachineRegistry.GetLiveStateMachines());
            Assert.DoesNotContain(MachineRegistry.GetLiveStateMachines(), m => m.MachineType == type + "#worker");
        }
        finally
        {
            MachineRegistry.Shared.Unregister(busy);
            MachineRegistry.Shared.Unregister(idle);
            MachineRegistry.Shared.Unregister(worker);
        }

        Assert.DoesNotContain(MachineRegistry.FindOverloadedStateMachines(threshold: -1), r => r.Name == type);
    }

    [Fact]
    public void A_state_machine_is_named_by_its_type()
    {
        IMailboxDepthSource machine = new FakeStateMachine("EntitlementGovernor", 7);
        Assert.Equal("EntitlementGovernor", machine.Name);
        var registry = new MachineRegistry();
        registry.Register(machine);
        Assert.Equal(new MailboxDepthReading("EntitlementGovernor", 7), Assert.Single(registry.GetMailboxDepths()));
    }

    [Fact]
    public void Observes_the_summed_depth_per_machine_type()
    {
        string a = "DepthA" + Guid.NewGuid().ToString("N"), b = "DepthB" + Guid.NewGuid().ToString("N");
        var machines = new[] { new FakeStateMachine(a, 3), new FakeStateMachine(a, 4), new FakeStateMachine(b, 10) };
        var other = new FakeMachine(a, 100); // not a state machine: not in the statemachine.mailbox.depth gauge
        foreach (var m in machines) MachineRegistry.Shared.Register(m);
        MachineRegistry.Shared.Register(other);
        try
        {
            var byType = MachineRegistry.Shared.ObserveStateMachineDepths().ToDictionary(
                m => (string)m.Tags.ToArray().Single(t => t.Key == StateMachineTelemetry.MachineTag).Value!, m => m.Value);
            Assert.Equal(7, byType[a]);
            Assert.Equal(10, byType[b]);
            machines[1].MailboxDepth = 40; // read at observation time
            Assert.Equal(43, MachineRegistry.Shared.ObserveStateMachineDepths().Single(m => m.Tags.ToArray().Any(t => (string?)t.Value == a)).Value);
        }
        finally
        {
            foreach (var m in machines) MachineRegistry.Shared.Unregister(m);
            MachineRegistry.Shared.Unregister(other);
        }
    }

    [Fact]
    public void Reuses_slots_and_keeps_every_entry_findable_across_growth()
    {
        var registry = new MachineRegistry();
        var machines = Enumerable.Range(0, 5_000).Select(i => new FakeMachine("M" + i, i)).ToArray();
        foreach (var m in machines) registry.Register(m);
        Assert.Equal(5_000, registry.Count);
        for (int i = 0; i < machines.Length; i += 2) Assert.True(registry.Unregister(machines[i]));
        Assert.Equal(2_500, registry.Count);
        for (int i = 0; i < machines.Length; i += 2) Assert.False(registry.Unregister(machines[i]));
        for (int i = 0; i < machines.Length; i += 4) registry.Register(machines[i]);
        foreach (var m in machines) registry.Register(m); // idempotent for those already in
        Assert.Equal(5_000, registry.Count);
        Assert.Equal(machines.Select(m => m.Depth).OrderByDescending(d => d), registry.GetMailboxDepths().Select(r => r.Depth));
        foreach (var m in machines) Assert.True(registry.Unregister(m));
        Assert.Equal(0, registry.Count);
        Assert.Empty(registry.GetLive());
    }

    [Fact]
    public void Collected_machines_free_their_slots_instead_of_growing_the_table()
    {
        var registry = new MachineRegistry();
        for (int round = 0; round < 20; round++)
        {
            RegisterAndDropMany(registry, 1_000);
            for (int i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }

        var survivor = new FakeMachine("Survivor", 1);
        registry.Register(survivor);
        Assert.Equal(1, registry.Count);
        Assert.Same(survivor, Assert.Single(registry.GetLive()));
        Assert.InRange(registry.Capacity, 1_000, 4_096); // 20,000 registrations in all; never more than 1,001 alive at once
        GC.KeepAlive(survivor);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RegisterAndDropMany(MachineRegistry registry, int count)
    {
        for (int i = 0; i < count; i++)
        {
            registry.Register(new FakeMachine("Dropped" + i, i));
        }
    }

    [Fact]
    public void Shared_is_one_instance()
        => Assert.Same(MachineRegistry.Shared, MachineRegistry.Shared);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference RegisterAndDrop(MachineRegistry registry)
    {
        var machine = new FakeMachine("Dropped", 9_999);
        registry.Register(machine);
        return new WeakReference(machine);
    }
}
