using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.Common;

/// <summary>
/// A <c>while (reader.Read())</c> loop over a reader whose command asks for one row (issue #18, Sonarr's migrations
/// 029 and 069: <c>cmd.CommandText = "SELECT .. FROM \"NamingConfig\" LIMIT 1"; using (var reader = cmd.ExecuteReader())
/// { while (reader.Read()) { .. updateCmd.ExecuteNonQuery(); } }</c>): the loop runs at most once, so nothing in it runs
/// per element. The command text must be a constant (assigned to the command's <c>CommandText</c> or passed to its
/// constructor) with <c>LIMIT 1</c>, <c>TOP 1</c>/<c>TOP (1)</c> or <c>FETCH FIRST|NEXT 1 ROW</c>; the reader and the
/// command must be locals initialised once. Any other text (<c>LIMIT 10</c>, no limit, text built at run time) is a
/// reader over many rows.
/// </summary>
internal static class SingleRowReaders
{
    public static bool ReadsAtMostOneRow(in LoopContext loop)
    {
        if (loop.Loop is not IWhileLoopOperation { Condition: { } condition })
        {
            return false;
        }

        if (Loops.UnwrapAwaited(condition) is not IInvocationOperation { TargetMethod.Name: "Read" or "ReadAsync" } read)
        {
            return false;
        }

        if (read.Instance is not ILocalReferenceOperation reader ||
            SettingsCollections.SingleInitializer(reader) is not { } readerValue ||
            Loops.UnwrapAwaited(readerValue) is not IInvocationOperation { TargetMethod.Name: "ExecuteReader" or "ExecuteReaderAsync", Instance: ILocalReferenceOperation command })
        {
            return false;
        }

        var text = CommandText(command);
        return text is not null && AsksForOneRow(text);
    }

    /// <summary>The constant text of a command local: its constructor's first argument or the one constant assigned to its <c>CommandText</c>.</summary>
    private static string? CommandText(ILocalReferenceOperation command)
    {
        IOperation root = command;
        while (root.Parent is not null)
        {
            root = root.Parent;
        }

        string? text = null;
        if (SettingsCollections.SingleInitializer(command) is IObjectCreationOperation { Arguments.Length: > 0 } creation &&
            creation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: string created })
        {
            text = created;
        }

        foreach (var operation in root.Descendants())
        {
            if (operation is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation { Property.Name: "CommandText", Instance: ILocalReferenceOperation target } } assignment &&
                SymbolEqualityComparer.Default.Equals(target.Local, command.Local))
            {
                if (text is not null || assignment.Value.ConstantValue is not { HasValue: true, Value: string assigned })
                {
                    return null; // assigned twice, or not a constant
                }

                text = assigned;
            }
        }

        return text;
    }

    private static bool AsksForOneRow(string text)
    {
        var upper = text.ToUpperInvariant();
        return HasOne(upper, "LIMIT ") || HasOne(upper, "TOP ") || HasOne(upper, "TOP(") || HasOne(upper, "TOP (") ||
               HasOne(upper, "FETCH FIRST ") || HasOne(upper, "FETCH NEXT ");
    }

    /// <summary><paramref name="keyword"/> followed by <c>1</c> (or <c>(1)</c>) and then not by another digit.</summary>
    private static bool HasOne(string text, string keyword)
    {
        for (var index = text.IndexOf(keyword, StringComparison.Ordinal); index >= 0; index = text.IndexOf(keyword, index + 1, StringComparison.Ordinal))
        {
            var at = index + keyword.Length;
            if (at < text.Length && text[at] == '(')
            {
                at++;
            }

            if (at < text.Length && text[at] == '1' && (at + 1 == text.Length || !char.IsDigit(text[at + 1])))
            {
                return true;
            }
        }

        return false;
    }
}
