using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
namespace PerfAnalyzers.Runtime.StateMachines;

/// <summary>
/// Optional marker for message types. Message types nested in a state machine class that implement it are checked at
/// compile time: one that no state handles is reported (PERFSM006).
/// </summary>
public interface IMessage
{
}
