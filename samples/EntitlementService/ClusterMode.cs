using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using PerfAnalyzers.Orleans;
using PerfAnalyzers.Runtime.StateMachines;
using PerfAnalyzers.Runtime.Telemetry;

namespace EntitlementService;

/// <summary>
/// <c>--cluster N</c>: the governor hosted by PerfAnalyzers.Orleans on N Orleans silos in this process (localhost
/// clustering, free ports), a client driving the same grant → approve → get-state → revoke load through
/// <c>GetStateMachine&lt;EntitlementGovernor&gt;(key)</c>, then requests/s, p50/p95/p99 and SLO verdicts per silo.
/// </summary>
internal static class ClusterMode
{
    public static async Task<int> RunAsync(int siloCount, double seconds, int governors, int workers)
    {
        var ports = FreePorts(2 * siloCount);
        var primary = new IPEndPoint(IPAddress.Loopback, ports[0]);
        var silos = new List<IHost>();
        try
        {
            for (var i = 0; i < siloCount; i++)
            {
                var index = i;
                var silo = new HostBuilder()
                    .UseOrleans(builder => builder
                        .UseLocalhostClustering(siloPort: ports[2 * index], gatewayPort: ports[(2 * index) + 1], primarySiloEndpoint: primary)
                        .Configure<SiloOptions>(o => o.SiloName = "silo-" + index)
                        .AddStateMachines(options =>
                        {
                            options.Add<EntitlementGovernor>(key => new EntitlementGovernor(key, int.Parse(key.AsSpan(key.LastIndexOf('-') + 1), CultureInfo.InvariantCulture)));
                            options.SloWindow = TimeSpan.FromSeconds(seconds + 5);
                            options.SloEvaluationInterval = TimeSpan.FromSeconds(1);
                        }))
                    .Build();
                await silo.StartAsync();
                silos.Add(silo);
            }

            using var client = new HostBuilder()
                .UseOrleansClient(builder => builder
                    .UseLocalhostClustering(Enumerable.Range(0, siloCount).Select(i => ports[(2 * i) + 1]).ToArray())
                    .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10)))
                .Build();
            await client.StartAsync();
            var grains = client.Services.GetRequiredService<IClusterClient>();

            Console.WriteLine($"EntitlementService --cluster {siloCount}: {governors} governors on {siloCount} in-process silos, {workers} client workers, {seconds:0.#} s of load");
            // Warm-up (not measured): activate every governor once.
            for (var g = 0; g < governors; g++)
            {
                await grains.GetStateMachine<EntitlementGovernor>("tenant-" + g).AskAsync(new EntitlementGovernor.GetState());
            }

            var result = await DriveLoadAsync(grains, seconds, governors, workers);
            await client.StopAsync();

            Console.WriteLine($"Client: {result.Requests:N0} requests answered in {result.Elapsed:0.00} s = {result.Requests / result.Elapsed:N0}/s ({result.Unhandled:N0} not handled in the governor's state); refused (queue_full): {result.Refused:N0}; errors: {result.Errors:N0}");
            Console.WriteLine($"Client round trip: {result.RoundTrip.GetSnapshot()}");
            Console.WriteLine($"Audit casts: {result.Casts:N0} sent, {result.CastsRejected:N0} rejected (reported to the client as PostStatus.Rejected)");
            Console.WriteLine();
            var failed = false;
            foreach (var host in silos)
            {
                var view = host.Services.GetRequiredService<SiloStateMachines>();
                Console.WriteLine($"{view.Silo}: {view.Machines.Count} governors, {view.Requests:N0} requests = {view.Requests / result.Elapsed:N0}/s, {view.AcceptedCasts:N0} casts, {view.Refused:N0} refused");
                foreach (var row in view.GetLatencies())
                {
                    var l = row.Latency;
                    Console.WriteLine($"  {row.Message ?? "(all)",-10} count={l.Count,9:N0}  p50={Us(l.P50),8}  p95={Us(l.P95),8}  p99={Us(l.P99),8}");
                }

                foreach (var verdict in view.Slo.Evaluate())
                {
                    var t = verdict.Tracker;
                    Console.WriteLine($"  SLO {t.Name,-36} {(verdict.Judged ? (verdict.IsMet ? "MET" : "VIOLATED") : "not judged")}  (p95={Us(verdict.Window.P95)}, p99={Us(verdict.Window.P99)}, n={verdict.Window.Count:N0})");
                }
            }

