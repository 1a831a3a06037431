using Verify = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF001StringConcatenationInLoopAnalyzer, PerfAnalyzers.CodeFixes.PERF001UseStringBuilderCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF001 "Use StringBuilder" for strings other code could see (issue #17): a <c>ref</c> parameter, a field or
/// auto-property of an object held in a local or parameter, and <c>UriBuilder.Query</c> (btcpayserver's
/// <c>uriBuilder.Query = uriBuilder.Query + ...</c>). The location is read once before the loop and written once in a
/// <c>finally</c> after it, so an exception leaves the same partial value; no fix when anything in the loop could see
/// the location in between. Run tests: <see cref="PERF001LocationFixRunTests"/>.
/// </summary>
public class PERF001LocationFixTests
{
    [Fact]
    public Task UriBuilder_query_grown_in_a_loop_is_buffered_and_written_once() => Verify.VerifyFixAsync("""
        using System;
        using System.Collections;
        using System.Collections.Generic;

        static class C
        {
            public static void AppendPayloadToQuery(UriBuilder uri, KeyValuePair<string, object> keyValuePair)
            {
                UriBuilder uriBuilder = uri;
                foreach (var item in (IEnumerable)keyValuePair.Value)
                {
                    [|uriBuilder.Query = uriBuilder.Query + Uri.EscapeDataString(keyValuePair.Key) + "=" +
                                       Uri.EscapeDataString(item.ToString()) + "&"|];
                }
                uri.Query = uri.Query.Trim('&');
            }
        }
        """, """
        using System;
        using System.Collections;
        using System.Collections.Generic;
        using System.Text;

        static class C
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
                uri.Query = uri.Query.Trim('&');
            }
        }
        """);

    [Fact]
    public Task Auto_property_of_a_local_object() => Verify.VerifyFixAsync("""
        using System.Text;

        class Report
        {
            public string Body { get; set; } = "";
            public int Count { get; set; }
        }

        class C
        {
            Report M(string[] lines)
            {
                var report = new Report();
                foreach (var line in lines)
                {
                    [|report.Body += line + "\n"|];
                }
                return report;
            }
        }
        """, """
        using System.Text;

        class Report
        {
            public string Body { get; set; } = "";
            public int Count { get; set; }
        }

        class C
        {
            Report M(string[] lines)
            {
                var report = new Report();
                var bodyBuilder = new StringBuilder(report.Body);
                try
                {
                    foreach (var line in lines)
                    {
                        bodyBuilder.Append(line + "\n");
                    }
                }
                finally
                {
                    report.Body = bodyBuilder.ToString();
                }
                return report;
            }
        }
        """);

    [Fact]
    public Task Prepend_to_a_property_of_a_parameter_object() => Verify.VerifyFixAsync("""
        class Domain
        {
            public string DomainName { get; set; } = "";
        }

        class C
        {
            void M(Domain domain, string[] labels)
            {
                foreach (var label in labels)
                {
                    [|domain.DomainName = label + "." + domain.DomainName|];
                }
            }
        }
        """, """
        using System.Collections.Generic;

        class Domain
        {
            public string DomainName { get; set; } = "";
        }

        class C
        {
            void M(Domain domain, string[] labels)
            {
                var domainNamePrefixes = new Stack<string>();
                try
                {
                    foreach (var label in labels)
                    {
                        domainNamePrefixes.Push(label + ".");
                    }
                }
                finally
                {
                    domain.DomainName = string.Concat(domainNamePrefixes) + domain.DomainName;
                }
            }
        }
        """);

    [Fact]
    public Task Ref_parameter_and_a_field_of_a_struct_local() => Verify.VerifyFixAsync("""
        using System.Collections.Generic;

        struct Acc
        {
            public string Text;
        }

        class C
        {
            static void Build(ref string s, List<string> items)
            {
                foreach (var item in items)
                {
                    if (item.Length > 0)
                        [|s += item|];
                }
            }

            static string Other(string[] items)
            {
                var acc = new Acc { Text = ">" };
                foreach (var item in items)
                {
                    [|acc.Text = acc.Text + item + ";"|];
                }
                return acc.Text;
            }
        }
        """, """
        using System.Collections.Generic;
        using System.Text;

        struct Acc
        {
            public string Text;
        }

        class C
        {
            static void Build(ref string s, List<string> items)
            {
                var sBuilder = new StringBuilder(s);
                try
                {
                    foreach (var item in items)
                    {
                        if (item.Length > 0)
                            sBuilder.Append(item);
                    }
                }
                finally
                {
                    s = sBuilder.ToString();
                }
            }

            static string Other(string[] items)
            {
                var acc = new Acc { Text = ">" };
                var textBuilder = new StringBuilder(acc.Text);
                try
                {
                    foreach (var item in items)
                    {
                        textBuilder.Append(item + ";");
                    }
                }
                finally
                {
                    acc.Text = textBuilder.ToString();
                }
                return acc.Text;
            }
        }
        """);

    [Fact]
    public Task No_fix_when_other_code_could_see_the_location() => Verify.VerifyNoFixAsync("""
        using System;
        using System.Threading.Tasks;

        class Item
        {
            public string Name { get; set; } = "";
            public virtual string Label { get; set; } = "";
            private string _text = "";
            public string Text { get => _text; set => _text = value.Trim(); }
            public volatile string Shared = "";
        }

        class C
        {
            public string Title { get; set; } = "";
            static string _log = "";

            static void Log(Item item) { }

            async Task M(Item item, Item other, string[] parts, Func<string> next)
            {
                foreach (var p in parts) { [|Title += p|]; }                         // a property of this
                foreach (var p in parts) { [|item.Label += p|]; }                    // virtual
                foreach (var p in parts) { [|item.Text += p|]; }                     // a setter with a body
                foreach (var p in parts) { [|item.Shared += p|]; }                   // volatile
                foreach (var p in parts) { [|item.Name += p|]; Log(item); }          // passed in the loop
                foreach (var p in parts) { [|item.Name += p|]; _ = other.Name; }     // another variable of the type
                foreach (var p in parts) { [|item.Name += p|]; Log(null); }          // calls code of the compilation
                foreach (var p in parts) { [|item.Name += next()|]; }                // invokes a delegate
                foreach (var p in parts) { [|item.Name += p|]; await Task.Yield(); } // awaits
                foreach (var p in parts) { [|item.Name = "<" + item.Name + p|]; if (item.Name.Length > 9) break; } // read in the loop
                foreach (var p in parts) { [|item.Name = "<" + item.Name + ">"|]; }  // a wrap: push and append are two steps
            }

            static void R(ref string s, string[] parts, System.Collections.Generic.List<string> list)
            {
                foreach (var p in list) { [|s += p|]; _log = _log.Length > 5 ? "" : _log; }  // a string field could be s
                foreach (var p in parts) { [|s += p|]; }                                     // R(ref parts[1], parts)
                for (var i = 0; i < list.Count; i++) { [|s += parts[i]|]; }                  // the same
            }
        }
        """);

    [Fact]
    public Task No_fix_for_UriBuilder_query_read_in_the_loop_or_a_prepend() => Verify.VerifyNoFixAsync("""
        using System;

        static class C
        {
            static void M(UriBuilder b, string[] parts)
            {
                foreach (var p in parts) { [|b.Query += p|]; Console.WriteLine(b.Uri); }
                foreach (var p in parts) { [|b.Query = p + b.Query|]; }
            }
        }
        """);
}
