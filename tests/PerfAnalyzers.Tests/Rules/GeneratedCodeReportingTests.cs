using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// Generated code and the operation-based rules. Since the cost work of issue #18 these rules ask for
/// <c>GeneratedCodeAnalysisFlags.ReportDiagnostics</c> instead of <c>None</c> (PERF003 did so first, see
/// <see cref="PERF003GeneratedCodeTests"/>): with <c>None</c> the driver, on the first diagnostic reported in each tree,
/// looks up every declaration of the tree for <c>[GeneratedCode]</c>, and that cost was counted in the rule. The
/// diagnostics must be exactly those the rule reported with <c>None</c>: each case runs the rule as it is and the same
/// rule forced to <c>None</c> (<see cref="WithoutGeneratedCode"/>) over the same code and compares the two lists,
/// for hand-written code, <c>[GeneratedCode]</c> classes, methods, partial parts, nested types, local functions and
/// lambdas, auto-generated files and <c>#line hidden</c>.
/// </summary>
public class GeneratedCodeReportingTests
{
    private const string Usings = """
        using System;
        using System.CodeDom.Compiler;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Channels;
        using System.Threading.Tasks;
        using Microsoft.Extensions.Caching.Memory;

        """;

    private const string Attribute = "[GeneratedCode(\"tool\", \"1.0\")] ";

    // Each rule's body: one diagnostic in hand-written code. "@@" marks where each method's declaration starts.
    private const string Perf001 = """
            @@string M(List<string> items)
            {
                var s = "";
                foreach (var item in items)
                {
                    s += item;
                }
                return s;
            }
        """;

    private const string Perf002 = """
            @@void Work(int x) { }
            @@void M(List<int> items)
            {
                foreach (var x in items) Task.Run(() => Work(x));
            }
        """;

    private const string Perf004 = """
            @@long Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);
        """;

    private const string Perf005 = """
            @@int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
        """;

    private const string Perf006 = """
            @@void M(IMemoryCache cache) => cache.Set("k", 42);
        """;

    private const string Perf007 = """
            @@Channel<string> M() => Channel.CreateUnbounded<string>();
        """;

    private const string Perf009 = """
            @@List<int> M(List<int> items) => items.Where(i => i > 0).ToList().Select(i => i * 2).ToList();
        """;

    private const string Perf010 = """
            @@async Task<string> M(string url)
            {
                using var client = new System.Net.Http.HttpClient();
                return await client.GetStringAsync(url);
            }
        """;

    /// <summary>A body wrapped in a local function, optionally marked, inside a hand-written method.</summary>
    private static string InLocalFunction(string body, string attribute) =>
        "void Outer()\n{\n" + body.Replace("@@", attribute, StringComparison.Ordinal) + "\n}\n";

    /// <summary>The sources of each case (one compilation each): the file name and the text of every file.</summary>
    private static IEnumerable<(string Case, (string Path, string Text)[] Files)> Cases(string body)
    {
        string Plain(string attribute = "") => body.Replace("@@", attribute, StringComparison.Ordinal);
        yield return ("hand-written", [("C.cs", Usings + "class C\n{\n" + Plain() + "\n}\n")]);
        yield return ("[GeneratedCode] class", [("C.cs", Usings + "[GeneratedCode(\"tool\", \"1.0\")]\nclass C\n{\n" + Plain() + "\n}\n")]);
        yield return ("[GeneratedCode] method", [("C.cs", Usings + "class C\n{\n" + Plain(Attribute) + "\n}\n")]);
        yield return ("[GeneratedCode] on another partial part, same file", [("C.cs", Usings + "partial class C\n{\n" + Plain() + "\n}\n[GeneratedCode(\"tool\", \"1.0\")]\npartial class C { }\n")]);
        yield return ("[GeneratedCode] on another partial part, generated file",
            [("C.cs", Usings + "partial class C\n{\n" + Plain() + "\n}\n"), ("C.g.cs", "[System.CodeDom.Compiler.GeneratedCode(\"tool\", \"1.0\")]\npartial class C { }\n")]);
        yield return ("nested in a [GeneratedCode] class", [("C.cs", Usings + "[GeneratedCode(\"tool\", \"1.0\")]\nclass Outer\n{\n class C\n{\n" + Plain() + "\n}\n}\n")]);
        yield return ("[GeneratedCode] nested class in hand-written code", [("C.cs", Usings + "class Outer\n{\n[GeneratedCode(\"tool\", \"1.0\")]\nclass C\n{\n" + Plain() + "\n}\n}\n")]);
        yield return ("local function", [("C.cs", Usings + "class C\n{\n" + InLocalFunction(body, string.Empty) + "\n}\n")]);
        yield return ("[GeneratedCode] local function", [("C.cs", Usings + "class C\n{\n" + InLocalFunction(body, Attribute) + "\n}\n")]);
        yield return ("auto-generated header", [("C.cs", "// <auto-generated/>\n" + Usings + "class C\n{\n" + Plain() + "\n}\n")]);
        yield return ("generated file name", [("C.g.cs", Usings + "class C\n{\n" + Plain() + "\n}\n")]);
        yield return ("#line hidden", [("C.cs", Usings + "class C\n{\n#line hidden\n" + Plain() + "\n#line default\n}\n")]);
    }

