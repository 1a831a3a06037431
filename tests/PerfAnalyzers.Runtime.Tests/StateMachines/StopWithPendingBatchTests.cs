using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Runtime.Tests.StateMachines;

/// <summary>
/// A graceful stop while a partial batch waits for its delay hands the batch over at once: the consumer has let go
/// (it waits for the batch timer), so the stop must wake it rather than wait for the timer (10 s here).
/// </summary>
public class StopWithPendingBatchTests
{
    [Fact]
    public async Task Stop_hands_a_waiting_partial_batch_over_without_waiting_for_the_batch_delay()
    {
        await using var machine = new SlowBatchMachine();
        machine.Start();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(PostStatus.Accepted, machine.TryPost(new Sample(i)));
        }

        // Let the consumer see the short batch and let go to wait for the delay (10 s).
        await Task.Delay(200);
        Assert.Empty(machine.SampleBatchSizes);

        var stop = machine.StopAsync();
        var first = await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(5)));
        Assert.True(ReferenceEquals(first, stop), "StopAsync waited for the batch delay instead of handing the batch over");
        await stop;
        Assert.Equal(new[] { 5 }, machine.SampleBatchSizes);
    }
}
