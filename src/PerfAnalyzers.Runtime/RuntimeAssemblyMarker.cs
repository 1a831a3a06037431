namespace PerfAnalyzers.Runtime;

/// <summary>Identifies the PerfAnalyzers.Runtime assembly (for tooling that needs a type from it); it has no behaviour.</summary>
public static class RuntimeAssemblyMarker
{
}
