using System.Net.Http;

namespace AntiPatterns;

/// <summary>PERF010: a new HttpClient (and connection pool) per call instead of one reused client.</summary>
public sealed class WeatherClient
{
    // Fine: one client for the process; the pooled connections are recycled every 2 minutes so DNS changes are seen.
    private static readonly HttpClient s_shared = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) });

    public async Task<string> GetForecastAsync(string city)
    {
        // PERF010: a new connection per call; the disposed client's socket lingers in TIME_WAIT.
        using var client = new HttpClient();
        client.BaseAddress = new Uri("https://weather.example/");
        return await client.GetStringAsync("forecast/" + city);
    }

    public async Task<int> PollAsync(IEnumerable<string> urls)
    {
        var ok = 0;
        foreach (var url in urls)
        {
            // PERF010: one client per iteration.
            using (var client = new HttpClient())
            {
                ok += (await client.GetAsync(url)).IsSuccessStatusCode ? 1 : 0;
            }
        }

        return ok;
    }

    public Task<string> GetSharedAsync(string url) => s_shared.GetStringAsync(url);
}
