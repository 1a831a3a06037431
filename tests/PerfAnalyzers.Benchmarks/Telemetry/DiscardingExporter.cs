using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace PerfAnalyzers.Benchmarks;

/// <summary>An OpenTelemetry metric exporter that drops every batch: benchmarks measure recording, not exporting.</summary>
internal sealed class DiscardingExporter : BaseExporter<Metric>
{
    public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
}
