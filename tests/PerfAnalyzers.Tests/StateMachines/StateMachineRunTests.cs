using System.Reflection;

namespace PerfAnalyzers.Tests.StateMachines;

/// <summary>Compiles generated machines and runs them.</summary>
public class StateMachineRunTests
{
    [Fact]
    public void Entitlement_governor_compiles_without_warnings_and_reports_nothing()
    {
        var run = GeneratorHarness.Run(EntitlementGovernorSource.Code);
        Assert.Empty(run.GeneratorDiagnostics);
        run.CompileAndLoad();
    }

    [Fact]
    public async Task Entitlement_governor_walks_the_seed_transitions()
    {
        var assembly = GeneratorHarness.Run(EntitlementGovernorSource.Code, Driver).CompileAndLoad();
        var result = await (Task<string>)TestCompilerInvoke(assembly, "Driver", "RunAsync")!;
        Assert.Equal("PendingReview,Entitled,Revoked,Revoked|unhandled|a,b|Restart:Unentitled,1", result);
    }

    [Fact]
    public async Task Async_handlers_compile_run_and_reply()
    {
        var assembly = GeneratorHarness.Run(StateMachineSnapshotTests.AsyncSource, AsyncDriver).CompileAndLoad();
        var result = await (Task<string>)TestCompilerInvoke(assembly, "AsyncDriver", "RunAsync")!;
        Assert.Equal("10,Paid,10|pings:0..49|notes:40|Shipped|unhandled|Stopped", result);
    }

    private const string AsyncDriver = """
        using System;
        using System.Linq;
        using System.Threading.Tasks;
        using PerfAnalyzers.Runtime.StateMachines;
        using Orders;

        public static class AsyncDriver
        {
            public static async Task<string> RunAsync()
            {
                var order = new Order();
                order.Start();
                var paid = await order.AskAsync(new Order.Pay(10m));            // idle: inline, then awaits
                var state = order.State;
                var again = await order.AskAsync(new Order.Pay(99m));           // Paid: the synchronous handler
                var pings = Enumerable.Range(0, 50).Select(i => Task.Run(async () => await order.AskAsync(new Order.Ping(i)))).ToArray();
                for (var i = 0; i < 40; i++)
                {
                    order.TryPost(new Order.Note("n" + i));
                }

                var replies = await Task.WhenAll(pings);
                await order.AskAsync(new Order.Ship("ups"));
                string unhandled;
                try { await order.AskAsync(new Order.Ship("again")); unhandled = "none"; }
                catch (UnhandledMessageException) { unhandled = "unhandled"; }
                await order.StopAsync();
                var sorted = replies.OrderBy(r => r).ToArray();
                var pingText = sorted.SequenceEqual(Enumerable.Range(0, 50)) ? "pings:0..49" : "pings:" + string.Join(",", sorted);
                return $"{paid},{state},{again}|{pingText}|notes:{order.Notes.Count}|{order.State}|{unhandled}|{order.Status}";
            }
        }
        """;

    private static object? TestCompilerInvoke(Assembly assembly, string type, string method) => Verifiers.TestCompiler.Invoke(assembly, type, method);

    private const string Driver = """
        using System;
        using System.Threading.Tasks;
        using PerfAnalyzers.Runtime.StateMachines;
        using Entitlements;

        public static class Driver
        {
            public static async Task<string> RunAsync()
            {
                await using var g = new EntitlementGovernor();
                g.Start();
                var s1 = await g.AskAsync(new EntitlementGovernor.Grant("cust_1"));
                var s2 = await g.AskAsync(new EntitlementGovernor.Approve("ops"));
                var s3 = await g.AskAsync(new EntitlementGovernor.Revoke("fraud"));
                var s4 = await g.AskAsync(new EntitlementGovernor.GetState());
                string unhandled;
                try { await g.AskAsync(new EntitlementGovernor.Approve("again")); unhandled = "none"; }
                catch (UnhandledMessageException) { unhandled = "unhandled"; }
                g.TryPost(new EntitlementGovernor.Audit("a"));
                await g.AskAsync(new EntitlementGovernor.Audit("b"));
                var audit = string.Join(",", g.AuditLog);

                await using var h = new EntitlementGovernor();
                h.Start();
                try { await h.AskAsync(new EntitlementGovernor.Grant("")); } catch (ArgumentException) { }
                var restart = "Restart:" + h.State + "," + h.Restarts;
                return $"{s1},{s2},{s3},{s4}|{unhandled}|{audit}|{restart}";
            }
        }
        """;
}
