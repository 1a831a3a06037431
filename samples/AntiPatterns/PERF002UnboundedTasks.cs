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

    // PERF002: fire and forget on the thread pool, once per order.
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

    private static Task SendAsync(string email) => Task.Delay(10);

    private static void Recalculate(int id)
    {
    }
}
