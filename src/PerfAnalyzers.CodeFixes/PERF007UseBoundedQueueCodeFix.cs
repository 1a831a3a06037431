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
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Simplification;
using PerfAnalyzers.CodeFixes.Common;
using PerfAnalyzers.Rules;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF007: gives the queue a capacity. <c>Channel.CreateUnbounded&lt;T&gt;(...)</c> becomes
/// <c>Channel.CreateBounded&lt;T&gt;(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, ... })</c>
/// keeping the original options; <c>new BlockingCollection&lt;T&gt;(...)</c> gets a bounded capacity; a dataflow block
/// gets <c>BoundedCapacity = capacity</c> in its options (created when absent).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PERF007UseBoundedQueueCodeFix)), Shared]
public sealed class PERF007UseBoundedQueueCodeFix : CodeFixProvider
{
    internal const string EquivalenceKey = "PERF007.BoundCapacity";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(PERF007UnboundedQueueAnalyzer.RuleId);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (!diagnostic.Properties.TryGetValue(PERF007UnboundedQueueAnalyzer.CapacityProperty, out var capacityText) ||
                !int.TryParse(capacityText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var capacity) ||
                !diagnostic.Properties.TryGetValue(PERF007UnboundedQueueAnalyzer.KindProperty, out var kind))
            {
                continue;
            }

            var replacement = kind switch
            {
                PERF007UnboundedQueueAnalyzer.KindChannel => FixChannel(node as InvocationExpressionSyntax, capacity),
                PERF007UnboundedQueueAnalyzer.KindBlockingCollection => FixBlockingCollection(node as BaseObjectCreationExpressionSyntax, capacity),
                PERF007UnboundedQueueAnalyzer.KindDataflowBlock => FixDataflowBlock(node as BaseObjectCreationExpressionSyntax, model, capacity, context.CancellationToken),
                _ => null,
            };
            if (replacement is null)
            {
                continue;
            }

