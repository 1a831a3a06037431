using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using PerfAnalyzers.Rules;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF009: removes the intermediate <c>ToList()</c>/<c>ToArray()</c> (<c>ToHashSet()</c> becomes <c>Distinct()</c>, which
/// yields the same elements in the same order), and inlines the local that held it into its one use. The final
/// materialisation the code needs stays. Fix All works on nested and chained cases: every edit finds its nodes again
/// by annotation in the current tree.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PERF009RemoveIntermediateCollectionCodeFix)), Shared]
public sealed class PERF009RemoveIntermediateCollectionCodeFix : CodeFixProvider
{
    internal const string EquivalenceKey = "PERF009.RemoveIntermediateCollection";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(PERF009IntermediateCollectionAnalyzer.RuleId);

    public override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create(async (context, document, diagnostics) => await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (Target(root, diagnostic) is null)
            {
                continue;
            }

            var title = diagnostic.Properties.TryGetValue(PERF009IntermediateCollectionAnalyzer.KindProperty, out var kind) && kind == PERF009IntermediateCollectionAnalyzer.KindLocal
                ? "Inline the local and remove the intermediate collection"
                : "Remove the intermediate collection";
            context.RegisterCodeFix(
                CodeAction.Create(title, c => FixAsync(context.Document, ImmutableArray.Create(diagnostic), c), EquivalenceKey),
                diagnostic);
        }
    }

    private sealed class Edit(SyntaxAnnotation call, SyntaxAnnotation? statement, SyntaxAnnotation? use)
    {
        public SyntaxAnnotation Call { get; } = call;

        public SyntaxAnnotation? Statement { get; } = statement;

        public SyntaxAnnotation? Use { get; } = use;
    }

    /// <summary>The materialising call, and for a local its declaration statement and its one use; null when there is no fix.</summary>
    private static (InvocationExpressionSyntax Call, LocalDeclarationStatementSyntax? Statement, IdentifierNameSyntax? Use)? Target(SyntaxNode root, Diagnostic diagnostic)
    {
        if (diagnostic.Properties.ContainsKey(PERF009IntermediateCollectionAnalyzer.NoFixProperty))
        {
            return null;
        }

        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        var call = node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
        if (call is null || Receiver(call) is null)
        {
            return null;
        }

        if (!diagnostic.Properties.TryGetValue(PERF009IntermediateCollectionAnalyzer.KindProperty, out var kind) || kind != PERF009IntermediateCollectionAnalyzer.KindLocal)
        {
            return (call, null, null);
        }

        if (diagnostic.AdditionalLocations.Count != 1 ||
            call.Parent is not EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Parent: LocalDeclarationStatementSyntax statement } } } ||
            root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true) is not IdentifierNameSyntax use)
        {
            return null;
        }

        return (call, statement, use);
    }

    /// <summary>What the call materialises: the receiver of <c>x.ToList()</c>, or the argument of <c>Enumerable.ToList(x)</c>.</summary>
    private static ExpressionSyntax? Receiver(InvocationExpressionSyntax call)
    {
        if (call.Expression is MemberAccessExpressionSyntax access)
        {
            // Enumerable.ToList(x): the static form.
            if (call.ArgumentList.Arguments.Count >= 1 && access.Expression is IdentifierNameSyntax { Identifier.ValueText: "Enumerable" } or MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Enumerable" })
            {
                return call.ArgumentList.Arguments[0].Expression;
            }

            return access.Expression;
        }

        return call.ArgumentList.Arguments.Count >= 1 ? call.ArgumentList.Arguments[0].Expression : null;
    }

    private static string Name(InvocationExpressionSyntax call) => call.Expression switch
    {
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        SimpleNameSyntax name => name.Identifier.ValueText,
        _ => string.Empty,
    };

    private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var edits = new List<Edit>();
        var annotate = new Dictionary<SyntaxNode, SyntaxAnnotation>();
        foreach (var diagnostic in diagnostics)
        {
            if (Target(root, diagnostic) is not { } target)
            {
                continue;
            }

            var call = Annotation(annotate, target.Call);
            var statement = target.Statement is null ? null : Annotation(annotate, target.Statement);
            var use = target.Use is null ? null : Annotation(annotate, target.Use);
            edits.Add(new Edit(call, statement, use));
        }

        if (edits.Count == 0)
        {
            return document;
        }

        root = root.ReplaceNodes(annotate.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(annotate[original]));
        foreach (var edit in edits)
        {
            root = Apply(root, edit) ?? root;
        }

        return document.WithSyntaxRoot(root);
    }

    private static SyntaxAnnotation Annotation(Dictionary<SyntaxNode, SyntaxAnnotation> annotate, SyntaxNode node)
    {
        if (!annotate.TryGetValue(node, out var annotation))
        {
            annotation = new SyntaxAnnotation("PERF009");
            annotate.Add(node, annotation);
        }

        return annotation;
    }

    private static SyntaxNode? Apply(SyntaxNode root, Edit edit)
    {
        if (root.GetAnnotatedNodes(edit.Call).FirstOrDefault() is not InvocationExpressionSyntax call || Receiver(call) is not { } receiver)
        {
            return null;
        }

        if (edit.Statement is null)
        {
            return root.ReplaceNode(call, Replacement(call, receiver).WithTriviaFrom(call));
        }

        if (root.GetAnnotatedNodes(edit.Statement).FirstOrDefault() is not LocalDeclarationStatementSyntax statement ||
            root.GetAnnotatedNodes(edit.Use!).FirstOrDefault() is not IdentifierNameSyntax use)
        {
            return null;
        }

        var inlined = Parenthesize(Replacement(call, receiver)).WithTriviaFrom(use);
        root = root.ReplaceNode(use, inlined);
        var current = root.GetAnnotatedNodes(edit.Statement).FirstOrDefault();
        return current is null ? null : root.RemoveNode(current, SyntaxRemoveOptions.KeepNoTrivia);
    }

    /// <summary>The receiver, or for <c>ToHashSet</c> the receiver with <c>Distinct</c> (same comparer, same order).</summary>
    private static ExpressionSyntax Replacement(InvocationExpressionSyntax call, ExpressionSyntax receiver)
    {
        receiver = receiver.WithoutTrivia();
        if (Name(call) != "ToHashSet")
        {
            return receiver;
        }

        var isStaticForm = call.Expression is not MemberAccessExpressionSyntax access || access.Expression.WithoutTrivia().ToString() != receiver.ToString();
        var arguments = isStaticForm
            ? SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(call.ArgumentList.Arguments.Skip(1)))
            : call.ArgumentList;

        return SyntaxFactory.InvocationExpression(
            SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, Parenthesize(receiver), SyntaxFactory.IdentifierName("Distinct")),
            arguments.WithoutTrivia());
    }

    private static ExpressionSyntax Parenthesize(ExpressionSyntax expression) => expression switch
    {
        IdentifierNameSyntax or GenericNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or ElementAccessExpressionSyntax
            or ParenthesizedExpressionSyntax or ThisExpressionSyntax or BaseExpressionSyntax or LiteralExpressionSyntax
            or ObjectCreationExpressionSyntax or ArrayCreationExpressionSyntax or ImplicitArrayCreationExpressionSyntax => expression,
        _ => SyntaxFactory.ParenthesizedExpression(expression),
    };
}
