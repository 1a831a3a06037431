namespace PerfAnalyzers.CodeFixes;

/// <summary>Identifies the code fix assembly for tests and tooling; it has no behaviour.</summary>
internal static class CodeFixesAssemblyMarker
{
}
