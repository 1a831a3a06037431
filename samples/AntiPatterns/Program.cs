// Each file in this project holds the anti-patterns of one rule, named after it (PERF001StringConcatenation.cs, ...).
// Build it to see the diagnostics: dotnet build samples/AntiPatterns --no-incremental
System.Console.WriteLine("PerfAnalyzers anti-pattern samples: build this project to see the diagnostics.");
