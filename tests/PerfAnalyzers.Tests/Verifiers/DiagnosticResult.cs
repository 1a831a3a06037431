using Microsoft.CodeAnalysis;

namespace PerfAnalyzers.Tests.Verifiers;

/// <summary>An expected diagnostic: its ID and where (a markup marker or an explicit span), optionally its message arguments, message and severity.</summary>
public sealed record DiagnosticResult
{
    public DiagnosticResult(string id) => Id = id;

    public string Id { get; init; }

    /// <summary>The <c>{|#n:...|}</c> marker that gives the location.</summary>
    public int? Marker { get; init; }

    /// <summary>Explicit location: 1-based line and column of start and end, in <see cref="DocumentIndex"/>.</summary>
    public (int StartLine, int StartColumn, int EndLine, int EndColumn)? LineSpan { get; init; }

    public int DocumentIndex { get; init; }

    public object?[]? Arguments { get; init; }

    public string? Message { get; init; }

    public DiagnosticSeverity? Severity { get; init; }

    public DiagnosticResult WithLocation(int marker) => this with { Marker = marker };

    public DiagnosticResult WithSpan(int startLine, int startColumn, int endLine, int endColumn, int documentIndex = 0) =>
        this with { LineSpan = (startLine, startColumn, endLine, endColumn), DocumentIndex = documentIndex };

    public DiagnosticResult WithArguments(params object?[] arguments) => this with { Arguments = arguments };

    public DiagnosticResult WithMessage(string message) => this with { Message = message };

    public DiagnosticResult WithSeverity(DiagnosticSeverity severity) => this with { Severity = severity };
}
