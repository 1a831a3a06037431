using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF005TailRecursionAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>PERF005's message is a whole sentence that says what to do (it used to stop mid-sentence).</summary>
public class PERF005MessageTests
{
    private static DiagnosticResult Diag(string id) => Expect.Diagnostic(id);

    [Fact]
    public Task Message_is_complete_and_says_what_to_do() => Verify.VerifyAsync("""
        static class M
        {
            public static int Gcd(int a, int b) => b == 0 ? a : {|#0:Gcd(b, a % b)|};
        }
        """, Diag("PERF005").WithLocation(0).WithSeverity(DiagnosticSeverity.Info).WithMessage(
        "'Gcd' calls itself in tail position; C# does not guarantee tail calls, so deep input can overflow the stack: rewrite it as a loop, which runs in one stack frame whatever the input"));
}
