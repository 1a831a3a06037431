using System.Diagnostics.Metrics;
using System.Reflection;
using System.Text.RegularExpressions;
using PerfAnalyzers.Runtime.StateMachines;
using PerfAnalyzers.Runtime.Telemetry;

namespace PerfAnalyzers.Runtime.Tests.Telemetry;

[Collection(SerialTelemetryCollection.Name)] // listeners and allocation counts must not overlap other such tests
public class MeterConventionTests
{
    [Fact]
    public void Meter_name_is_dotted_upper_camel_case()
    {
        Assert.Matches(new Regex("^[A-Z][A-Za-z0-9]*(\\.[A-Z][A-Za-z0-9]*)+$"), TelemetryNames.MeterName);
        Assert.Equal("PerfAnalyzers.StateMachines", TelemetryNames.MeterName);
        Assert.Equal(TelemetryNames.MeterName, TelemetryInstruments.Meter.Name);
        Assert.Same(StateMachineTelemetry.Meter, TelemetryInstruments.Meter); // one Meter for the state machines and telemetry
        Assert.False(string.IsNullOrEmpty(TelemetryInstruments.Meter.Version));
    }

    [Fact]
    public void Instrument_names_and_tag_keys_follow_OpenTelemetry_naming()
    {
        string[] names = Constants(typeof(TelemetryNames)).Where(c => c != TelemetryNames.MeterName).ToArray();
        var lowerDotted = new Regex("^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$");
        Assert.All(names, name => Assert.Matches(lowerDotted, name));
        Assert.Equal(names.Length, names.Distinct().Count());
    }

    [Fact]
    public void Instruments_publish_as_documented()
    {
        _ = TelemetryInstruments.SloViolations; // creates the instruments
        var published = new Dictionary<string, Instrument>();
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == TelemetryNames.MeterName)
                {
                    lock (published) published[instrument.Name] = instrument;
                }
            };
            listener.Start(); // reports every instrument already published
        }

        AssertInstrument<Counter<long>>(published, TelemetryNames.SloViolations, "{violation}");
        AssertInstrument<Counter<long>>(published, TelemetryNames.MemoryGrowthAlerts, "{alert}");
        AssertInstrument<Histogram<double>>(published, TelemetryNames.MemoryWindowGrowth, "1");
    }

    private static void AssertInstrument<T>(Dictionary<string, Instrument> published, string name, string unit)
    {
        Assert.True(published.TryGetValue(name, out Instrument? instrument), $"{name} was not published");
        Assert.Same(StateMachineTelemetry.Meter, instrument.Meter);
        Assert.IsType<T>(instrument);
        Assert.Equal(unit, instrument.Unit);
        Assert.False(string.IsNullOrWhiteSpace(instrument.Description));
    }

    private static IEnumerable<string> Constants(Type type)
        => type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!);
}
