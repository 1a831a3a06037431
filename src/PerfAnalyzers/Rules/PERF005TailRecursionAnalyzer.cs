using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.Common;

namespace PerfAnalyzers.Rules;

/// <summary>
/// PERF005: a method or local function calls itself in tail position (<c>return F(..)</c>, or a <c>void</c> method's
/// last action). C# does not guarantee tail calls, so the depth is one frame per step. Halving recursion (logarithmic
/// depth), tree recursion, calls whose depth does not grow with the input and walks up a hierarchy are not reported
/// (see <see cref="RecursionDepth"/>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PERF005TailRecursionAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Descriptors.PERF005TailRecursion);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        // Generated code is not analysed (the driver skips it); ReportDiagnostics spares the per-tree [GeneratedCode] lookup on
        // the first diagnostic of each tree. The diagnostics lie in the analysed operation, so the same are reported (issue #18).
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.RegisterOperationAction(Analyze, OperationKind.MethodBody, OperationKind.LocalFunction);
    }

    private static void Analyze(OperationAnalysisContext context)
    {
        if (!Recursion.TryAnalyze(context.Operation, context.ContainingSymbol as IMethodSymbol, out var info) || !info.IsLinear)
        {
            return;
        }

        foreach (var call in info.Calls)
        {
            // Calls whose depth does not grow with the input, and walks up a hierarchy (this rule is already a suggestion), are not reported.
            if (call.IsTail && !call.Halves && RecursionDepth.Classify(call, info, context.Options, "PERF005") == SelfCallDepth.GrowsWithInput)
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.PERF005TailRecursion, call.Invocation.Syntax.GetLocation(), info.Method.Name));
            }
        }
    }
}
