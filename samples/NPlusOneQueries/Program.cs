System.Console.WriteLine("NPlusOneQueries sample: not written yet (issue 6).");
