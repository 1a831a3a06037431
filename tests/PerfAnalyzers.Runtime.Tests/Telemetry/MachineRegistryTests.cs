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

        for (int i = 0; i < 3 && dropped.IsAlive; i++)
        {
            GC.Collect();
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
        public int MailboxDepth => depth;
        public StateMachineStatus Status => StateMachineStatus.Running;
        public string StateName => "Entitled";
        public void Start() { }
        public Task StopAsync(StopMode mode = StopMode.Drain) => Task.CompletedTask;
    }

    [Fact]
    public void Lists_overloaded_generated_state_machines_from_their_registry()
    {
        string type = "Overloaded" + Guid.NewGuid().ToString("N");
        var busy = new FakeStateMachine(type, 1_500);
        var idle = new FakeStateMachine(type, 3);
        StateMachineRegistry.Register(busy);
        StateMachineRegistry.Register(idle);
        try
        {
            var mine = MachineRegistry.FindOverloadedStateMachines().Where(r => r.Name == type).ToList();
            Assert.Equal(new[] { new MailboxDepthReading(type, 1_500) }, mine);
            Assert.Equal(2, MachineRegistry.FindOverloadedStateMachines(threshold: 0).Count(r => r.Name == type));
        }
        finally
        {
            StateMachineRegistry.Unregister(busy);
            StateMachineRegistry.Unregister(idle);
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
