using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace PerfAnalyzers.Tests.VerifierTests;

/// <summary>A tiny rule for testing the verifier: reports the integer literal 42 (or the value of option <c>perf_analyzers.TEST001.forbidden</c>).</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ForbiddenLiteralAnalyzer : DiagnosticAnalyzer
{
    public static readonly DiagnosticDescriptor Rule = new("TEST001", "Forbidden literal", "Literal {0} is forbidden", "Test", DiagnosticSeverity.Warning, true);

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSyntaxNodeAction(Analyze, SyntaxKind.NumericLiteralExpression);
    }

    private static void Analyze(SyntaxNodeAnalysisContext context)
    {
        var forbidden = PerfAnalyzers.Common.RuleOptions.GetInt32(context.Options, context.Node.SyntaxTree, "TEST001", "forbidden", 42);
        var literal = (LiteralExpressionSyntax)context.Node;
        if (literal.Token.Value is int value && value == forbidden)
        {
            context.ReportDiagnostic(Diagnostic.Create(Rule, literal.GetLocation(), value));
        }
    }
}

/// <summary>Throws on every literal: the verifier must turn that into a failure (AD0001).</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ThrowingAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(ForbiddenLiteralAnalyzer.Rule);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterSyntaxNodeAction(_ => throw new InvalidOperationException("boom"), SyntaxKind.NumericLiteralExpression);
    }
}

/// <summary>Replaces the literal with 40 + 2 spelled as <c>40</c>: a correct fix with a batch Fix All.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp), Shared]
public class ReplaceLiteralFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create("TEST001");

    public override FixAllProvider? GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    protected virtual string Replacement => "40";

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken);
        if (root?.FindNode(context.Span, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal)
        {
            return;
        }

        context.RegisterCodeFix(
            CodeAction.Create(
                "Replace literal",
                _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(literal, SyntaxFactory.ParseExpression(Replacement).WithTriviaFrom(literal)))),
                equivalenceKey: "TEST001_Replace"),
            context.Diagnostics);
    }
}

/// <summary>A wrong fix: its output does not compile.</summary>
public sealed class NonCompilingFix : ReplaceLiteralFix
{
    protected override string Replacement => "\"forty\"";
}

/// <summary>A wrong Fix All: it fixes only the diagnostic it was invoked on.</summary>
public sealed class FirstOnlyFixAll : ReplaceLiteralFix
{
    public override FixAllProvider? GetFixAllProvider() => new OnlyFirst();

    private sealed class OnlyFirst : FixAllProvider
    {
        public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            var document = fixAllContext.Document!;
            var diagnostics = await fixAllContext.GetDocumentDiagnosticsAsync(document);
            var first = diagnostics.OrderBy(d => d.Location.SourceSpan.Start).First();
            var root = (await document.GetSyntaxRootAsync())!;
            var literal = (LiteralExpressionSyntax)root!.FindNode(first.Location.SourceSpan, getInnermostNodeForTie: true);
            return CodeAction.Create("Fix first", _ => Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(literal, SyntaxFactory.ParseExpression("40").WithTriviaFrom(literal)))), "TEST001_Replace");
        }
    }
}
