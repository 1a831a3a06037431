using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.Common;

namespace PerfAnalyzers.Rules;

/// <summary>
/// PERF004: a method or local function calls itself and uses the result (or does more work) after the call, with a
/// depth that grows linearly with the input. Halving recursion (logarithmic depth) is never reported; tree recursion
/// (depth = height of the tree, including a call per element of a loop) only with
/// <c>perf_analyzers.PERF004.include_tree_recursion = true</c>. Calls whose depth does not grow with the input are not
/// reported, and walks up a hierarchy are reported at Info (see <see cref="RecursionDepth"/>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PERF004NonTailRecursionAnalyzer : DiagnosticAnalyzer
{
    internal const string IncludeTreeRecursionOption = "include_tree_recursion";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Descriptors.PERF004NonTailRecursion);

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
        if (!Recursion.TryAnalyze(context.Operation, context.ContainingSymbol as IMethodSymbol, out var info))
        {
            return;
        }

        var includeTree = RuleOptions.GetBoolean(context.Options, context.Operation.Syntax.SyntaxTree, "PERF004", IncludeTreeRecursionOption, false);
        if (!info.IsLinear && !includeTree)
        {
            return;
        }

        foreach (var call in info.Calls)
        {
            if (call.IsTail || call.Halves)
            {
                continue;
            }

            // A call per element of a loop is tree recursion, even when it also steps a counter (Write(array, dim + 1)).
            if (!includeTree && RecursionDepth.IsInsideLoop(call, info))
            {
                continue;
            }

            switch (RecursionDepth.Classify(call, info, context.Options, "PERF004"))
            {
                case SelfCallDepth.GrowsWithInput:
                    var severity = TestProjects.LowerInTestCode(
                        Descriptors.PERF004NonTailRecursion.DefaultSeverity, context.Options, call.Invocation.Syntax.SyntaxTree, context.ContainingSymbol);
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.PERF004NonTailRecursion, call.Invocation.Syntax.GetLocation(), severity, additionalLocations: null, properties: null, info.Method.Name));
                    break;
                case SelfCallDepth.Hierarchy:
                    // A walk up a hierarchy (Parent, BaseType, InnerException, ...) is shallow by nature: a suggestion, not a warning.
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.PERF004NonTailRecursion, call.Invocation.Syntax.GetLocation(), DiagnosticSeverity.Info, additionalLocations: null, properties: null, info.Method.Name));
                    break;
            }
        }
    }
}
