using System.Diagnostics.Metrics;
using System.Reflection;
using System.Text.RegularExpressions;
using PerfAnalyzers.Runtime.Telemetry;

namespace PerfAnalyzers.Runtime.Tests.Telemetry;

public class MeterConventionTests
{
    [Fact]
    public void Meter_name_is_dotted_upper_camel_case_and_created_once()
    {
        Assert.Matches(new Regex("^[A-Z][A-Za-z0-9]*(\\.[A-Z][A-Za-z0-9]*)+$"), StateMachineTelemetry.MeterName);
        Assert.Equal("PerfAnalyzers.StateMachines", StateMachineTelemetry.MeterName);
        Assert.Same(StateMachineTelemetry.Meter, StateMachineTelemetry.Meter);
        Assert.Equal(StateMachineTelemetry.MeterName, StateMachineTelemetry.Meter.Name);
        Assert.False(string.IsNullOrEmpty(StateMachineTelemetry.Meter.Version));
        Assert.Equal(StateMachineTelemetry.ActivitySourceName, StateMachineTelemetry.ActivitySource.Name);
    }

    [Fact]
    public void Instrument_names_and_tag_keys_follow_OpenTelemetry_naming()
    {
        var instrumentName = new Regex("^perfanalyzers(\\.[a-z][a-z0-9_]*)+$");
        foreach (string name in Constants(typeof(StateMachineTelemetry.Instruments)))
        {
            Assert.Matches(instrumentName, name);
        }

        var tagKey = new Regex("^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$");
        foreach (string key in Constants(typeof(StateMachineTelemetry.Tags)))
        {
            Assert.Matches(tagKey, key);
        }

        Assert.Equal(Constants(typeof(StateMachineTelemetry.Instruments)).Count(), Constants(typeof(StateMachineTelemetry.Instruments)).Distinct().Count());
    }

    [Fact]
    public void Runtime_instruments_publish_as_documented()
    {
        // The instruments are created by StateMachineTelemetry's static constructor; touching it publishes them.
        _ = StateMachineTelemetry.Meter;
        var published = new Dictionary<string, Instrument>();
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == StateMachineTelemetry.MeterName)
                {
                    lock (published) published[instrument.Name] = instrument;
                }
            };
            listener.Start(); // reports every instrument already published
        }

        AssertInstrument<Counter<long>>(published, StateMachineTelemetry.Instruments.SloViolations, "{violation}");
        AssertInstrument<Counter<long>>(published, StateMachineTelemetry.Instruments.MemoryGrowthAlerts, "{alert}");
        AssertInstrument<Histogram<double>>(published, StateMachineTelemetry.Instruments.MemoryWindowGrowth, "1");
    }

    private static void AssertInstrument<T>(Dictionary<string, Instrument> published, string name, string unit)
    {
        Assert.True(published.TryGetValue(name, out Instrument? instrument), $"{name} was not published");
        Assert.IsType<T>(instrument);
        Assert.Equal(unit, instrument.Unit);
        Assert.False(string.IsNullOrWhiteSpace(instrument.Description));
        Assert.Same(StateMachineTelemetry.Meter, instrument.Meter);
    }

    private static IEnumerable<string> Constants(Type type)
        => type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!);
}
