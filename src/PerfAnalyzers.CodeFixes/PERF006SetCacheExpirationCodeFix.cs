using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using PerfAnalyzers.CodeFixes.Common;
using PerfAnalyzers.Rules;
using static Microsoft.CodeAnalysis.CSharp.SyntaxFactory;
using Kinds = PerfAnalyzers.Rules.PERF006CacheEntryWithoutExpirationAnalyzer.FixKinds;
using Rule = PerfAnalyzers.Rules.PERF006CacheEntryWithoutExpirationAnalyzer;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF006: gives the cache entry an explicit time to live (<c>perf_analyzers.default_cache_ttl</c>, default 5 minutes),
/// in the form the write already uses: an extra argument, an options/policy initializer member, a first statement in the
/// GetOrCreate factory, <c>.SetAbsoluteExpiration(...)</c> on a created entry, or <c>DateTimeOffset.UtcNow.Add(...)</c>
/// in place of an infinite absolute expiration.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PERF006SetCacheExpirationCodeFix)), Shared]
public sealed class PERF006SetCacheExpirationCodeFix : CodeFixProvider
{
    internal const string EquivalenceKey = "PERF006_SetExpiration";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(Rule.RuleId);

    public override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create(async (context, document, diagnostics) => await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!TryGetFix(diagnostic, out _, out var ttl))
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Expire the entry after " + TimeSpanSyntax.ToCode(ttl),
                    ct => FixAsync(context.Document, ImmutableArray.Create(diagnostic), ct),
                    EquivalenceKey),
                diagnostic);
        }

        return Task.CompletedTask;
    }

    private static bool TryGetFix(Diagnostic diagnostic, out string kind, out TimeSpan ttl)
    {
        kind = string.Empty;
        ttl = Rule.DefaultTtl;
        if (diagnostic.AdditionalLocations.Count != 1 ||
            !diagnostic.Properties.TryGetValue(Rule.FixKindProperty, out var fixKind) || fixKind is null)
        {
            return false;
        }

        if (diagnostic.Properties.TryGetValue(Rule.TtlTicksProperty, out var ticksText) &&
            long.TryParse(ticksText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ticks) && ticks > 0)
        {
            ttl = TimeSpan.FromTicks(ticks);
        }

        kind = fixKind;
        return true;
    }

    private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var editor = new SyntaxEditor(root, document.Project.Solution.Workspace.Services);
        var done = new HashSet<SyntaxNode>();
        foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
        {
            if (!TryGetFix(diagnostic, out var kind, out var ttl))
            {
                continue;
            }

            var target = root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true);
            if (!done.Add(target))
            {
                // Several writes share one options object or policy: it is fixed once.
                continue;
            }

            var names = new Names(model, target.SpanStart);
            var ttlCode = TimeSpanSyntax.ToCode(ttl, names.Get("System", "TimeSpan"));
            var utcNowPlusTtl = names.Get("System", "DateTimeOffset") + ".UtcNow.Add(" + ttlCode + ")";
            switch (kind)
            {
                case Kinds.AddRelativeExpirationArgument when target is InvocationExpressionSyntax:
                    editor.ReplaceNode(target, (current, _) => AddArgument((InvocationExpressionSyntax)current, ttlCode, "absoluteExpirationRelativeToNow", insertAfter: -1));
                    break;

                case Kinds.AddDistributedOptionsArgument when target is InvocationExpressionSyntax:
                    var after = diagnostic.Properties.TryGetValue(Rule.InsertAfterArgumentProperty, out var afterText) &&
                                int.TryParse(afterText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index) ? index : -1;
                    var options = "new " + names.Get("Microsoft.Extensions.Caching.Distributed", "DistributedCacheEntryOptions") + " { AbsoluteExpirationRelativeToNow = " + ttlCode + " }";
                    editor.ReplaceNode(target, (current, _) => AddArgument((InvocationExpressionSyntax)current, options, "options", after));
                    break;

                case Kinds.AddToInitializer when target is BaseObjectCreationExpressionSyntax:
                    var member = diagnostic.Properties.TryGetValue(Rule.MemberProperty, out var memberName) && memberName is not null ? memberName : "AbsoluteExpirationRelativeToNow";
                    var value = member == "AbsoluteExpiration" ? utcNowPlusTtl : ttlCode;
                    editor.ReplaceNode(target, (current, _) => AddInitializerMember((BaseObjectCreationExpressionSyntax)current, member, value));
                    break;

                case Kinds.ReplaceInfinite when target is ExpressionSyntax:
                    editor.ReplaceNode(target, (current, _) => ParseExpression(utcNowPlusTtl).WithTriviaFrom(current));
                    break;

                case Kinds.SetInFactory when target is LambdaExpressionSyntax:
                    var indentation = LineIndentation(target.SyntaxTree, target is LambdaExpressionSyntax { Block: { } existingBlock } ? existingBlock.OpenBraceToken.SpanStart : target.SpanStart);
                    var endOfLine = LineBreak(root, target.SpanStart);
                    editor.ReplaceNode(target, (current, _) => SetInFactory((LambdaExpressionSyntax)current, ttlCode, indentation, endOfLine));
                    break;

                case Kinds.AppendSetAbsoluteExpiration when target is InvocationExpressionSyntax createEntry:
                    var extensionInScope = IsSetAbsoluteExpirationInScope(model, createEntry, cancellationToken);
                    var extensionClass = names.Get("Microsoft.Extensions.Caching.Memory", "CacheEntryExtensions");
                    editor.ReplaceNode(target, (current, _) => AppendSetAbsoluteExpiration((ExpressionSyntax)current, ttlCode, extensionInScope, extensionClass));
                    break;
            }
        }

        // Names and layout are decided here (short names where they bind, explicit indentation) rather than left to the
        // host's simplifier and formatter, so that the one-by-one fix and Fix All give the same text in every host.
        return document.WithSyntaxRoot(editor.GetChangedRoot());
    }

    /// <summary>Spells a type by its simple name where that name binds to it at the fix position, else fully qualified.</summary>
    private readonly struct Names
    {
        private readonly SemanticModel _model;
        private readonly int _position;

        public Names(SemanticModel model, int position)
        {
            _model = model;
            _position = position;
        }

        public string Get(string ns, string name)
        {
            var found = _model.LookupNamespacesAndTypes(_position, name: name);
            return found.Length == 1 && found[0] is INamedTypeSymbol type && type.ToDisplayString() == ns + "." + name
                ? name
                : ns + "." + name;
        }
    }

    private static string LineIndentation(SyntaxTree tree, int position)
    {
        var text = tree.GetText();
        var line = text.Lines.GetLineFromPosition(position);
        var end = line.Start;
        while (end < line.End && (text[end] == ' ' || text[end] == '\t'))
        {
            end++;
        }

        return text.ToString(new Microsoft.CodeAnalysis.Text.TextSpan(line.Start, end - line.Start));
    }

    /// <summary>The line break ending the line at <paramref name="position"/>, else the document's first one.</summary>
    private static string LineBreak(SyntaxNode root, int position)
    {
        var text = root.SyntaxTree.GetText();
        var line = text.Lines.GetLineFromPosition(position);
        if (line.EndIncludingLineBreak > line.End)
        {
            return text.ToString(Microsoft.CodeAnalysis.Text.TextSpan.FromBounds(line.End, line.EndIncludingLineBreak));
        }


        foreach (var trivia in root.DescendantTrivia())
        {
            if (trivia.IsKind(SyntaxKind.EndOfLineTrivia))
            {
                return trivia.ToString();
            }
        }

        return "\n";
    }

    private static SyntaxNode AddArgument(InvocationExpressionSyntax invocation, string code, string parameterName, int insertAfter)
    {
        var arguments = invocation.ArgumentList.Arguments;
        var argument = Argument(ParseExpression(code));
        var named = arguments.Any(a => a.NameColon is not null);
        if (named)
        {
            argument = argument.WithNameColon(NameColon(IdentifierName(parameterName)));
        }

        var position = named || insertAfter < 0 || insertAfter >= arguments.Count ? arguments.Count : insertAfter + 1;
        return invocation.WithArgumentList(invocation.ArgumentList.WithArguments(arguments.Insert(position, argument)));
    }

    private static SyntaxNode AddInitializerMember(BaseObjectCreationExpressionSyntax creation, string member, string valueCode)
    {
        var assignment = (ExpressionSyntax)ParseExpression(member + " = " + valueCode);
        var initializer = creation.Initializer;
        if (initializer is null)
        {
            var newInitializer = InitializerExpression(
                SyntaxKind.ObjectInitializerExpression,
                Token(default, SyntaxKind.OpenBraceToken, default).WithTrailingTrivia(Space),
                SingletonSeparatedList(assignment.WithTrailingTrivia(Space)),
                Token(default, SyntaxKind.CloseBraceToken, default));
            BaseObjectCreationExpressionSyntax created;
            if (creation is ObjectCreationExpressionSyntax explicitType && explicitType.ArgumentList is null or { Arguments.Count: 0 })
            {
                // new Options() { X = ... } reads better without the empty parentheses.
                created = explicitType.WithArgumentList(null).WithType(explicitType.Type.WithoutTrailingTrivia().WithTrailingTrivia(Space));
            }
            else
            {
                created = creation.WithArgumentList(creation.ArgumentList?.WithoutTrailingTrivia().WithTrailingTrivia(Space));
            }

            return created.WithInitializer(newInitializer.WithTrailingTrivia(creation.GetTrailingTrivia()));
        }

        var expressions = initializer.Expressions;
        if (expressions.Count == 0)
        {
            return creation.WithInitializer(initializer.WithExpressions(SingletonSeparatedList(assignment.WithTrailingTrivia(Space))));
        }

        var multiLine = initializer.OpenBraceToken.TrailingTrivia.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        var last = expressions[expressions.Count - 1];
        var nodesAndTokens = new List<SyntaxNodeOrToken>();
        var existing = expressions.GetWithSeparators();
        var hasTrailingSeparator = expressions.SeparatorCount == expressions.Count;
        if (multiLine)
        {
            var newItem = assignment.WithLeadingTrivia(last.GetLeadingTrivia());
            if (hasTrailingSeparator)
            {
                var trailingComma = existing[existing.Count - 1].AsToken();
                nodesAndTokens.AddRange(existing);
                nodesAndTokens.Add(newItem);
                nodesAndTokens.Add(Token(default, SyntaxKind.CommaToken, default).WithTrailingTrivia(trailingComma.TrailingTrivia));
            }
            else
            {
                for (var i = 0; i < existing.Count - 1; i++)
                {
                    nodesAndTokens.Add(existing[i]);
                }

                nodesAndTokens.Add(last.WithoutTrailingTrivia());
                nodesAndTokens.Add(Token(default, SyntaxKind.CommaToken, default).WithTrailingTrivia(last.GetTrailingTrivia()));
                nodesAndTokens.Add(newItem.WithTrailingTrivia(last.GetTrailingTrivia()));
            }

            return creation.WithInitializer(initializer.WithExpressions(SeparatedList<ExpressionSyntax>(nodesAndTokens)));
        }

        nodesAndTokens.AddRange(existing);
        if (hasTrailingSeparator)
        {
            nodesAndTokens.Add(assignment.WithLeadingTrivia(Space));
        }
        else
        {
            var trailing = last.GetTrailingTrivia();
            nodesAndTokens[nodesAndTokens.Count - 1] = last.WithoutTrailingTrivia();
            nodesAndTokens.Add(Token(default, SyntaxKind.CommaToken, default).WithTrailingTrivia(Space));
            nodesAndTokens.Add(assignment.WithTrailingTrivia(trailing));
        }

        return creation.WithInitializer(initializer.WithExpressions(SeparatedList<ExpressionSyntax>(nodesAndTokens)));
    }

    private static SyntaxNode SetInFactory(LambdaExpressionSyntax lambda, string ttlCode, string indentation, string endOfLine)
    {
        var parameter = lambda switch
        {
            SimpleLambdaExpressionSyntax simple => simple.Parameter.Identifier.ValueText,
            ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 } parenthesized => parenthesized.ParameterList.Parameters[0].Identifier.ValueText,
            _ => null,
        };
        if (parameter is null)
        {
            return lambda;
        }

        // `_ => Load()`: the entry gets a name, `entry => { entry.AbsoluteExpirationRelativeToNow = ...; ... }`, rather
        // than `_.AbsoluteExpirationRelativeToNow` (unless the body itself uses `_` or every candidate name).
        if (parameter == "_")
        {
            var used = new HashSet<string>(lambda.Body.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
            var name = new[] { "entry", "cacheEntry" }.FirstOrDefault(n => !used.Contains(n));
            if (!used.Contains("_") && name is not null)
            {
                parameter = name;
                lambda = lambda switch
                {
                    SimpleLambdaExpressionSyntax simple => simple.WithParameter(simple.Parameter.WithIdentifier(Identifier(name).WithTriviaFrom(simple.Parameter.Identifier))),
                    ParenthesizedLambdaExpressionSyntax parenthesized => parenthesized.WithParameterList(parenthesized.ParameterList.WithParameters(
                        SingletonSeparatedList(parenthesized.ParameterList.Parameters[0].WithIdentifier(Identifier(name).WithTriviaFrom(parenthesized.ParameterList.Parameters[0].Identifier))))),
                    _ => lambda,
                };
            }
        }

        var unit = indentation.IndexOf('\t') >= 0 ? "\t" : "    ";
        var eol = SyntaxFactory.EndOfLine(endOfLine);
        var setExpiration = ParseStatement(parameter + ".AbsoluteExpirationRelativeToNow = " + ttlCode + ";")
            .WithLeadingTrivia(Indent(indentation + unit))
            .WithTrailingTrivia(eol);
        if (lambda.Block is { } block)
        {
            return lambda.WithBlock(block.WithStatements(block.Statements.Insert(0, setExpiration)));
        }

        if (lambda.ExpressionBody is not { } body)
        {
            return lambda;
        }

        var returnStatement = ReturnStatement(Token(default, SyntaxKind.ReturnKeyword, default).WithTrailingTrivia(Space), body.WithoutTrivia(), Token(default, SyntaxKind.SemicolonToken, default))
            .WithLeadingTrivia(Indent(indentation + unit))
            .WithTrailingTrivia(eol);
        var newBlock = Block(
                Token(default, SyntaxKind.OpenBraceToken, default).WithLeadingTrivia(Indent(indentation)).WithTrailingTrivia(eol),
                List(new StatementSyntax[] { setExpiration, returnStatement }),
                Token(default, SyntaxKind.CloseBraceToken, default).WithLeadingTrivia(Indent(indentation)))
            .WithTrailingTrivia(body.GetTrailingTrivia());
        return lambda
            .WithExpressionBody(null)
            .WithArrowToken(lambda.ArrowToken.WithTrailingTrivia(eol))
            .WithBlock(newBlock);
    }

    private static SyntaxTriviaList Indent(string whitespace) =>
        whitespace.Length == 0 ? default : TriviaList(Whitespace(whitespace));

    private static SyntaxNode AppendSetAbsoluteExpiration(ExpressionSyntax createEntry, string ttlCode, bool extensionInScope, string extensionClass)
    {
        var bare = createEntry.WithoutTrivia();
        ExpressionSyntax result = extensionInScope
            ? InvocationExpression(
                MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, bare, Token(default, SyntaxKind.DotToken, default), IdentifierName("SetAbsoluteExpiration")),
                ArgumentList(Token(default, SyntaxKind.OpenParenToken, default), SingletonSeparatedList(Argument(ParseExpression(ttlCode))), Token(default, SyntaxKind.CloseParenToken, default)))
            : InvocationExpression(
                ParseExpression(extensionClass + ".SetAbsoluteExpiration"),
                ArgumentList(
                    Token(default, SyntaxKind.OpenParenToken, default),
                    SeparatedList(new[] { Argument(bare), Argument(ParseExpression(ttlCode)) }, new[] { Token(default, SyntaxKind.CommaToken, default).WithTrailingTrivia(Space) }),
                    Token(default, SyntaxKind.CloseParenToken, default)));
        return result.WithTriviaFrom(createEntry);
    }

    private static bool IsSetAbsoluteExpirationInScope(SemanticModel model, InvocationExpressionSyntax createEntry, CancellationToken cancellationToken)
    {
        if (model.GetTypeInfo(createEntry, cancellationToken).Type is not { } entryType)
        {
            return false;
        }

        return model.LookupSymbols(createEntry.SpanStart, entryType, "SetAbsoluteExpiration", includeReducedExtensionMethods: true).Length > 0;
    }
}
