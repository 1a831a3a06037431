namespace PerfAnalyzers.Tests.StateMachines;

/// <summary>The seed's entitlement governor (000_56e5e8e4608dd47b.txt) written against the [StateMachine] API.</summary>
internal static class EntitlementGovernorSource
{
    public const string Code = """
        using System.Collections.Generic;
        using PerfAnalyzers.Runtime.StateMachines;

        namespace Entitlements;

        public enum EntitlementState { Unentitled, PendingReview, Entitled, Revoked }

        [StateMachine(EntitlementState.Unentitled, MailboxCapacity = 100, FullMode = MailboxFullMode.Reject, Supervision = SupervisionPolicy.Restart, MaxRestarts = 3)]
        [Slo(P95Milliseconds = 30, P99Milliseconds = 50)]
        public partial class EntitlementGovernor
        {
            public sealed record Grant(string CustomerId) : IMessage;
            public sealed record Approve(string Reviewer) : IMessage;
            public sealed record Reject(string Reason) : IMessage;
            public sealed record Revoke(string Reason) : IMessage;
            public sealed record GetState : IMessage;
            [Priority(MessagePriority.High)] public sealed record Audit(string Note) : IMessage;

            public string? CustomerId { get; private set; }
            public List<string> AuditLog { get; } = new();
            public int Restarts { get; private set; }

            [On(EntitlementState.Unentitled)]
            private EntitlementState Handle(Grant grant)
            {
                if (grant.CustomerId.Length == 0)
                {
                    throw new System.ArgumentException("customer id required");
                }

                CustomerId = grant.CustomerId;
                TransitionTo(EntitlementState.PendingReview);
                return EntitlementState.PendingReview;
            }

            [On(EntitlementState.PendingReview)]
            private EntitlementState Handle(Approve approve)
            {
                TransitionTo(EntitlementState.Entitled);
                return State;
            }

            [On(EntitlementState.PendingReview)]
            private EntitlementState Handle(Reject reject)
            {
                TransitionTo(EntitlementState.Unentitled);
                return State;
            }

            [On(EntitlementState.PendingReview, EntitlementState.Entitled)]
            [Slo(P99Milliseconds = 50)]
            private EntitlementState Handle(Revoke revoke)
            {
                TransitionTo(EntitlementState.Revoked);
                return State;
            }

            [On]
            private EntitlementState Handle(GetState _) => State;

            [On, Batch(MaxSize = 10)]
            private void Handle(IReadOnlyList<Audit> batch)
            {
                foreach (var audit in batch)
                {
                    AuditLog.Add(audit.Note);
                }
            }

            partial void OnRestarting()
            {
                CustomerId = null;
                Restarts++;
            }
        }
        """;
}
