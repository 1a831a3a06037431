using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.Rules;

public sealed partial class PERF002UnboundedTaskSpawningAnalyzer
{
    /// <summary><c>Parallel.ForEach(source, async x =&gt; ...)</c>: an <c>async void</c> per element.</summary>
    internal const string FormParallelForEachAsyncLambda = "ParallelForEachAsyncLambda";

    /// <summary>
    /// <c>Parallel.ForEach(source, [options,] async x =&gt; { ... })</c>: the body is an <c>async void</c> lambda, so each
    /// element's work ends its Parallel.ForEach slot at its first <c>await</c> and the rest runs unbounded (and unjoined:
    /// ForEach returns before the work ends, and an exception is thrown on the thread pool). Any
    /// <c>MaxDegreeOfParallelism</c> only limits the synchronous prefixes. Returns true when the call was Parallel.ForEach.
    /// </summary>
    private static bool AnalyzeParallelForEach(OperationAnalysisContext context, IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (method.Name != "ForEach" ||
            method.ContainingType is not { Name: "Parallel" } parallel ||
            parallel.ContainingNamespace?.ToDisplayString() != "System.Threading.Tasks")
        {
            return false;
        }

        foreach (var argument in invocation.Arguments)
        {
            var value = argument.Value;
            while (value is IConversionOperation or IDelegateCreationOperation)
            {
                value = value is IConversionOperation conversion ? conversion.Operand : ((IDelegateCreationOperation)value).Target;
            }

            if (value is IAnonymousFunctionOperation { Symbol: { IsAsync: true, ReturnsVoid: true } })
            {
                Report(context, invocation, "Parallel.ForEach with an async lambda", FormParallelForEachAsyncLambda);
                break;
            }
        }

        return true;
    }
}
