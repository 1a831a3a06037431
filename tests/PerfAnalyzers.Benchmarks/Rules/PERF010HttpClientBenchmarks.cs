using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;

namespace PerfAnalyzers.Benchmarks.Rules;

/// <summary>
/// What PERF010 is about: <see cref="Requests"/> sequential GETs to an <see cref="HttpListener"/> on loopback, each with a
/// new <c>HttpClient</c> (<c>using var client = new HttpClient()</c>: what the rule reports) against one shared client
/// with a <c>SocketsHttpHandler</c> (what the fix writes). Bounded: a fixed number of requests per operation, a 10 s
/// timeout per request. The server counts distinct client endpoints, i.e. connections opened; the count per operation
/// is printed after the run (BenchmarkDotNet has no column for it).
/// Run: dotnet run -c Release --project tests/PerfAnalyzers.Benchmarks -- --filter '*PERF010*' --job short
/// </summary>
[MemoryDiagnoser]
public class PERF010HttpClientBenchmarks
{
    private static readonly HttpClient s_shared = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { Timeout = TimeSpan.FromSeconds(10) };

    private HttpListener _listener = null!;
    private string _url = "";
    private CancellationTokenSource _stop = null!;
    private Task _server = Task.CompletedTask;
    private readonly HashSet<string> _endpoints = new();
    private int _operations;

    [Params(50)]
    public int Requests { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            _url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/";
        }

        _listener = new HttpListener();
        _listener.Prefixes.Add(_url);
        _listener.Start();
        _stop = new CancellationTokenSource();
        _server = Task.Run(ServeAsync);
    }

    private async Task ServeAsync()
    {
        var body = "ok"u8.ToArray();
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            lock (_endpoints)
            {
                _endpoints.Add(context.Request.RemoteEndPoint.ToString());
            }

            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    [IterationSetup]
    public void ResetCount()
    {
        lock (_endpoints)
        {
            _endpoints.Clear();
        }

        _operations = 0;
    }

    [IterationCleanup]
    public void ReportCount()
    {
        lock (_endpoints)
        {
            if (_operations > 0)
            {
                Console.WriteLine($"// connections opened per operation: {(double)_endpoints.Count / _operations:F1} ({_endpoints.Count} over {_operations} operations of {Requests} requests)");
            }
        }
    }

    [Benchmark(Baseline = true)]
    public async Task<int> NewClientPerCall()
    {
        _operations++;
        var total = 0;
        for (var i = 0; i < Requests; i++)
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            total += (await client.GetStringAsync(_url + i)).Length;
        }

        return total;
    }

    [Benchmark]
    public async Task<int> SharedClient()
    {
        _operations++;
        var total = 0;
        for (var i = 0; i < Requests; i++)
        {
            total += (await s_shared.GetStringAsync(_url + i)).Length;
        }

        return total;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
    }
}
