using System.Diagnostics.Metrics;
using PerfAnalyzers.Runtime.StateMachines;

namespace PerfAnalyzers.Orleans.Tests;

[Collection(ClusterCollection.Name)]
public sealed class SiloTelemetryTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Each_silo_knows_its_machines_their_latencies_and_SLOs_and_tags_measurements_with_itself()
    {
        var measured = new System.Collections.Concurrent.ConcurrentBag<(string Machine, string Message, string Silo)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SiloStateMachines.MeterName && instrument.Name == SiloStateMachines.RemoteDurationInstrument)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            string machine = "", message = "", silo = "";
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case StateMachineTelemetry.MachineTag: machine = (string)tag.Value!; break;
                    case StateMachineTelemetry.MessageTag: message = (string)tag.Value!; break;
                    case SiloStateMachines.SiloTag: silo = (string)tag.Value!; break;
                }
            }

            measured.Add((machine, message, silo));
        });
        listener.Start();

        var key = "telemetry-" + Guid.NewGuid().ToString("N");
        var slo = fixture.Grains.GetStateMachine<Sloppy>(key);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(i + 1, await slo.AskAsync<int>(new Sloppy.Ping()).WaitAsync(TimeSpan.FromSeconds(20)));
        }

        var silo = (await slo.GetStatusAsync()).Silo;
        var view = fixture.Cluster.GetActiveSilos().Select(ClusterFixture.SiloView).Single(v => v.Silo == silo);
        var machineName = Sloppy.StateMachineInfo.Name;

        // The silo's registry lists the hosted machine; the other silos' do not.
        Assert.Contains(view.Machines.GetLive(), m => m is Sloppy s && s.Key == key);
        foreach (var other in fixture.Cluster.GetActiveSilos().Select(ClusterFixture.SiloView).Where(v => v.Silo != silo))
        {
            Assert.DoesNotContain(other.Machines.GetLive(), m => m is Sloppy s && s.Key == key);
        }

        // Latency per (machine, message) and per machine, in this silo.
        var row = view.GetLatencies().Single(r => r.Machine == machineName && r.Message == "Ping");
        Assert.True(row.Latency.Count >= 20);
        Assert.Contains(view.GetLatencies(), r => r.Machine == machineName && r.Message is null);

        // The machine's [Slo] targets are tracked by the silo and judged on the times measured here.
        var verdicts = view.Slo.Evaluate().Where(v => v.Tracker.Machine == machineName).ToList();
        Assert.NotEmpty(verdicts);
        Assert.All(verdicts, v => Assert.True(v.Judged && v.Window.Count >= 20));

        // The Meter measurements carry the silo.
        Assert.Contains(measured, m => m.Machine == machineName && m.Message == "Ping" && m.Silo == silo);
    }

    [Fact]
    public async Task A_machine_stopped_by_supervision_is_replaced_by_a_fresh_activation()
    {
        var key = "supervised-" + Guid.NewGuid().ToString("N");
        var machine = fixture.Grains.GetStateMachine<Fragile>(key);
        Assert.Equal(1, await machine.AskAsync<int>(new Fragile.Count()).WaitAsync(TimeSpan.FromSeconds(20)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => machine.AskAsync(new Fragile.Crash()).WaitAsync(TimeSpan.FromSeconds(20)));

        // SupervisionPolicy.Stop: the machine is stopped; the grain lets Orleans collect it, and a later call gets a new
        // machine from the initial state (state is in memory).
        var count = 0;
        for (var attempt = 0; attempt < 100 && count != 1; attempt++)
        {
            try
            {
                count = await machine.AskAsync<int>(new Fragile.Count()).WaitAsync(TimeSpan.FromSeconds(20));
            }
            catch (StateMachineStoppedException)
            {
                await Task.Delay(50);
            }
        }

        Assert.Equal(1, count);
    }
}
