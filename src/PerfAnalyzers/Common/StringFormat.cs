using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.Common;

/// <summary>
/// Recognises <c>string.Format</c> calls with a constant composite format (<c>"{0}, {1,5:N2}"</c>), their format
/// provider and arguments, and splits the format around one argument's hole (PERF001: <c>s = string.Format("{0}{1}", s, x)</c>).
/// </summary>
internal static class StringFormat
{
    /// <summary>One format item: its span in the format (braces included), its index, and whether it has an alignment or format string.</summary>
    internal readonly struct Hole
    {
        public Hole(int start, int end, int index, int indexStart, int indexEnd, bool plain)
        {
            Start = start;
            End = end;
            Index = index;
            IndexStart = indexStart;
            IndexEnd = indexEnd;
            Plain = plain;
        }

        public int Start { get; }

        public int End { get; }

        public int Index { get; }

        public int IndexStart { get; }

        public int IndexEnd { get; }

        public bool Plain { get; }
    }

    /// <summary>A <c>string.Format</c> overload whose format is a <c>string</c> (not a <c>CompositeFormat</c>).</summary>
    public static bool IsStringFormat(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (method.Name != "Format" || !method.IsStatic || method.ContainingType?.SpecialType != SpecialType.System_String)
        {
            return false;
        }

        foreach (var parameter in method.Parameters)
        {
            if (parameter.Name == "format")
            {
                return parameter.Type.SpecialType == SpecialType.System_String;
            }
        }

        return false;
    }

    /// <summary>
    /// The provider argument (null when none), the constant format, and the formatted values in index order (a
    /// <c>params</c> array or collection expanded). False for a non-constant format or an array passed as the params argument.
    /// </summary>
    public static bool TryGetParts(IInvocationOperation invocation, out IOperation? provider, out string format, out List<IOperation> arguments)
    {
        provider = null;
        format = null!;
        arguments = new List<IOperation>();
        foreach (var argument in invocation.Arguments)
        {
            var parameter = argument.Parameter;
            if (parameter is null)
            {
                return false;
            }

            if (parameter.Name == "provider")
            {
                provider = argument.Value;
                continue;
            }

            if (parameter.Name == "format")
            {
                if (argument.Value.ConstantValue is not { HasValue: true, Value: string text })
                {
                    return false;
                }

                format = text;
                continue;
            }

            switch (argument.ArgumentKind)
            {
                case ArgumentKind.Explicit:
                    if (parameter.IsParams || parameter.Type is IArrayTypeSymbol)
                    {
                        // Format("{0}", args) with an object[]: its elements are the values.
                        return false;
                    }

                    arguments.Add(argument.Value);
                    break;
                case ArgumentKind.ParamArray:
                    if (argument.Value is IArrayCreationOperation { Initializer: { } initializer })
                    {
                        arguments.AddRange(initializer.ElementValues);
                        break;
                    }

                    return false;
                case ArgumentKind.DefaultValue:
                    break;
                default:
                    // A params collection (ReadOnlySpan<object?>): its elements are the values.
                    foreach (var child in argument.Value.ChildOperations)
                    {
                        arguments.Add(child);
                    }

                    break;
            }
        }

        return format is not null;
    }

    /// <summary>
    /// Parses a composite format strictly (<c>{index[,alignment][:format]}</c>, <c>{{</c> and <c>}}</c> escapes);
    /// false when it does not parse or an index is not below <paramref name="argumentCount"/> (string.Format would throw).
    /// </summary>
    public static bool TryParse(string format, int argumentCount, List<Hole> holes)
    {
        var i = 0;
        while (i < format.Length)
        {
            var c = format[i];
            if (c == '}')
            {
                if (i + 1 < format.Length && format[i + 1] == '}')
                {
                    i += 2;
                    continue;
                }

                return false;
            }

            if (c != '{')
            {
                i++;
                continue;
            }

            if (i + 1 < format.Length && format[i + 1] == '{')
            {
                i += 2;
                continue;
            }

            var start = i;
            i++;
            var indexStart = i;
            var index = 0;
            while (i < format.Length && format[i] >= '0' && format[i] <= '9' && i - indexStart < 6)
            {
                index = (index * 10) + (format[i] - '0');
                i++;
            }

            if (i == indexStart || i >= format.Length || index >= argumentCount)
            {
                return false;
            }

            var indexEnd = i;
            var plain = true;
            if (format[i] == ',')
            {
                plain = false;
                i++;
                if (i < format.Length && format[i] == '-')
                {
                    i++;
                }

                var digits = i;
                while (i < format.Length && format[i] >= '0' && format[i] <= '9')
                {
                    i++;
                }

                if (i == digits)
                {
                    return false;
                }
            }

            if (i < format.Length && format[i] == ':')
            {
                plain = false;
                i++;
                while (i < format.Length && format[i] != '}' && format[i] != '{')
                {
                    i++;
                }

                // A brace in the format string ("{0:a}}b}") is escaped differently across .NET versions: not handled.
                if (i + 1 < format.Length && format[i] == '}' && format[i + 1] == '}')
                {
                    return false;
                }
            }

            if (i >= format.Length || format[i] != '}')
            {
                return false;
            }

            i++;
            holes.Add(new Hole(start, i, index, indexStart, indexEnd, plain));
        }

        return true;
    }

    /// <summary>True when the format parses and some hole refers to argument <paramref name="index"/>.</summary>
    public static bool References(string format, int argumentCount, int index)
    {
        var holes = new List<Hole>();
        if (!TryParse(format, argumentCount, holes))
        {
            return false;
        }

        foreach (var hole in holes)
        {
            if (hole.Index == index)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Splits the format around the one plain hole <c>{index}</c>: the formats before and after it, with the indices
    /// above <paramref name="index"/> renumbered down by one (the argument is removed). False when the index has
    /// another hole, an alignment or a format string, or the format does not parse.
    /// </summary>
    public static bool TrySplit(string format, int argumentCount, int index, out string before, out string after)
    {
        before = after = null!;
        var holes = new List<Hole>();
        if (!TryParse(format, argumentCount, holes))
        {
            return false;
        }

        Hole? self = null;
        foreach (var hole in holes)
        {
            if (hole.Index == index)
            {
                if (self is not null || !hole.Plain)
                {
                    return false;
                }

                self = hole;
            }
        }

        if (self is not { } selfHole)
        {
            return false;
        }

        before = Renumber(format, holes, 0, selfHole.Start, index);
        after = Renumber(format, holes, selfHole.End, format.Length, index);
        return true;
    }

    private static string Renumber(string format, List<Hole> holes, int from, int to, int removed)
    {
        var text = new StringBuilder();
        var position = from;
        foreach (var hole in holes)
        {
            if (hole.Start < from || hole.End > to || hole.Index < removed)
            {
                continue;
            }

            text.Append(format, position, hole.IndexStart - position);
            text.Append(hole.Index - 1);
            position = hole.IndexEnd;
        }

        text.Append(format, position, to - position);
        return text.ToString();
    }

    /// <summary>The literal text of a format with no holes: <c>{{</c> and <c>}}</c> unescaped.</summary>
    public static string Unescape(string format) => format.Replace("{{", "{").Replace("}}", "}");
}