            if (result.Requests == 0)
            {
                Console.Error.WriteLine("No request completed.");
                failed = true;
            }

            return failed ? 1 : 0;
        }
        finally
        {
            // Graceful: each silo deactivates its governors, which drain their mailboxes first.
            foreach (var silo in silos)
            {
                await silo.StopAsync();
                silo.Dispose();
            }
        }
    }

    private static async Task<LoadResult> DriveLoadAsync(IClusterClient grains, double seconds, int governors, int workers)
    {
        long requests = 0, unhandled = 0, refused = 0, errors = 0, casts = 0, castsRejected = 0;
        var roundTrip = new LatencyHistogram();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var clock = Stopwatch.StartNew();

#pragma warning disable PERF002 // a fixed number of simulated clients, on purpose
        var load = Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            var customer = "cust_" + worker;
            var random = new Random(worker);
            var governor = grains.GetStateMachine<EntitlementGovernor>("tenant-" + (worker % governors));
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var start = Stopwatch.GetTimestamp();
                    var state = await governor.AskAsync(new EntitlementGovernor.GetState(), TimeSpan.FromSeconds(5));
                    roundTrip.RecordElapsedSince(start);
                    Interlocked.Increment(ref requests);
                    start = Stopwatch.GetTimestamp();
                    _ = state switch
                    {
                        EntitlementState.Unentitled => await governor.AskAsync(new EntitlementGovernor.Grant(customer), TimeSpan.FromSeconds(5)),
                        EntitlementState.PendingReview => random.Next(10) == 0
                            ? await governor.AskAsync(new EntitlementGovernor.Reject("docs missing"), TimeSpan.FromSeconds(5))
                            : await governor.AskAsync(new EntitlementGovernor.Approve("ops"), TimeSpan.FromSeconds(5)),
                        EntitlementState.Entitled => await governor.AskAsync(new EntitlementGovernor.Revoke("expired"), TimeSpan.FromSeconds(5)),
                        _ => await governor.AskAsync(new EntitlementGovernor.Reinstate(), TimeSpan.FromSeconds(5)),
                    };
                    roundTrip.RecordElapsedSince(start);
                    Interlocked.Increment(ref requests);
                }
                catch (MailboxFullException)
                {
                    Interlocked.Increment(ref refused);
                    await Task.Yield();
                }
                catch (UnhandledMessageException)
                {
                    // Another worker's customer shares this governor and moved it meanwhile: read the state again.
                    Interlocked.Increment(ref requests);
                    Interlocked.Increment(ref unhandled);
                }
                catch (Exception e) when (e is TimeoutException or OrleansException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })).ToList();
#pragma warning restore PERF002

        // Audit bursts: the governors' mailboxes are bounded (64, Reject), so some casts are refused and the client hears it.
        load.Add(Task.Run(async () =>
        {
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                var burst = new List<Task<PostStatus>>();
#pragma warning disable PERF002 // a burst of 100 casts at a time, on purpose (the mailboxes bound what is accepted)
                for (var n = 0; n < 100; n++)
                {
                    burst.Add(grains.GetStateMachine<EntitlementGovernor>("tenant-" + (i++ % governors)).TryPostAsync(new EntitlementGovernor.Audit("audit " + i)));
                }

#pragma warning restore PERF002
                foreach (var status in await Task.WhenAll(burst))
                {
                    Interlocked.Increment(ref casts);
                    if (status == PostStatus.Rejected)
                    {
                        Interlocked.Increment(ref castsRejected);
                    }
                }

                await Task.Delay(5);
            }
        }));

        await Task.WhenAll(load);
        return new LoadResult(requests, unhandled, refused, errors, casts, castsRejected, clock.Elapsed.TotalSeconds, roundTrip);
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }

    private static string Us(double seconds) => seconds < 1e-3 ? $"{seconds * 1e6:0.0} us" : $"{seconds * 1e3:0.00} ms";

    private sealed record LoadResult(long Requests, long Unhandled, long Refused, long Errors, long Casts, long CastsRejected, double Elapsed, LatencyHistogram RoundTrip);
}
