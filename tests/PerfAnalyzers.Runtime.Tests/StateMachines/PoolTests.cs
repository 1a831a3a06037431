using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Runtime.Tests.StateMachines;

public class PoolTests
{
    [Fact]
    public async Task Least_loaded_routing_avoids_a_backed_up_machine()
    {
        await using var pool = new StateMachinePool<CounterMachine>(4, _ => new CounterMachine());
        pool.Start();
        var block = Block.Create();
        pool[0].TryPost(block);
        Assert.True(block.Started.Wait(TimeSpan.FromSeconds(30)));
        for (var i = 0; i < 10; i++)
        {
            pool[0].TryPost(1);
        }

        for (var i = 0; i < 100; i++)
        {
            Assert.NotSame(pool[0], pool.LeastLoaded());
        }

        block.Release.Set();
        await pool.StopAsync();
        Assert.Equal(10, pool[0].Total);
    }

    [Fact]
    public async Task Least_loaded_routing_spreads_work_over_idle_machines()
    {
        await using var pool = new StateMachinePool<CounterMachine>(4, _ => new CounterMachine());
        pool.Start();
        for (var i = 0; i < 400; i++)
        {
            await pool.LeastLoaded().AskAsync(1);
        }

        Assert.All(pool.Machines, m => Assert.Equal(100, m.Total));
    }

    [Fact]
    public async Task Large_pools_use_two_choices()
    {
        await using var pool = new StateMachinePool<CounterMachine>(64, _ => new CounterMachine());
        pool.Start();
        for (var i = 0; i < 6400; i++)
        {
            await pool.LeastLoaded().AskAsync(1);
        }

        Assert.Equal(6400, pool.Machines.Sum(m => m.Total));
        Assert.All(pool.Machines, m => Assert.True(m.Total > 0));
    }

    [Fact]
    public async Task Key_affinity_sends_one_key_to_one_machine_in_order()
    {
        await using var pool = new StateMachinePool<RejectMachine>(8, _ => new RejectMachine());
        pool.Start();
        var keys = Enumerable.Range(0, 50).Select(k => "tenant-" + k).ToList();
        foreach (var key in keys)
        {
            Assert.Same(pool.ForKey(key), pool.ForKey(new string(key.ToCharArray())));
        }

        Assert.True(keys.Select(k => pool.ForKey(k)).Distinct().Count() > 1);
        var tasks = keys.Select((key, sender) => Task.Run(async () =>
        {
            for (var sequence = 0; sequence < 100; sequence++)
            {
                await pool.ForKey(key).AskAsync(new Work(sender, sequence, (sender * 1000) + sequence));
            }
        }));
        await Task.WhenAll(tasks);
        await pool.StopAsync();
        foreach (var (key, sender) in keys.Select((k, i) => (k, i)))
        {
            var owner = pool.ForKey(key);
            Assert.Equal(Enumerable.Range(0, 100), owner.Order.Where(o => o.Sender == sender).Select(o => o.Sequence));
            Assert.All(pool.Machines.Where(m => m != owner), m => Assert.DoesNotContain(m.Order, o => o.Sender == sender));
        }
    }

    [Fact]
    public void Pool_needs_at_least_one_machine() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new StateMachinePool<CounterMachine>(0, _ => new CounterMachine()));
}
