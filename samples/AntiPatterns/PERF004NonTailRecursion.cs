// PERF004: non-tail recursion whose depth grows with the input: one stack frame per element, and deep input ends the
// process with an uncatchable StackOverflowException. "Introduce an accumulator and convert to a loop" fixes the first
// three; "Convert to a loop" the short-circuit search; "Convert to a loop with an explicit stack" the others (decimal
// rounding, work after the call, string building, a list filled after the call). Fib is reported without a fix.
using System;
using System.Collections.Generic;

namespace AntiPatterns;

public static class PERF004NonTailRecursion
{
    // The seed's sum_donations, in C#: the addition waits for the rest of the list.
    public static long SumAmounts(LineItem? item) => item is null ? 0 : item.AmountCents + SumAmounts(item.Next);

    public static long Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);

    // Counts commas by walking the string one character per call.
    public static int CountCommas(string csv, int index) =>
        index == csv.Length ? 0 : (csv[index] == ',' ? 1 : 0) + CountCommas(csv, index + 1);

    // decimal addition rounds: regrouping could change the total, so the prices wait in a stack, added in the same order.
    public static decimal Total(LineItem? item) => item is null ? 0m : item.Price + Total(item.Next);

    // A resource held per frame (a using declaration): the explicit stack keeps each frame's resource and disposes them
    // innermost first, as the nested calls did.
    public static string Trail(LineItem? item)
    {
        using var buffer = new System.IO.MemoryStream();
        if (item is null)
        {
            return "";
        }

        return item.AmountCents + ";" + Trail(item.Next);
    }

    // Work after the call: the frames pile up before anything is printed.
    public static void PrintReversed(LineItem? item)
    {
        if (item is null)
        {
            return;
        }

        PrintReversed(item.Next);
        System.Console.WriteLine(item.Price);
    }

    // A short-circuit search: becomes a plain loop.
    public static bool ContainsPrice(LineItem? item, decimal price) => item != null && (item.Price == price || ContainsPrice(item.Next, price));

    // String building around the call.
    public static string Describe(LineItem? item) => item is null ? "end" : item.AmountCents + " -> " + Describe(item.Next);

    // The list is filled after the call returns: last item first.
    public static List<long> AmountsReversed(LineItem? item)
    {
        if (item is null)
        {
            return new List<long>();
        }

        if (item.AmountCents < 0)
        {
            throw new ArgumentException("negative amount");
        }

        var amounts = AmountsReversed(item.Next);
        amounts.Add(item.AmountCents);
        return amounts;
    }

    // Two calls on a path: not linear, so no fix (the depth is n, but the work is exponential; use a loop by hand).
    public static long Fib(int n) => n < 2 ? n : Fib(n - 1) + Fib(n - 2);
}

public sealed class LineItem
{
    public long AmountCents { get; init; }

    public decimal Price { get; init; }

    public LineItem? Next { get; init; }
}
