using Verify5 = PerfAnalyzers.Tests.Verifiers.CodeFixVerifier<PerfAnalyzers.Rules.PERF005TailRecursionAnalyzer, PerfAnalyzers.CodeFixes.PERF005ConvertTailRecursionToLoopCodeFix>;

namespace PerfAnalyzers.Tests.Rules;

/// <summary>PERF004/PERF005 fixes keep their lines under 120 characters: a long parameter reassignment gets one value per line.</summary>
public class RecursionLineWrappingTests
{
    [Fact]
    public Task Long_reassignment_is_wrapped() => Verify5.VerifyFixAsync("""
        using System;

        public static class Stats
        {
            public static long Total(int[] measurements, int currentPosition, long runningTotalOfMeasurements, long runningCountOfMeasurements)
            {
                if (currentPosition >= measurements.Length)
                {
                    return runningCountOfMeasurements == 0 ? 0 : runningTotalOfMeasurements / runningCountOfMeasurements;
                }

                if (measurements[currentPosition] < 0)
                {
                    throw new ArgumentException("negative measurement");
                }

                return [|Total(measurements, currentPosition + 1, runningTotalOfMeasurements + measurements[currentPosition], runningCountOfMeasurements + 1)|];
            }
        }
        """, """
        using System;

        public static class Stats
        {
            public static long Total(int[] measurements, int currentPosition, long runningTotalOfMeasurements, long runningCountOfMeasurements)
            {
                while (true)
                {
                    if (currentPosition >= measurements.Length)
                    {
                        return runningCountOfMeasurements == 0 ? 0 : runningTotalOfMeasurements / runningCountOfMeasurements;
                    }

                    if (measurements[currentPosition] < 0)
                    {
                        throw new ArgumentException("negative measurement");
                    }

                    (currentPosition, runningTotalOfMeasurements, runningCountOfMeasurements) = (
                        currentPosition + 1,
                        runningTotalOfMeasurements + measurements[currentPosition],
                        runningCountOfMeasurements + 1);
                }
            }
        }
        """);
}
