using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace PerfAnalyzers.Tests.Verifiers;

/// <summary>
/// Expected diagnostics of our rules by ID, with the descriptor's default severity (the testing library checks the
/// severity of every explicit expectation; where a rule lowers it, add <c>.WithSeverity(...)</c>). The message is
/// checked only when the test gives it (<c>WithArguments</c>, <c>WithMessage</c>). Additional locations are not checked
/// (as for markup; some rules pass the reported node again for their fix).
/// </summary>
public static class Expect
{
    private static readonly Lazy<ImmutableDictionary<string, DiagnosticDescriptor>> s_descriptors = new(() =>
    {
        var builder = ImmutableDictionary.CreateBuilder<string, DiagnosticDescriptor>();
        foreach (var type in typeof(PerfAnalyzers.Rules.PERF001StringConcatenationInLoopAnalyzer).Assembly.GetTypes())
        {
            if (!type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type) && type.GetConstructor(Type.EmptyTypes) is not null)
            {
                foreach (var descriptor in ((DiagnosticAnalyzer)Activator.CreateInstance(type)!).SupportedDiagnostics)
                {
                    builder[descriptor.Id] = descriptor;
                }
            }
        }

        return builder.ToImmutable();
    });

    /// <summary>A diagnostic of any PerfAnalyzers rule (PERF…, PERFSM…), at its descriptor's default severity.</summary>
    public static DiagnosticResult Diagnostic(string id) =>
        s_descriptors.Value.TryGetValue(id, out var descriptor)
            ? new DiagnosticResult(descriptor.Id, descriptor.DefaultSeverity).WithOptions(DiagnosticOptions.IgnoreAdditionalLocations)
            : throw new ArgumentException($"No PerfAnalyzers analyzer supports {id}; use DiagnosticResult.CompilerError/CompilerWarning for compiler diagnostics.", nameof(id));
}