            var original = node;
            var title = "Bound the queue to " + capacity.ToString(CultureInfo.InvariantCulture) + " items";
            context.RegisterCodeFix(
                CodeAction.Create(
                    title,
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(original, replacement))),
                    EquivalenceKey),
                diagnostic);
        }
    }

    private static SyntaxNode? FixChannel(InvocationExpressionSyntax? invocation, int capacity)
    {
        if (invocation is null)
        {
            return null;
        }

        var arguments = invocation.ArgumentList.Arguments;
        InitializerExpressionSyntax? kept = null;
        var afterArguments = SyntaxFactory.TriviaList();
        if (arguments.Count == 1)
        {
            // Only options written in place are carried over; anything else could not be copied faithfully.
            if (arguments[0].Expression is not BaseObjectCreationExpressionSyntax unboundedOptions || unboundedOptions.ArgumentList is { Arguments.Count: > 0 } || arguments[0].NameColon is not null)
            {
                return null;
            }

            kept = unboundedOptions.Initializer;
            afterArguments = unboundedOptions.ArgumentList?.GetTrailingTrivia()
                ?? ((ObjectCreationExpressionSyntax)unboundedOptions).Type.GetTrailingTrivia();

            if (kept is not null && afterArguments.Count == 0 && kept.OpenBraceToken.LeadingTrivia.Count == 0)
            {
                afterArguments = SyntaxFactory.TriviaList(SyntaxFactory.Space);
            }
        }
        else if (arguments.Count != 0)
        {
            return null;
        }

        ExpressionSyntax callee = invocation.Expression switch
        {
            MemberAccessExpressionSyntax { Name: GenericNameSyntax name } access => access.WithName(name.WithIdentifier(SyntaxFactory.Identifier("CreateBounded").WithTriviaFrom(name.Identifier))),
            GenericNameSyntax name => name.WithIdentifier(SyntaxFactory.Identifier("CreateBounded").WithTriviaFrom(name.Identifier)),
            _ => null!,
        };
        if (callee is null)
        {
            return null;
        }

        var fullMode = SyntaxFactory.AssignmentExpression(
            SyntaxKind.SimpleAssignmentExpression,
            SyntaxFactory.IdentifierName("FullMode"),
            // An enum member is an expression (member access), not a type name: parsed as a type it would be a
            // QualifiedName, a tree the compiler never produces for this code.
            SyntaxFactory.ParseExpression("global::System.Threading.Channels.BoundedChannelFullMode.Wait").WithAdditionalAnnotations(Simplifier.Annotation));
        var options = (BaseObjectCreationExpressionSyntax)SyntaxFactory.ObjectCreationExpression(
            SyntaxFactory.Token(SyntaxKind.NewKeyword).WithTrailingTrivia(SyntaxFactory.Space),
            Qualified("global::System.Threading.Channels.BoundedChannelOptions"),
            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(Literal(capacity)))).WithTrailingTrivia(afterArguments),
            kept);
        options = InitializerEditing.InsertFirst(options, fullMode);
        if (kept is not null)
        {
            options = options.WithTriviaFrom(arguments[0].Expression);
        }

        return invocation
            .WithExpression(callee)
            .WithArgumentList(invocation.ArgumentList.WithArguments(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(options))));
    }

    private static SyntaxNode? FixBlockingCollection(BaseObjectCreationExpressionSyntax? creation, int capacity)
    {
        // A collection initializer adds its items in the constructor: more items than the capacity would block forever.
        if (creation is null || creation.Initializer is not null)
        {
            return null;
        }

        return AppendArgument(creation, SyntaxFactory.Argument(Literal(capacity)));
    }

    private static SyntaxNode? FixDataflowBlock(BaseObjectCreationExpressionSyntax? creation, SemanticModel model, int capacity, CancellationToken cancellationToken)
    {
        if (creation is null || model.GetOperation(creation, cancellationToken) is not IObjectCreationOperation operation || operation.Constructor is not { } constructor)
        {
            return null;
        }

        var blockOptions = model.Compilation.GetTypeByMetadataName("System.Threading.Tasks.Dataflow.DataflowBlockOptions");
        if (blockOptions is null)
        {
            return null;
        }

        // A BatchBlock needs BoundedCapacity >= batchSize: use the batch size when it is a larger constant, else no fix.
        if (operation.Type is INamedTypeSymbol { Name: "BatchBlock" })
        {
            var batchSize = operation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "batchSize")?.Value.ConstantValue;
            if (batchSize is not { HasValue: true, Value: int size })
            {
                return null;
            }

            capacity = System.Math.Max(capacity, size);
        }

        var boundedCapacity = SyntaxFactory.AssignmentExpression(
            SyntaxKind.SimpleAssignmentExpression,
            SyntaxFactory.IdentifierName("BoundedCapacity"),
            Literal(capacity));

        var optionsArgument = operation.Arguments.FirstOrDefault(a => a.Parameter is { } p && DerivesFrom(p.Type, blockOptions));
        if (optionsArgument is not null && optionsArgument.ArgumentKind != ArgumentKind.DefaultValue)
        {
            if (optionsArgument.Value.Syntax is not BaseObjectCreationExpressionSyntax optionsCreation)
            {
                return null;
            }

            BaseObjectCreationExpressionSyntax fixedOptions;
            var existing = optionsCreation.Initializer?.Expressions.OfType<AssignmentExpressionSyntax>()
                .FirstOrDefault(a => a.Left is IdentifierNameSyntax { Identifier.ValueText: "BoundedCapacity" });
            if (existing is not null)
            {
                fixedOptions = optionsCreation.ReplaceNode(existing.Right, Literal(capacity).WithTriviaFrom(existing.Right));
            }
            else
            {
                fixedOptions = InitializerEditing.InsertFirst(optionsCreation, boundedCapacity);
            }

            return creation.ReplaceNode(optionsCreation, fixedOptions);
        }

        if (creation.ArgumentList is { } list && list.Arguments.Any(a => a.NameColon is not null))
        {
            return null;
        }

        // The options type the constructor takes: the one overload with one more parameter, of a block options type.
        INamedTypeSymbol? optionsType = null;
        foreach (var candidate in ((INamedTypeSymbol)operation.Type!).Constructors)
        {
            if (candidate.Parameters.Length == constructor.Parameters.Length + 1 &&
                ParametersMatch(candidate, constructor) &&
                candidate.Parameters[candidate.Parameters.Length - 1].Type is INamedTypeSymbol last &&
                DerivesFrom(last, blockOptions))
            {
                optionsType = last;
            }
        }

        if (optionsType is null)
        {
            return null;
        }

        var newOptions = (BaseObjectCreationExpressionSyntax)SyntaxFactory.ObjectCreationExpression(
            SyntaxFactory.Token(SyntaxKind.NewKeyword).WithTrailingTrivia(SyntaxFactory.Space),
            Qualified("global::" + optionsType.ToDisplayString()),
            null,
            null);
        newOptions = InitializerEditing.InsertFirst(newOptions, boundedCapacity);
        return AppendArgument(creation, SyntaxFactory.Argument(newOptions));
    }

    private static bool ParametersMatch(IMethodSymbol longer, IMethodSymbol shorter)
    {
        for (var i = 0; i < shorter.Parameters.Length; i++)
        {
            if (!SymbolEqualityComparer.Default.Equals(longer.Parameters[i].Type, shorter.Parameters[i].Type))
            {
                return false;
            }
        }

        return true;
    }

    private static bool DerivesFrom(ITypeSymbol type, INamedTypeSymbol baseType)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, baseType))
            {
                return true;
            }
        }

        return false;
    }

    private static BaseObjectCreationExpressionSyntax AppendArgument(BaseObjectCreationExpressionSyntax creation, ArgumentSyntax argument)
    {
        if (creation.ArgumentList is null)
        {
            // new T { ... } has no argument list: add one after the type.
            var explicitCreation = (ObjectCreationExpressionSyntax)creation;
            return explicitCreation
                .WithType(explicitCreation.Type.WithoutTrailingTrivia())
                .WithArgumentList(SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(argument)).WithTrailingTrivia(explicitCreation.Type.GetTrailingTrivia()));
        }

        var arguments = creation.ArgumentList.Arguments;
        if (arguments.Count > 0)
        {
            argument = argument.WithLeadingTrivia(SyntaxFactory.Space);
        }

        return creation.WithArgumentList(creation.ArgumentList.WithArguments(arguments.Add(argument)));
    }

    private static ExpressionSyntax Literal(int value) =>
        SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(value));

    private static TypeSyntax Qualified(string name) =>
        SyntaxFactory.ParseTypeName(name).WithAdditionalAnnotations(Simplifier.Annotation);
}
