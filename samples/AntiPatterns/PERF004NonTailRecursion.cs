// PERF004: non-tail recursion whose depth grows with the input: one stack frame per element, and deep input ends the
// process with an uncatchable StackOverflowException. "Introduce an accumulator and convert to a loop" fixes the first
// three; the last two are reported without a fix.
namespace AntiPatterns;

public static class PERF004NonTailRecursion
{
    // The seed's sum_donations, in C#: the addition waits for the rest of the list.
    public static long SumAmounts(LineItem? item) => item is null ? 0 : item.AmountCents + SumAmounts(item.Next);

    public static long Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);

    // Counts commas by walking the string one character per call.
    public static int CountCommas(string csv, int index) =>
        index == csv.Length ? 0 : (csv[index] == ',' ? 1 : 0) + CountCommas(csv, index + 1);

    // decimal addition rounds: regrouping could change the total, so no fix is offered.
    public static decimal Total(LineItem? item) => item is null ? 0m : item.Price + Total(item.Next);

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
}

public sealed class LineItem
{
    public long AmountCents { get; init; }

    public decimal Price { get; init; }

    public LineItem? Next { get; init; }
}
