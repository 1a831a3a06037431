using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using PerfAnalyzers.Common;

namespace PerfAnalyzers.Rules;

/// <summary>
/// PERF004: a method or local function calls itself and uses the result (or does more work) after the call, with a
/// depth that grows linearly with the input. Halving recursion (logarithmic depth) is never reported; tree recursion
/// (depth = height of the tree) only with <c>perf_analyzers.PERF004.include_tree_recursion = true</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PERF004NonTailRecursionAnalyzer : DiagnosticAnalyzer
{
    internal const string IncludeTreeRecursionOption = "include_tree_recursion";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Descriptors.PERF004NonTailRecursion);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterOperationAction(Analyze, OperationKind.MethodBody, OperationKind.LocalFunction);
    }

    private static void Analyze(OperationAnalysisContext context)
    {
        if (!Recursion.TryAnalyze(context.Operation, context.ContainingSymbol as IMethodSymbol, out var info))
        {
            return;
        }

        if (!info.IsLinear && !RuleOptions.GetBoolean(context.Options, context.Operation.Syntax.SyntaxTree, "PERF004", IncludeTreeRecursionOption, false))
        {
            return;
        }

        foreach (var call in info.Calls)
        {
            if (!call.IsTail && !call.Halves)
            {
                context.ReportDiagnostic(Diagnostic.Create(Descriptors.PERF004NonTailRecursion, call.Invocation.Syntax.GetLocation(), info.Method.Name));
            }
        }
    }
}
