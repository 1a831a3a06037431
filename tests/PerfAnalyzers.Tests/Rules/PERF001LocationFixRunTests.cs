using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// The fixes of <see cref="PERF001LocationFixTests"/>, run: original and fixed code (exact text and Fix All checked
/// first) compiled and executed on the same inputs — empty, one element, many, and an element whose conversion throws
/// in the middle of the loop (the caller catches and reads the location: it must hold the same partial value).
/// </summary>
public class PERF001LocationFixRunTests
{
    private static async Task AssertSameResultsAsync(string original, string fixedCode, string method, params object?[][] inputs)
    {
        await new CodeFixTest<PERF001StringConcatenationInLoopAnalyzer, PERF001UseStringBuilderCodeFix>
        {
            TestCode = original,
            FixedCode = fixedCode,
        }.RunAsync();

        var before = TestCompiler.CompileAndLoad(TestCompiler.StripMarkup(original));
        var after = TestCompiler.CompileAndLoad(TestCompiler.StripMarkup(fixedCode));
        foreach (var input in inputs)
        {
            var expected = TestCompiler.Invoke(before, "Sample", method, input);
            var actual = TestCompiler.Invoke(after, "Sample", method, input);
            Assert.Equal(expected, actual);
        }
    }

    private static readonly object?[][] Payloads =
    {
        new object?[] { "http://example.com/path", new object?[0] },
        new object?[] { "http://example.com/path", new object?[] { "a b" } },
        new object?[] { "http://example.com:8080/path?x=1", new object?[] { 1, "two", 3.5 } },
        new object?[] { "https://example.com/", new object?[] { "a", null, "c" } },
        new object?[] { "https://example.com/?", Enumerable.Range(0, 200).Select(i => (object?)("v" + i)).ToArray() },
    };

    [Fact]
    public Task UriBuilder_query_gives_the_same_uri_and_the_same_partial_query_on_failure() => AssertSameResultsAsync("""
        using System;
        using System.Collections;
        using System.Collections.Generic;

        public static class Sample
        {
            public static void AppendPayloadToQuery(UriBuilder uri, KeyValuePair<string, object> keyValuePair)
            {
                UriBuilder uriBuilder = uri;
                foreach (var item in (IEnumerable)keyValuePair.Value)
                {
                    [|uriBuilder.Query = uriBuilder.Query + Uri.EscapeDataString(keyValuePair.Key) + "=" +
                                       Uri.EscapeDataString(item.ToString()) + "&"|];
                }
            }

            public static string Run(string start, object[] values)
            {
                var uri = new UriBuilder(start);
                var before = uri.Uri;
                string failure = "";
                try
                {
                    AppendPayloadToQuery(uri, new KeyValuePair<string, object>("k y", values));
                }
                catch (NullReferenceException)
                {
                    failure = "NRE ";
                }

                return failure + uri.Query + " | " + uri.Uri + " | " + ReferenceEquals(before, uri.Uri);
            }
        }
        """, """
        using System;
        using System.Collections;
        using System.Collections.Generic;
        using System.Text;

        public static class Sample
        {
            public static void AppendPayloadToQuery(UriBuilder uri, KeyValuePair<string, object> keyValuePair)
            {
                UriBuilder uriBuilder = uri;
                StringBuilder? queryBuilder = null;
                try
                {
                    foreach (var item in (IEnumerable)keyValuePair.Value)
                    {
                        (queryBuilder ??= new StringBuilder(uriBuilder.Query)).Append(
                            Uri.EscapeDataString(keyValuePair.Key) + "=" + Uri.EscapeDataString(item.ToString()) + "&");
                    }
                }
                finally
                {
                    if (queryBuilder != null)
                    {
                        uriBuilder.Query = queryBuilder.ToString();
                    }
                }
            }

            public static string Run(string start, object[] values)
            {
                var uri = new UriBuilder(start);
                var before = uri.Uri;
                string failure = "";
                try
                {
                    AppendPayloadToQuery(uri, new KeyValuePair<string, object>("k y", values));
                }
                catch (NullReferenceException)
                {
                    failure = "NRE ";
                }

                return failure + uri.Query + " | " + uri.Uri + " | " + ReferenceEquals(before, uri.Uri);
            }
        }
        """, "Run", Payloads);

