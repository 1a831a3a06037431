using System;
using System.Globalization;

namespace PerfAnalyzers.CodeFixes.Common;

/// <summary>Writes a <see cref="TimeSpan"/> as code a person would write: <c>TimeSpan.FromMinutes(5)</c>, not ticks.</summary>
internal static class TimeSpanSyntax
{
    /// <summary>
    /// The largest whole unit that states <paramref name="value"/> exactly: <c>FromDays</c> (2 days or more),
    /// <c>FromHours</c>, <c>FromMinutes</c>, <c>FromSeconds</c>, <c>FromMilliseconds</c>, else <c>FromTicks</c>.
    /// One day is written <c>FromHours(24)</c>. <paramref name="typeName"/> is how the type is spelled
    /// (e.g. <c>System.TimeSpan</c>, to be simplified later).
    /// </summary>
    public static string ToCode(TimeSpan value, string typeName = "TimeSpan")
    {
        var ticks = value.Ticks;
        string method;
        long amount;
        if (ticks % TimeSpan.TicksPerDay == 0 && ticks / TimeSpan.TicksPerDay >= 2)
        {
            method = "FromDays";
            amount = ticks / TimeSpan.TicksPerDay;
        }
        else if (ticks % TimeSpan.TicksPerHour == 0)
        {
            method = "FromHours";
            amount = ticks / TimeSpan.TicksPerHour;
        }
        else if (ticks % TimeSpan.TicksPerMinute == 0)
        {
            method = "FromMinutes";
            amount = ticks / TimeSpan.TicksPerMinute;
        }
        else if (ticks % TimeSpan.TicksPerSecond == 0)
        {
            method = "FromSeconds";
            amount = ticks / TimeSpan.TicksPerSecond;
        }
        else if (ticks % TimeSpan.TicksPerMillisecond == 0)
        {
            method = "FromMilliseconds";
            amount = ticks / TimeSpan.TicksPerMillisecond;
        }
        else
        {
            method = "FromTicks";
            amount = ticks;
        }

        return typeName + "." + method + "(" + amount.ToString(CultureInfo.InvariantCulture) + ")";
    }
}
