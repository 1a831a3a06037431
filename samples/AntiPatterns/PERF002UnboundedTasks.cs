using PerfAnalyzers.Runtime.Concurrency;

namespace AntiPatterns;

/// <summary>PERF002: one task per element, all at once.</summary>
public sealed class NotificationService(HttpClient client)
{
    // PERF002: 100k ids = 100k requests in flight at once.
    public async Task<string[]> LoadProfilesAsync(IEnumerable<int> ids) =>
        await Task.WhenAll(ids.Select(id => client.GetStringAsync($"https://example.org/users/{id}")));

    // PERF002 (fix: Parallel.ForEachAsync).
    public async Task NotifyAllAsync(IEnumerable<string> emails) =>
        await Task.WhenAll(emails.Select(async email => await SendAsync(email)));

    // PERF002: the canonical loop that collects tasks.
    public async Task NotifyAllLoopAsync(List<string> emails)
    {
        var tasks = new List<Task>();
        foreach (var email in emails)
        {
            tasks.Add(SendAsync(email));
        }

        await Task.WhenAll(tasks);
    }

    // PERF002: fire and forget on the thread pool, once per order (fix: a SemaphoreSlim around each task; the loop
    // does not wait, and it stays fire-and-forget).
    public void RecalculateAll(IEnumerable<int> orderIds)
    {
        foreach (var id in orderIds)
        {
            _ = Task.Run(() => Recalculate(id));
        }
    }

    // Fine: bounded, results in source order.
    public Task<string[]> LoadProfilesBoundedAsync(IEnumerable<int> ids) =>
        BoundedParallel.SelectAsync(ids, id => client.GetStringAsync($"https://example.org/users/{id}"), maxConcurrency: 16);

    // Fine: chunks of 50, each awaited before the next.
    public async Task NotifyInChunksAsync(IEnumerable<string> emails)
    {
        foreach (var chunk in emails.Chunk(50))
        {
            await Task.WhenAll(chunk.Select(SendAsync));
        }
    }

    // PERF002: the tasks pass through a local before the join; still one request per user, all at once
    // (fix: a SemaphoreSlim around each element).
    public async Task PushAllAsync(IEnumerable<int> userIds)
    {
        var pushes = userIds.Select(id => client.GetStringAsync($"https://example.org/push/{id}"));
        await Task.WhenAll(pushes);
    }

    // PERF002: an iterator that yields one task per element, joined by WhenAll (fix: a SemaphoreSlim inside the iterator).
    public async Task BroadcastAsync(IEnumerable<string> emails, string message)
    {
        IEnumerable<Task> Sends()
        {
            foreach (var email in emails)
            {
                yield return SendAsync(email + message);
            }
        }

        await Task.WhenAll(Sends());
    }

    // PERF002 (fix: a SemaphoreSlim around each element): the index overload with a block lambda, materialised
    // with ToList and awaited later; results stay in source order.
    public async Task<string[]> LoadPagesAsync(IReadOnlyList<int> pageIds)
    {
        var pages = pageIds.Select((id, index) =>
        {
            var url = $"https://example.org/pages/{id}?position={index}";
            return client.GetStringAsync(url);
        }).ToList();
        return await Task.WhenAll(pages);
    }

    // PERF002 (fix: the loop awaits a slot before starting each task): other work before the Add.
    public async Task<int> AuditAllAsync(List<string> emails)
    {
        var tasks = new List<Task<string>>();
        foreach (var email in emails)
        {
            var normalised = email.Trim().ToLowerInvariant();
            tasks.Add(client.GetStringAsync($"https://example.org/audit/{normalised}"));
        }

        var reports = await Task.WhenAll(tasks);
        return reports.Length;
    }

    // PERF002 (fix: the loop awaits a slot; still fire-and-forget): one send per email, never joined.
    public async Task QueueAllAsync(IEnumerable<string> emails)
    {
        foreach (var email in emails)
        {
            _ = SendAsync(email);
        }

        await Task.Yield();
    }

    // PERF002 (fix: a SemaphoreSlim around each element; slots freed without the blocked thread's context).
    public int CountAllBlocking(IEnumerable<int> ids)
    {
        var tasks = ids.Select(id => client.GetStringAsync($"https://example.org/users/{id}")).ToArray();
        Task.WaitAll(tasks);
        return tasks.Sum(t => t.Result.Length);
    }

    // PERF002: Parallel.ForEach with an async lambda is an async void per element: ForEach returns before the sends
    // end, and nothing limits them (fix: await Parallel.ForEachAsync; the sends are now awaited, failures surface).
    public async Task ArchiveAllAsync(List<string> emails)
    {
        await SendAsync("archive-start");
        Parallel.ForEach(emails, async email => await SendAsync(email));
    }

    // PERF002: a thread per id (fix: the loop waits for one of N slots, the thread frees its slot when it ends; the
    // same threads, names and background flag).
    public void RecalculateOnThreads(IEnumerable<int> ids)
    {
        foreach (var id in ids)
        {
            new Thread(() => Recalculate(id)) { IsBackground = true }.Start();
        }
    }

    // PERF002: a thread-pool work item per id (fix: as for threads, the loop waits for a slot).
    public void RecalculateOnPool(IEnumerable<int> ids)
    {
        foreach (var id in ids)
        {
            ThreadPool.QueueUserWorkItem(_ => Recalculate(id));
        }
    }

    // PERF002: StartNew of an async lambda returns a Task<Task> whose outer task ends at the first await (fix: the
    // loop awaits a slot, freed when the unwrapped inner task ends; the stored outer tasks are unchanged).
    public async Task SendAllOnPoolAsync(IEnumerable<string> emails)
    {
        var started = new List<Task<Task>>();
        foreach (var email in emails)
        {
            started.Add(Task.Factory.StartNew(async () => await SendAsync(email)));
        }

        await Task.WhenAll(await Task.WhenAll(started));
    }

    // Fine: a worker pool sized by the core count, each worker draining one shared channel.
    public async Task RunWorkersAsync(System.Threading.Channels.ChannelReader<string> inbox)
    {
        var workers = new List<Task>();
        var count = Math.Max(1, Environment.ProcessorCount / 2);
        for (var i = 0; i < count; i++)
        {
            workers.Add(Task.Run(async () =>
            {
                await foreach (var email in inbox.ReadAllAsync())
                {
                    await SendAsync(email);
                }
            }));
        }

        await Task.WhenAll(workers);
    }

    private static Task SendAsync(string email) => Task.Delay(10);

    private static void Recalculate(int id)
    {
    }
}

/// <summary>PERF002 at Info: a fan-out over the type's own subscribers is sized by registrations, not by data.</summary>
public sealed class EventHub(IEnumerable<IEventSubscriber> subscribers)
{
    private readonly IEnumerable<IEventSubscriber> _subscribers = subscribers;

    // PERF002 (Info): observer fan-out.
    public Task PublishAsync(string name) => Task.WhenAll(_subscribers.Select(s => s.NotifyAsync(name)));
}

public interface IEventSubscriber
{
    Task NotifyAsync(string name);
}
