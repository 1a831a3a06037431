using System.Diagnostics;

namespace PerfAnalyzers.Orleans.Tests;

/// <summary>
/// <see cref="SiloStateMachines"/>' per-request bookkeeping: rows found by the name instances the grain passes, and a
/// request's time ended by a clock read the caller already took.
/// </summary>
public sealed class SiloBookkeepingTests
{
    [Fact]
    public void Names_equal_in_content_but_not_in_instance_share_one_row()
    {
        using var silo = new SiloStateMachines("bookkeeping-silo");
        var machine = "Bench.Machine";
        var message = "Ping";
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < 3; i++)
        {
            silo.RecordRequest(machine, message, start);
        }

        // Same names, new string instances (as another dispatcher or type info would pass them).
        var machineCopy = new string(machine.AsSpan());
        var messageCopy = new string(message.AsSpan());
        Assert.NotSame(machine, machineCopy);
        for (var i = 0; i < 2; i++)
        {
            silo.RecordRequest(machineCopy, messageCopy, start);
        }

        var rows = silo.GetLatencies();
        Assert.Equal(5, rows.Single(r => r.Machine == machine && r.Message == message).Latency.Count);
        Assert.Equal(5, rows.Single(r => r.Machine == machine && r.Message is null).Latency.Count);
        Assert.Equal(5, silo.Requests);
    }

    [Fact]
    public void More_rows_than_the_recent_list_holds_are_all_counted()
    {
        using var silo = new SiloStateMachines("bookkeeping-silo");
        var messages = Enumerable.Range(0, 40).Select(i => "Message" + i).ToArray();
        var start = Stopwatch.GetTimestamp();
        for (var round = 0; round < 3; round++)
        {
            foreach (var message in messages)
            {
                silo.RecordRequest("Bench.Machine", message, start);
            }
        }

        var rows = silo.GetLatencies();
        Assert.All(messages, m => Assert.Equal(3, rows.Single(r => r.Message == m).Latency.Count));
        Assert.Equal(120, rows.Single(r => r.Message is null).Latency.Count);
    }

    [Fact]
    public void A_given_end_timestamp_is_the_end_of_the_recorded_time()
    {
        using var silo = new SiloStateMachines("bookkeeping-silo");
        var start = Stopwatch.GetTimestamp();
        var end = start + Stopwatch.Frequency / 10; // 100 ms later, never read from the clock
        silo.RecordRequest("Bench.Machine", "Ping", start, end);

        var row = silo.GetLatencies().Single(r => r.Message == "Ping");
        Assert.InRange(row.Latency.Max, 0.099, 0.101);
    }
}
