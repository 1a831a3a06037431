using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace PerfAnalyzers.CodeFixes;

/// <summary>
/// PERF003 fix, Dapper with more parameters than the key: <c>new { orderId = order.Id, carrier }</c> with
/// <c>... WHERE OrderId = @orderId AND Carrier = @carrier</c>. The key's equality becomes <c>OrderId in @orderId</c>;
/// the other parameters keep their values and their place in the SQL, so they must be the same for every element (a
/// local or parameter the loop does not change, a constant): the one batch query then filters as each per-element
/// query did.
/// </summary>
public sealed partial class PERF003BatchQueryCodeFix
{
    private sealed partial class Plan
    {
        private static readonly Regex s_parameter = new(@"@(?<name>\w+)", RegexOptions.CultureInvariant);

        /// <summary>
        /// Splits <c>new { p = key, q, r = value }</c> into the one member whose value is the element's key and the rest
        /// (their declarators' text, kept as written). False when no member or several members are the key.
        /// </summary>
        private static bool TrySplitDapperParameters(
            IAnonymousObjectCreationOperation parameters,
            Func<IOperation, bool> isKey,
            out IPropertySymbol keyMember,
            out IOperation key,
            out ImmutableArray<IOperation> otherValues,
            out ImmutableArray<string> otherNames,
            out ImmutableArray<string> otherDeclarators)
        {
            keyMember = null!;
            key = null!;
            var values = ImmutableArray.CreateBuilder<IOperation>();
            var names = ImmutableArray.CreateBuilder<string>();
            var declarators = ImmutableArray.CreateBuilder<string>();
            otherValues = default;
            otherNames = default;
            otherDeclarators = default;
            if (parameters.Syntax is not AnonymousObjectCreationExpressionSyntax syntax || syntax.Initializers.Count != parameters.Initializers.Length)
            {
                return false;
            }

            for (var i = 0; i < parameters.Initializers.Length; i++)
            {
                if (parameters.Initializers[i] is not ISimpleAssignmentOperation { Target: IPropertyReferenceOperation member, Value: { } value })
                {
                    return false;
                }

                if (isKey(value))
                {
                    if (keyMember is not null)
                    {
                        return false;
                    }

                    keyMember = member.Property;
                    key = value;
                    continue;
                }

                values.Add(value);
                names.Add(member.Property.Name);
                declarators.Add(syntax.Initializers[i].WithoutTrivia().ToString());
            }

            otherValues = values.ToImmutable();
            otherNames = names.ToImmutable();
            otherDeclarators = declarators.ToImmutable();
            return keyMember is not null;
        }

        /// <summary>
        /// <see cref="TryRewriteSql(string, string, string, out string, out string)"/> when the SQL also uses
        /// <paramref name="otherParameters"/>: every <c>@</c> must start a parameter of the object, the key's exactly once
        /// (in its <c>Col = @key</c>), and the other parameters' text is left as it is.
        /// </summary>
        internal static bool TryRewriteSql(string tokenText, string value, string parameterName, ImmutableArray<string> otherParameters, out string column, out string rewritten)
        {
            column = string.Empty;
            rewritten = string.Empty;
            if (otherParameters.IsDefaultOrEmpty)
            {
                return TryRewriteSql(tokenText, value, parameterName, out column, out rewritten);
            }

            var known = new HashSet<string>(otherParameters, StringComparer.OrdinalIgnoreCase);
            if (known.Contains(parameterName))
            {
                return false;
            }

            var keyUses = 0;
            var uses = s_parameter.Matches(value);
            var ats = 0;
            foreach (var c in value)
            {
                ats += c == '@' ? 1 : 0;
            }

            if (ats != uses.Count)
            {
                return false;
            }

            foreach (Match use in uses)
            {
                var name = use.Groups["name"].Value;
                if (string.Equals(name, parameterName, StringComparison.OrdinalIgnoreCase))
                {
                    keyUses++;
                }
                else if (!known.Contains(name))
                {
                    return false;
                }
            }

            if (keyUses != 1 || s_forbidden.IsMatch(value) ||
                Regex.Matches(value, @"\bselect\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant).Count != 1)
            {
                return false;
            }

            var inValue = KeyEqualities(value, parameterName);
            var inToken = KeyEqualities(tokenText, parameterName);
            if (inValue.Count != 1 || inToken.Count != 1 || !string.Equals(inToken[0].Value, inValue[0].Value, StringComparison.Ordinal))
            {
                return false;
            }

            var qualified = inValue[0].Groups["column"].Value;
            column = qualified.Substring(qualified.LastIndexOf('.') + 1).Trim('[', ']', '"', '`');
            var select = Regex.Match(value, @"\bselect\b(?<list>.*?)\bfrom\b", RegexOptions.IgnoreCase | RegexOptions.Singleline | RegexOptions.CultureInvariant);
            if (!select.Success ||
                !(select.Groups["list"].Value.Trim() == "*" || Regex.IsMatch(select.Groups["list"].Value, @"(^|[\s,.\[""`])" + Regex.Escape(column) + @"($|[\s,\]""`])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)))
            {
                return false;
            }

            var match = inToken[0];
            rewritten = tokenText.Substring(0, match.Index) + qualified + " in @" + match.Groups["parameter"].Value + tokenText.Substring(match.Index + match.Length);
            return true;
        }

        private static List<Match> KeyEqualities(string text, string parameterName)
        {
            var found = new List<Match>();
            foreach (Match match in s_equality.Matches(text))
            {
                if (string.Equals(match.Groups["parameter"].Value, parameterName, StringComparison.OrdinalIgnoreCase))
                {
                    found.Add(match);
                }
            }

            return found;
        }
    }
}
