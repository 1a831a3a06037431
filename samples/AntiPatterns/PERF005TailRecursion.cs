// PERF005: tail recursion. C# does not guarantee tail calls, so each step takes a stack frame and deep input ends the
// process with an uncatchable StackOverflowException. "Convert tail recursion to a loop" rewrites each method below.
using System.Collections.Generic;

namespace AntiPatterns;

public static class PERF005TailRecursion
{
    // Euclid's algorithm, written the functional way.
    public static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    // Walks a string by index: one frame per character.
    public static int CountSpaces(string text, int index, int count)
    {
        if (index == text.Length)
        {
            return count;
        }

        return CountSpaces(text, index + 1, text[index] == ' ' ? count + 1 : count);
    }

    // Linked list with an accumulator (the "good" Elixir shape), still one frame per node in .NET.
    public static decimal Total(Donation? donation, decimal acc) =>
        donation is null ? acc : Total(donation.Next, acc + donation.Amount);

    // A void walker whose last action is the recursive call.
    public static void Flatten(List<string> output, string[] lines, int index)
    {
        if (index >= lines.Length)
        {
            return;
        }

        output.Add(lines[index].Trim());
        Flatten(output, lines, index + 1);
    }
}

public sealed class Donation
{
    public decimal Amount { get; init; }

    public Donation? Next { get; init; }
}
