using System;
using Microsoft.CodeAnalysis;

namespace PerfAnalyzers.StateMachines;

/// <summary>
/// Where <see cref="StateMachineParser"/> puts what it finds. <see cref="StateMachineAnalyzer"/> passes one that reports;
/// the generator passes <see cref="None"/>, which drops everything and tells the parser to skip the checks that only
/// produce diagnostics (PERFSM005, PERFSM006), so the generator neither reports nor pays for them.
/// </summary>
internal sealed class StateMachineDiagnosticSink(Action<Diagnostic>? report)
{
    public static readonly StateMachineDiagnosticSink None = new(null);

    public bool IsEnabled => report is not null;

    public void Add(Diagnostic diagnostic) => report?.Invoke(diagnostic);
}
