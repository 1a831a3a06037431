using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace PerfAnalyzers.Common;

/// <summary>
/// The loop that a statement is always followed out of by a <c>break</c>: the statement is followed, in its block or in
/// a block that encloses it within the loop's body, by a <c>break</c> of that loop, with no <c>continue</c>,
/// <c>goto</c> or nested loop in between that could skip it. Whatever the statement runs, it runs at most once per run
/// of the loop (smartstore's <c>WebApiAdminController</c>: <c>for (var i = 0; i &lt; 9999; i++) { if (CreateKeys(..))
/// { ..; await _db.SaveChangesAsync(); break; } }</c>, a retry until a fresh key is found). A <c>break</c> in a
/// <c>switch</c> section leaves the switch, not the loop; a <c>break</c> under a condition may not run.
/// </summary>
internal static class BrokenLoops
{
    /// <summary>The loop statement <paramref name="node"/>'s statement always breaks out of after it runs, or null.</summary>
    public static StatementSyntax? LoopBrokenAfter(SyntaxNode node)
    {
        StatementSyntax? statement = null;
        for (var current = node; current is not null; current = current.Parent)
        {
            if (current is StatementSyntax s)
            {
                statement = s;
                break;
            }

            if (current is AnonymousFunctionExpressionSyntax)
            {
                return null;
            }
        }

        while (statement is not null)
        {
            switch (statement.Parent)
            {
                case BlockSyntax block:
                    if (BreaksAfter(block.Statements, statement) && !ContainsJump(statement) && EnclosingLoop(block) is { } loop)
                    {
                        return loop;
                    }

                    statement = block;
                    continue;
                case SwitchSectionSyntax section:
                    // A break in a section leaves the switch; the statements after the switch decide.
                    statement = section.Parent as StatementSyntax;
                    continue;
                case IfStatementSyntax or ElseClauseSyntax or UsingStatementSyntax or LockStatementSyntax or CheckedStatementSyntax or
                    FixedStatementSyntax or UnsafeStatementSyntax or LabeledStatementSyntax or TryStatementSyntax or CatchClauseSyntax or
                    FinallyClauseSyntax:
                    statement = Enclosing(statement.Parent);
                    continue;
                default:
                    return null; // a loop (its own body: no break after the statement at this level), a lambda, a method
            }
        }

        return null;
    }

    /// <summary>
    /// The statement that holds the query (at the level where the <c>break</c> follows) has a <c>continue</c> or
    /// <c>goto</c>: after the query in its branch, in the other branch of an <c>if</c> whose condition runs the query, or in
    /// a <c>catch</c> around it, such a jump skips the <c>break</c> and the loop goes round again. Not proven then.
    /// </summary>
    private static bool ContainsJump(StatementSyntax statement)
    {
        foreach (var node in statement.DescendantNodesAndSelf())
        {
            if (node is ContinueStatementSyntax or GotoStatementSyntax)
            {
                return true;
            }
        }

        return false;
    }

    private static StatementSyntax? Enclosing(SyntaxNode? node)
    {
        for (var current = node; current is not null; current = current.Parent)
        {
            if (current is StatementSyntax statement)
            {
                return statement;
            }
        }

        return null;
    }

    private static bool BreaksAfter(SyntaxList<StatementSyntax> statements, StatementSyntax statement)
    {
        var index = statements.IndexOf(statement);
        if (index < 0)
        {
            return false;
        }

        for (var i = index + 1; i < statements.Count; i++)
        {
            var next = statements[i];
            if (next is BreakStatementSyntax)
            {
                return true;
            }

            if (next is LocalFunctionStatementSyntax)
            {
                continue;
            }

            foreach (var descendant in next.DescendantNodesAndSelf())
            {
                if (descendant is ContinueStatementSyntax or GotoStatementSyntax or BreakStatementSyntax or YieldStatementSyntax or
                    ForStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax or SwitchStatementSyntax or
                    LabeledStatementSyntax)
                {
                    return false; // something between may leave, skip or repeat: not proven
                }
            }
        }

        return false;
    }

    /// <summary>The loop a <c>break</c> directly in <paramref name="block"/> leaves: the nearest enclosing loop statement, unless a switch or a function comes first.</summary>
    private static StatementSyntax? EnclosingLoop(BlockSyntax block)
    {
        for (SyntaxNode? current = block.Parent; current is not null; current = current.Parent)
        {
            switch (current)
            {
                case ForStatementSyntax or CommonForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax:
                    return (StatementSyntax)current;
                case SwitchSectionSyntax or AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MemberDeclarationSyntax:
                    return null;
            }
        }

        return null;
    }
}
