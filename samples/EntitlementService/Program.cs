// The seed's entitlement governor (000_56e5e8e4608dd47b.txt) as a generated [StateMachine], in a pool, under load,
// read through the OpenTelemetry SDK (MeterProvider + AddMeter) and the in-process percentile listener with SLOs.
// Usage: dotnet run --project samples/EntitlementService -c Release [seconds] [pool size] [workers]
//        dotnet run --project samples/EntitlementService -c Release -- --cluster N [seconds] [governors] [workers]   (N Orleans silos)
using System.Collections.Concurrent;
using System.Diagnostics;
using EntitlementService;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using PerfAnalyzers.Runtime.StateMachines;
using PerfAnalyzers.Runtime.Telemetry;

if (args.Length > 1 && args[0] == "--cluster")
{
    var rest = args.Skip(2).ToArray();
    return await ClusterMode.RunAsync(
        siloCount: int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture),
        seconds: rest.Length > 0 ? double.Parse(rest[0], System.Globalization.CultureInfo.InvariantCulture) : 3,
        governors: rest.Length > 1 ? int.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture) : 8,
        workers: rest.Length > 2 ? int.Parse(rest[2], System.Globalization.CultureInfo.InvariantCulture) : 32);
}

var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 3;
var poolSize = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 4;
var workers = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 32;

// OpenTelemetry SDK reading the state machines' Meter.
var totals = new TotalsExporter();
using var meterProvider = Sdk.CreateMeterProviderBuilder()
    .AddMeter(StateMachineTelemetry.MeterName)
    .AddReader(new BaseExportingMetricReader(totals))
    .Build();

// In-process percentiles and the SLOs the generator emitted from [Slo].
using var slo = new SloMonitor(evaluationInterval: TimeSpan.FromSeconds(1)) { DefaultWindow = TimeSpan.FromSeconds(seconds + 1) };
foreach (var target in EntitlementGovernor.SloTargets)
{
    slo.Track(target.Machine, target.Message, target.P95Seconds, target.P99Seconds);
}

var violations = new ConcurrentQueue<string>();
slo.Violated += (_, e) => violations.Enqueue(e.ToString());
using var latency = new StateMachineLatencyListener(slo);

await using var pool = new StateMachinePool<EntitlementGovernor>(poolSize, i => new EntitlementGovernor("tenant-1", i));
pool.Start();

Console.WriteLine($"EntitlementService: {workers} workers, a pool of {poolSize} governors, {seconds:0.#} s of load");
long requests = 0, refused = 0, casts = 0, castRefused = 0, maxDepth = 0;
IReadOnlyList<MailboxDepthReading> overloaded = Array.Empty<MailboxDepthReading>();
using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
var clock = Stopwatch.StartNew();

// Workers: the seed's grant → approve → get-state → revoke cycle, each customer pinned to one governor (key affinity),
// plus get-state reads routed to the least-loaded governor (the seed's route_operation).
#pragma warning disable PERF002 // a fixed number of simulated clients, on purpose
var load = Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
{
    var customer = "cust_" + worker;
    var random = new Random(worker);
    while (!stop.IsCancellationRequested)
    {
        var governor = pool.ForKey(customer);
        try
        {
            var state = await governor.AskAsync(new EntitlementGovernor.GetState());
            object message = state switch
            {
                EntitlementState.Unentitled => new EntitlementGovernor.Grant(customer),
                EntitlementState.PendingReview => random.Next(10) == 0 ? new EntitlementGovernor.Reject("docs missing") : new EntitlementGovernor.Approve("ops"),
                EntitlementState.Entitled => new EntitlementGovernor.Revoke("expired"),
                _ => new EntitlementGovernor.Reinstate(),
            };
            await (message switch
            {
                EntitlementGovernor.Grant g => governor.AskAsync(g).AsTask(),
                EntitlementGovernor.Reject r => governor.AskAsync(r).AsTask(),
                EntitlementGovernor.Approve a => governor.AskAsync(a).AsTask(),
                EntitlementGovernor.Revoke v => governor.AskAsync(v).AsTask(),
                _ => governor.AskAsync(new EntitlementGovernor.Reinstate()).AsTask(),
            });
            Interlocked.Add(ref requests, 2);
            await pool.LeastLoaded().AskAsync(new EntitlementGovernor.GetState());
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
        }
    }
})).ToList();
#pragma warning restore PERF002