    private static async Task VerifySameAsWithNone<TAnalyzer>(string body)
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        foreach (var (name, files) in Cases(body))
        {
            var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
            var compilation = CSharpCompilation.Create(
                "GeneratedCodeCase",
                files.Select(f => CSharpSyntaxTree.ParseText(f.Text, parseOptions, path: f.Path)),
                TestReferences.Default,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            Assert.True(errors.Count == 0, name + ": " + string.Join("\n", errors));

            var actual = await Describe(compilation, new TAnalyzer());
            var withNone = await Describe(compilation, new WithoutGeneratedCode(new TAnalyzer()));
            Assert.True(withNone.SequenceEqual(actual), $"{typeof(TAnalyzer).Name}, {name}:\nwith None:\n{string.Join("\n", withNone)}\nnow:\n{string.Join("\n", actual)}");
            if (name == "hand-written" || name == "local function")
            {
                Assert.True(actual.Length == 1, $"{typeof(TAnalyzer).Name}, {name}: expected one diagnostic, got:\n{string.Join("\n", actual)}");
            }
        }
    }

    private static async Task<string[]> Describe(Compilation compilation, DiagnosticAnalyzer analyzer)
    {
        var exceptions = new List<string>();
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), (e, _, _) => exceptions.Add(e.ToString()), concurrentAnalysis: false, logAnalyzerExecutionTime: false);
        var diagnostics = await new CompilationWithAnalyzers(compilation, [analyzer], options).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        Assert.Empty(exceptions);
        return diagnostics
            .Select(d => $"{d.Id} {d.Severity} {d.Location.GetLineSpan()} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToArray();
    }

    [Fact]
    public Task PERF001() => VerifySameAsWithNone<PERF001StringConcatenationInLoopAnalyzer>(Perf001);

    [Fact]
    public Task PERF002() => VerifySameAsWithNone<PERF002UnboundedTaskSpawningAnalyzer>(Perf002);

    [Fact]
    public Task PERF004() => VerifySameAsWithNone<PERF004NonTailRecursionAnalyzer>(Perf004);

    [Fact]
    public Task PERF005() => VerifySameAsWithNone<PERF005TailRecursionAnalyzer>(Perf005);

    [Fact]
    public Task PERF006() => VerifySameAsWithNone<PERF006CacheEntryWithoutExpirationAnalyzer>(Perf006);

    [Fact]
    public Task PERF007() => VerifySameAsWithNone<PERF007UnboundedQueueAnalyzer>(Perf007);

    [Fact]
    public Task PERF009() => VerifySameAsWithNone<PERF009IntermediateCollectionAnalyzer>(Perf009);

    [Fact]
    public Task PERF010() => VerifySameAsWithNone<PERF010NewHttpClientPerCallAnalyzer>(Perf010);

    /// <summary>The wrapped analyzer as it was configured before: <c>GeneratedCodeAnalysisFlags.None</c>, whatever it asks for.</summary>
#pragma warning disable RS1001, RS1025, RS1026, RS1036, RS1038, RS1041 // Test-only wrapper.
    private sealed class WithoutGeneratedCode(DiagnosticAnalyzer inner) : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => inner.SupportedDiagnostics;

        public override void Initialize(AnalysisContext context) => inner.Initialize(new Context(context));

        private sealed class Context(AnalysisContext inner) : AnalysisContext
        {
            public override void EnableConcurrentExecution() => inner.EnableConcurrentExecution();

            public override void ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags analysisMode) => inner.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);

            public override void RegisterCompilationStartAction(Action<CompilationStartAnalysisContext> action) => inner.RegisterCompilationStartAction(action);

            public override void RegisterCompilationAction(Action<CompilationAnalysisContext> action) => inner.RegisterCompilationAction(action);

            public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) => inner.RegisterSemanticModelAction(action);

            public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) => inner.RegisterSymbolAction(action, symbolKinds);

            public override void RegisterSymbolStartAction(Action<SymbolStartAnalysisContext> action, SymbolKind symbolKind) => inner.RegisterSymbolStartAction(action, symbolKind);

            public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) => inner.RegisterCodeBlockStartAction(action);

            public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => inner.RegisterCodeBlockAction(action);

            public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => inner.RegisterSyntaxTreeAction(action);

            public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) => inner.RegisterSyntaxNodeAction(action, syntaxKinds);

            public override void RegisterOperationBlockStartAction(Action<OperationBlockStartAnalysisContext> action) => inner.RegisterOperationBlockStartAction(action);

            public override void RegisterOperationBlockAction(Action<OperationBlockAnalysisContext> action) => inner.RegisterOperationBlockAction(action);

            public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds) => inner.RegisterOperationAction(action, operationKinds);
        }
    }
#pragma warning restore RS1001, RS1025, RS1026, RS1036, RS1038, RS1041
}
