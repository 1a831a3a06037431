using PerfAnalyzers.CodeFixes;
using PerfAnalyzers.Rules;
using PerfAnalyzers.Tests.Verifiers;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>
/// PERF009 fix, run: the original and the fixed code (the verifier proves the fixed text is what Fix All produces) are
/// compiled and run on random inputs; every shape must give the same results before and after.
/// </summary>
public class PERF009RunTests
{
    private const string Original = """
        using System;
        using System.Collections.Generic;
        using System.Linq;

        public static class Pipelines
        {
            public static int[] Seed(int[] list) =>
                list.Select(x => x * 3 - 7).[|ToList()|].Where(x => x % 2 == 0).[|ToArray()|].Select(x => x / 2 + 1).ToArray();

            public static string Locals(int[] list)
            {
                var squares = list.Select(x => (long)x * x).[|ToList()|];
                var big = squares.Where(x => x > 100).[|ToArray()|];
                var parts = new List<string>();
                foreach (var b in big)
                {
                    parts.Add(b.ToString());
                }

                return string.Join(",", parts);
            }

            public static string Distinct(int[] list) => string.Join(",", list.Select(x => x % 17).[|ToHashSet()|].Select(x => x * 2));

            public static int Aggregates(int[] list) =>
                list.Where(x => x > 0).[|ToList()|].Count() + list.Select(x => x % 5).[|ToArray()|].Sum() + (list.OrderBy(x => x).[|ToList()|].FirstOrDefault());
        }
        """;

    private const string Fixed = """
        using System;
        using System.Collections.Generic;
        using System.Linq;

        public static class Pipelines
        {
            public static int[] Seed(int[] list) =>
                list.Select(x => x * 3 - 7).Where(x => x % 2 == 0).Select(x => x / 2 + 1).ToArray();

            public static string Locals(int[] list)
            {
                var parts = new List<string>();
                foreach (var b in list.Select(x => (long)x * x).Where(x => x > 100))
                {
                    parts.Add(b.ToString());
                }

                return string.Join(",", parts);
            }

            public static string Distinct(int[] list) => string.Join(",", list.Select(x => x % 17).Distinct().Select(x => x * 2));

            public static int Aggregates(int[] list) =>
                list.Where(x => x > 0).Count() + list.Select(x => x % 5).Sum() + (list.OrderBy(x => x).FirstOrDefault());
        }
        """;

    [Fact]
    public async Task Fixed_pipelines_give_the_same_results_on_random_inputs()
    {
        await CodeFixVerifier<PERF009IntermediateCollectionAnalyzer, PERF009RemoveIntermediateCollectionCodeFix>.VerifyFixAsync(Original, Fixed);

        var original = TestCompiler.CompileAndLoad(Original.Replace("[|", string.Empty).Replace("|]", string.Empty));
        var fixedAssembly = TestCompiler.CompileAndLoad(Fixed);
        var random = new Random(20261206);
        for (var run = 0; run < 200; run++)
        {
            var input = new int[random.Next(0, 300)];
            for (var i = 0; i < input.Length; i++)
            {
                input[i] = random.Next(-1000, 1000);
            }

            Assert.Equal((int[])TestCompiler.Invoke(original, "Pipelines", "Seed", input)!, (int[])TestCompiler.Invoke(fixedAssembly, "Pipelines", "Seed", input)!);
            foreach (var name in new[] { "Locals", "Distinct", "Aggregates" })
            {
                Assert.Equal(TestCompiler.Invoke(original, "Pipelines", name, input), TestCompiler.Invoke(fixedAssembly, "Pipelines", name, input));
            }
        }
    }
}
