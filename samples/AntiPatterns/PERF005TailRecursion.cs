// PERF005: tail recursion. C# does not guarantee tail calls, so each step takes a stack frame and deep input ends the
// process with an uncatchable StackOverflowException. "Convert tail recursion to a loop" rewrites each method below.
using System;
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

    // Tail calls in the arms of a switch expression.
    public static decimal Largest(Donation? donation, decimal best) => donation switch
    {
        null => best,
        { Amount: < 0 } => throw new ArgumentException("negative donation"),
        _ => Largest(donation.Next, donation.Amount > best ? donation.Amount : best),
    };

    // A cached answer, or the rest of the list: a tail call on the right of ??.
    public static decimal FirstAmount(Donation donation, decimal? cached) =>
        cached ?? (donation.Next is null ? donation.Amount : FirstAmount(donation.Next, null));

    // A local function that calls itself in tail position.
    public static int CountWords(string text)
    {
        return Count(0, 0);

        int Count(int index, int words) => index >= text.Length ? words : Count(index + 1, text[index] == ' ' ? words + 1 : words);
    }
}

public sealed class Donation
{
    public decimal Amount { get; init; }

    public Donation? Next { get; init; }
}
