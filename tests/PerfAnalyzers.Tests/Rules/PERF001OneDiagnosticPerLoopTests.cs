using Microsoft.CodeAnalysis;
using PerfAnalyzers.Tests.Verifiers;
using Verify = PerfAnalyzers.Tests.Verifiers.AnalyzerVerifier<PerfAnalyzers.Rules.PERF001StringConcatenationInLoopAnalyzer>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// One diagnostic per real problem (issue #18): several appends to the same local or parameter within one repetition
/// (smartstore's SerializationUtils: <c>output += ...</c> in both branches of an <c>if</c>) are one string grown in one
/// loop, with one fix that turns all of them into appends. Only the first reported append in source order is reported,
/// within the outermost repetition over which the string lives. Separate loops, different strings and fields (whose
/// instances may differ) are reported as before.
/// </summary>
public class PERF001OneDiagnosticPerLoopTests
{
    [Fact]
    public Task Appends_to_one_local_in_one_loop_are_reported_once() => Verify.VerifyAsync("""
        using System.Collections.Generic;

        class C
        {
            string M(List<object?> items, string separator)
            {
                var output = "";
                foreach (var item in items)
                {
                    if (item is not null)
                    {
                        [|output += item + separator|];
                    }
                    else
                    {
                        output += "n/a" + separator;
                    }

                    output = output + ";";
                }

                return output;
            }
        }
        """);

    [Fact]
    public Task Appends_in_nested_loops_over_which_the_string_lives_are_reported_once() => Verify.VerifyAsync("""
        using System.Collections.Generic;

        class C
        {
            string M(List<List<string>> rows)
            {
                var csv = "";
                foreach (var row in rows)
                {
                    foreach (var cell in row)
                    {
                        [|csv += cell + ","|];
                    }

                    csv += "\n";
                }

                return csv;
            }
        }
        """);

    [Fact]
    public Task Separate_loops_and_separate_strings_are_reported_each() => Verify.VerifyAsync("""
        using System.Collections.Generic;

        class C
        {
            (string, string) M(List<string> properties, List<string> fields, string acc)
            {
                var output = "";
                foreach (var property in properties)
                {
                    [|output += property|];
                    [|acc += property|];
                }

                foreach (var field in fields)
                {
                    [|output += field|];
                }

                return (output, acc);
            }
        }
        """);

    [Fact]
    public Task A_first_append_that_is_not_reported_does_not_hide_the_next() => Verify.VerifyAsync("""
        using System.Collections.Generic;
        using System.IO;

        class C
        {
            string M(List<string> names)
            {
                var path = "";
                foreach (var name in names)
                {
                    // A probe loop: not reported (its condition reads the whole string).
                    while (File.Exists(path))
                    {
                        path += "_1";
                    }

                    [|path += "/" + name|];
                }

                return path;
            }
        }
        """);

    [Fact]
    public Task Fields_are_still_reported_per_append() => Verify.VerifyAsync("""
        using System.Collections.Generic;

        class C
        {
            private string _log = "";

            void M(List<string> items)
            {
                foreach (var item in items)
                {
                    [|_log += item|];
                    [|_log += ";"|];
                }
            }
        }
        """);
}
