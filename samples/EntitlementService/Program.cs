System.Console.WriteLine("EntitlementService sample: not written yet (issue 5).");