// An audit producer that bursts casts: with a bounded mailbox some are refused (backpressure), never queued without limit.
load.Add(Task.Run(async () =>
{
    var i = 0;
    while (!stop.IsCancellationRequested)
    {
        for (var burst = 0; burst < 200; burst++)
        {
            var status = pool.LeastLoaded().TryPost(new EntitlementGovernor.Audit("audit " + i++));
            Interlocked.Increment(ref casts);
            if (status == PostStatus.Rejected)
            {
                Interlocked.Increment(ref castRefused);
            }
        }

        var depth = pool.TotalMailboxDepth;
        if (depth > Interlocked.Read(ref maxDepth))
        {
            Interlocked.Exchange(ref maxDepth, depth);
            // The seed's find_overloaded_processes, with a threshold that fits this small mailbox (capacity 64).
            overloaded = MachineRegistry.FindOverloadedStateMachines(threshold: 48);
        }

        await Task.Delay(1);
    }
}));

await Task.WhenAll(load);
var elapsed = clock.Elapsed.TotalSeconds;
await pool.StopAsync();
meterProvider.ForceFlush();

Console.WriteLine($"Requests:   {requests:N0} in {elapsed:0.00} s = {requests / elapsed:N0}/s; refused (queue_full): {refused:N0}");
Console.WriteLine($"Audit casts: {casts:N0} sent, {castRefused:N0} refused, {pool.Machines.Sum(g => g.Audited):N0} handled in batches; peak pool mailbox depth {maxDepth}");
Console.WriteLine("Overloaded governors at the peak (depth > 48): " + (overloaded.Count == 0 ? "none" : string.Join(", ", overloaded)));
Console.WriteLine();
Console.WriteLine("Handling time per message type (in-process histogram):");
foreach (var row in latency.GetSnapshots().OrderBy(r => r.Message ?? ""))
{
    var l = row.Latency;
    Console.WriteLine($"  {row.Message ?? "(all)",-10} count={l.Count,9:N0}  p50={Us(l.P50),8}  p95={Us(l.P95),8}  p99={Us(l.P99),8}  max={Us(l.Max),8}");
}

Console.WriteLine();
Console.WriteLine("SLO verdicts (window = the whole run):");
foreach (var verdict in slo.Evaluate())
{
    var t = verdict.Tracker;
    var target = string.Join(", ", new[] { t.P95Seconds is { } p95 ? $"p95 ≤ {p95 * 1000:0.#} ms" : null, t.P99Seconds is { } p99 ? $"p99 ≤ {p99 * 1000:0.#} ms" : null }.Where(s => s is not null));
    Console.WriteLine($"  {t.Name,-32} {target,-24} {(verdict.Judged ? (verdict.IsMet ? "MET" : "VIOLATED") : "not judged")}  (p95={Us(verdict.Window.P95)}, p99={Us(verdict.Window.P99)}, n={verdict.Window.Count:N0})");
}

Console.WriteLine($"  violations raised during the run: {violations.Count}");
Console.WriteLine();
Console.WriteLine("OpenTelemetry SDK (MeterProvider, AddMeter(\"" + StateMachineTelemetry.MeterName + "\")) totals:");
foreach (var (name, value) in totals.Totals.OrderBy(p => p.Key))
{
    Console.WriteLine($"  {name} = {value:N0}");
}

return 0;

static string Us(double seconds) => seconds < 1e-3 ? $"{seconds * 1e6:0.0} us" : $"{seconds * 1e3:0.00} ms";

/// <summary>Keeps the latest cumulative value of every metric stream the SDK exports (histograms: their count).</summary>
internal sealed class TotalsExporter : BaseExporter<Metric>
{
    public ConcurrentDictionary<string, double> Totals { get; } = new();

    public override ExportResult Export(in Batch<Metric> batch)
    {
        foreach (var metric in batch)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var tags = new List<string>();
                foreach (var tag in point.Tags)
                {
                    if (tag.Key is StateMachineTelemetry.MessageTag or StateMachineTelemetry.ReasonTag or StateMachineTelemetry.ToTag or StateMachineTelemetry.ErrorTypeTag)
                    {
                        tags.Add(tag.Value?.ToString() ?? "");
                    }
                }

                var key = metric.Name + (tags.Count == 0 ? "" : "{" + string.Join(",", tags) + "}");
                var value = metric.MetricType switch
                {
                    MetricType.Histogram => point.GetHistogramCount(),
                    MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong(),
                    MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => point.GetSumDouble(),
                    MetricType.LongGauge => point.GetGaugeLastValueLong(),
                    _ => 0,
                };
                Totals.AddOrUpdate(key, value, (_, existing) => existing + value);
            }
        }

        return ExportResult.Success;
    }
}
