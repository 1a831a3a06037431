using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Orleans.Tests;

[Collection(ClusterCollection.Name)]
public sealed class StateMachineGrainTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static string NewKey(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Typed_ask_replies_and_moves_the_state()
    {
        var turnstile = fixture.Grains.GetStateMachine<Turnstile>(NewKey("ask"));

        Assert.Equal(TurnstileState.Open, await turnstile.AskAsync<TurnstileState>(new Turnstile.Coin()).WaitAsync(Bound));
        Assert.Equal(TurnstileState.Locked, await turnstile.AskAsync<TurnstileState>(new Turnstile.Push(), TimeSpan.FromSeconds(5)).WaitAsync(Bound));
        await turnstile.AskAsync(new Turnstile.Add(5)).WaitAsync(Bound);
        Assert.Equal(5L, await turnstile.AskAsync<long>(new Turnstile.Total()).WaitAsync(Bound));

        // The generated typed extensions (this project references PerfAnalyzers.Orleans): the reply type comes from the message.
        TurnstileState open = await turnstile.AskAsync(new Turnstile.Coin()).WaitAsync(Bound);
        long total = await turnstile.AskAsync(new Turnstile.Total(), TimeSpan.FromSeconds(5)).WaitAsync(Bound);
        Assert.Equal(TurnstileState.Open, open);
        Assert.Equal(5L, total);
        Assert.Equal(TurnstileState.Locked, await turnstile.AskAsync(new Turnstile.Push()).WaitAsync(Bound));

        var status = await turnstile.GetStatusAsync();
        Assert.Equal("Running", status.Status);
        Assert.Equal("Locked", status.State);
    }

    [Fact]
    public async Task Machines_are_spread_over_the_silos_and_reached_from_a_grain()
    {
        var silos = new HashSet<string>();
        for (var i = 0; i < 24; i++)
        {
            var key = NewKey("spread" + i);
            var relay = fixture.Grains.GetGrain<IRelayGrain>(NewKey("relay"));
            Assert.Equal(3L, await relay.AddThenTotal(key, 3).WaitAsync(Bound));
            silos.Add((await fixture.Grains.GetStateMachine<Turnstile>(key).GetStatusAsync()).Silo);
        }

        Assert.True(silos.Count >= 2, "24 machines should not all live on one of three silos: " + string.Join(", ", silos));
    }

    [Fact]
    public async Task Errors_come_back_as_the_local_exceptions()
    {
        var turnstile = fixture.Grains.GetStateMachine<Turnstile>(NewKey("errors"));

        var unhandled = await Assert.ThrowsAsync<UnhandledMessageException>(() => turnstile.AskAsync<TurnstileState>(new Turnstile.Push()).WaitAsync(Bound));
        Assert.Equal("Locked", unhandled.State);
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => turnstile.AskAsync<int>(new Turnstile.Fail("boom")).WaitAsync(Bound));
        Assert.Contains("boom", failed.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => turnstile.RequestAsync("not a message").WaitAsync(Bound));
        await Assert.ThrowsAsync<ArgumentException>(() => turnstile.TryPostAsync(42).WaitAsync(Bound));

        // Supervision Resume (the default): the machine goes on after its handler threw.
        Assert.Equal(TurnstileState.Open, await turnstile.AskAsync<TurnstileState>(new Turnstile.Coin()).WaitAsync(Bound));
    }

    [Fact]
    public async Task Timeout_and_cancellation_reach_the_hosted_machine()
    {
        var key = NewKey("timeout");
        var turnstile = fixture.Grains.GetStateMachine<Turnstile>(key);
        var blocked = turnstile.AskAsync(new Turnstile.Block());
        try
        {
            await WaitUntil(async () => (await turnstile.GetStatusAsync()).MailboxDepth == 0 && Turnstile.Gates.ContainsKey(key));
            await Assert.ThrowsAsync<TimeoutException>(() => turnstile.AskAsync<long>(new Turnstile.Total(), TimeSpan.FromMilliseconds(200)).WaitAsync(Bound));

            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => turnstile.AskAsync<long>(new Turnstile.Total(), cancel.Token).WaitAsync(Bound));
        }
        finally
        {
            Turnstile.Gates[key].Release();
        }

        await blocked.WaitAsync(Bound);
        // A canceled or timed-out request that had not started is never handled; the machine still answers.
        Assert.Equal(0L, await turnstile.AskAsync<long>(new Turnstile.Total()).WaitAsync(Bound));
    }

    [Fact]
    public async Task A_full_mailbox_rejects_remote_casts_and_requests_and_the_silo_counts_them()
    {
        var key = NewKey("full");
        var turnstile = fixture.Grains.GetStateMachine<Turnstile>(key);
        var blocked = turnstile.AskAsync(new Turnstile.Block());
        var hostSilo = "";
        var refusedBefore = 0L;
        try
        {
            await WaitUntil(() => Task.FromResult(Turnstile.Gates.ContainsKey(key)));
            hostSilo = (await turnstile.GetStatusAsync()).Silo;
            var view = ClusterFixture.SiloView(fixture.Cluster.GetActiveSilos().Single(s => ClusterFixture.SiloView(s).Silo == hostSilo));
            refusedBefore = view.Refused;

            // The handler is blocked: the mailbox (capacity 8) takes exactly 8 more.
            for (var i = 0; i < 8; i++)
            {
                Assert.Equal(PostStatus.Accepted, await turnstile.TryPostAsync(new Turnstile.Add(1)).WaitAsync(Bound));
            }

            Assert.Equal(PostStatus.Rejected, await turnstile.TryPostAsync(new Turnstile.Add(1)).WaitAsync(Bound));
            await Assert.ThrowsAsync<MailboxFullException>(() => turnstile.AskAsync<long>(new Turnstile.Total()).WaitAsync(Bound));
            Assert.Equal(8, (await turnstile.GetStatusAsync()).MailboxDepth);
            Assert.Equal(refusedBefore + 2, view.Refused);

            // The silo's own overload finder sees the full machine (and only this silo's registry holds it).
            Assert.Contains(view.Machines.FindOverloaded(threshold: 4), r => r.Depth == 8);
        }
        finally
        {
            Turnstile.Gates[key].Release();
        }

        await blocked.WaitAsync(Bound);
        Assert.Equal(8L, await turnstile.AskAsync<long>(new Turnstile.Total()).WaitAsync(Bound));
    }

    [Fact]
    public async Task Wait_mode_holds_a_remote_cast_until_there_is_room()
    {
        var key = NewKey("wait");
        var inbox = fixture.Grains.GetStateMachine<Inbox>(key);
        var blocked = inbox.AskAsync(new Inbox.Block());
        Task<PostStatus> waiting;
        try
        {
            await WaitUntil(() => Task.FromResult(Inbox.Gates.ContainsKey(key)));
            Assert.Equal(PostStatus.Accepted, await inbox.TryPostAsync(new Inbox.Item(1)).WaitAsync(Bound));
            Assert.Equal(PostStatus.Accepted, await inbox.TryPostAsync(new Inbox.Item(2)).WaitAsync(Bound));
            Assert.Equal(PostStatus.Rejected, await inbox.TryPostAsync(new Inbox.Item(3)).WaitAsync(Bound));

            // The grain is reentrant: a waiting PostAsync does not block the other calls.
            waiting = inbox.PostAsync(new Inbox.Item(4));
            await Task.Delay(200);
            Assert.False(waiting.IsCompleted);
            Assert.Equal(2, (await inbox.GetStatusAsync().WaitAsync(Bound)).MailboxDepth);
        }
        finally
        {
            Inbox.Gates[key].Release();
        }

        Assert.Equal(PostStatus.Accepted, await waiting.WaitAsync(Bound));
        await blocked.WaitAsync(Bound);
        await WaitUntil(() => Task.FromResult(Inbox.Handled.GetValueOrDefault(key) == 3));
    }

    [Fact]
    public async Task DropOldest_evicts_for_remote_senders_and_the_evicted_request_fails_with_MessageDroppedException()
    {
        var key = NewKey("drop");
        var dropper = fixture.Grains.GetStateMachine<Dropper>(key);
        var blocked = dropper.AskAsync(new Dropper.Block());
        Task<int> evicted;
        try
        {
            await WaitUntil(() => Task.FromResult(Dropper.Gates.ContainsKey(key)));
            evicted = dropper.AskAsync(new Dropper.Item(1));
            await WaitUntil(async () => (await dropper.GetStatusAsync()).MailboxDepth == 1);
            Assert.Equal(PostStatus.Accepted, await dropper.TryPostAsync(new Dropper.Item(2)).WaitAsync(Bound));
            Assert.Equal(PostStatus.Accepted, await dropper.TryPostAsync(new Dropper.Item(3)).WaitAsync(Bound)); // evicts Item(1)
            await Assert.ThrowsAsync<MessageDroppedException>(() => evicted.WaitAsync(Bound));
        }
        finally
        {
            Dropper.Gates[key].Release();
        }

        await blocked.WaitAsync(Bound);
        Assert.Equal(new[] { 2, 3 }, await dropper.AskAsync(new Dropper.Seen()).WaitAsync(Bound));
    }

    [Fact]
    public async Task Every_accepted_message_is_handled_exactly_once_under_concurrent_load()
    {
        var keys = Enumerable.Range(0, 6).Select(i => NewKey("load" + i)).ToArray();
        var accepted = new long[keys.Length];
        var rejected = 0L;

#pragma warning disable PERF002 // a fixed number of concurrent senders, on purpose
        // 48 concurrent senders, each posting to every machine; capacity 8 with Reject means some casts are refused.
        var senders = Enumerable.Range(0, 48).Select(sender => Task.Run(async () =>
        {
            for (var round = 0; round < 30; round++)
            {
                var index = (sender + round) % keys.Length;
                var status = await fixture.Grains.GetStateMachine<Turnstile>(keys[index]).TryPostAsync(new Turnstile.Add(1));
                if (status == PostStatus.Accepted)
                {
                    Interlocked.Increment(ref accepted[index]);
                }
                else
                {
                    Assert.Equal(PostStatus.Rejected, status);
                    Interlocked.Increment(ref rejected);
                }
            }
        })).ToArray();
#pragma warning restore PERF002
        await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(48 * 30, accepted.Sum() + rejected);
        for (var i = 0; i < keys.Length; i++)
        {
            // A request queues behind the casts, so its reply sees all of them.
            Assert.Equal(accepted[i], await AskTotalAsync(keys[i]));
            Assert.Equal(accepted[i], Turnstile.Handled.GetValueOrDefault(keys[i]));
        }
    }

    private async Task<long> AskTotalAsync(string key)
    {
        while (true)
        {
            try
            {
                return await fixture.Grains.GetStateMachine<Turnstile>(key).AskAsync<long>(new Turnstile.Total()).WaitAsync(Bound);
            }
            catch (MailboxFullException)
            {
                await Task.Delay(10);
            }
        }
    }

    internal static async Task WaitUntil(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true in time.");
            await Task.Delay(20);
        }
    }
}