    private static readonly object?[][] Parts =
    {
        new object?[] { new string?[0] },
        new object?[] { new string?[] { "a" } },
        new object?[] { new string?[] { "a", "bb", "", "ccc" } },
        new object?[] { new string?[] { "a", "bb", null, "ccc" } },
        new object?[] { Enumerable.Range(0, 300).Select(i => (string?)("p" + i)).ToArray() },
    };

    [Fact]
    public Task Property_ref_parameter_and_prepend_keep_their_partial_values_on_failure() => AssertSameResultsAsync("""
        using System;
        using System.Collections.Generic;

        public class Domain
        {
            public string Name { get; set; } = "root";
            public string Body { get; set; } = "";
        }

        public static class Sample
        {
            static void Prepend(Domain domain, string[] labels)
            {
                foreach (var label in labels)
                {
                    [|domain.Name = label.ToUpperInvariant() + "." + domain.Name|];
                }
            }

            static void Append(Domain domain, string[] labels)
            {
                foreach (var label in labels)
                {
                    [|domain.Body += label.Length + ":" + label.Trim() + ","|];
                }
            }

            static void Build(ref string s, List<string> labels)
            {
                foreach (var label in labels)
                {
                    [|s = s + "[" + label.ToLowerInvariant() + "]"|];
                }
            }

            public static string Run(string[] labels)
            {
                var domain = new Domain();
                var s = "start";
                var log = "";
                try { Prepend(domain, labels); } catch (NullReferenceException) { log += "P"; }
                try { Append(domain, labels); } catch (NullReferenceException) { log += "A"; }
                try { Build(ref s, new List<string>(labels)); } catch (NullReferenceException) { log += "B"; }
                return log + "|" + domain.Name + "|" + domain.Body + "|" + s;
            }
        }
        """, """
        using System;
        using System.Collections.Generic;
        using System.Text;

        public class Domain
        {
            public string Name { get; set; } = "root";
            public string Body { get; set; } = "";
        }

        public static class Sample
        {
            static void Prepend(Domain domain, string[] labels)
            {
                var namePrefixes = new Stack<string>();
                try
                {
                    foreach (var label in labels)
                    {
                        namePrefixes.Push(label.ToUpperInvariant() + ".");
                    }
                }
                finally
                {
                    domain.Name = string.Concat(namePrefixes) + domain.Name;
                }
            }

            static void Append(Domain domain, string[] labels)
            {
                var bodyBuilder = new StringBuilder(domain.Body);
                try
                {
                    foreach (var label in labels)
                    {
                        bodyBuilder.Append(label.Length + ":" + label.Trim() + ",");
                    }
                }
                finally
                {
                    domain.Body = bodyBuilder.ToString();
                }
            }

            static void Build(ref string s, List<string> labels)
            {
                var sBuilder = new StringBuilder(s);
                try
                {
                    foreach (var label in labels)
                    {
                        sBuilder.Append("[" + label.ToLowerInvariant() + "]");
                    }
                }
                finally
                {
                    s = sBuilder.ToString();
                }
            }

            public static string Run(string[] labels)
            {
                var domain = new Domain();
                var s = "start";
                var log = "";
                try { Prepend(domain, labels); } catch (NullReferenceException) { log += "P"; }
                try { Append(domain, labels); } catch (NullReferenceException) { log += "A"; }
                try { Build(ref s, new List<string>(labels)); } catch (NullReferenceException) { log += "B"; }
                return log + "|" + domain.Name + "|" + domain.Body + "|" + s;
            }
        }
        """, "Run", Parts);
}
