using Orleans;
using PerfAnalyzers.Runtime.StateMachines;

namespace EntitlementService;

/// <summary>The states of the seed's gen_statem <c>entitlement_governor</c> (000_56e5e8e4608dd47b.txt).</summary>
[GenerateSerializer]
public enum EntitlementState { Unentitled, PendingReview, Entitled, Revoked }

/// <summary>
/// The seed's entitlement governor as a generated state machine: grant (unentitled → pending_review), approve
/// (→ entitled), reject (→ unentitled), revoke (→ revoked), get-state; plus reinstate (revoked → unentitled) so that a load
/// can cycle, and a high-priority, batched audit cast. A full mailbox refuses work (the seed's <c>{error, queue_full}</c>).
/// </summary>
[StateMachine(EntitlementState.Unentitled, MailboxCapacity = 64, FullMode = MailboxFullMode.Reject,
              Supervision = SupervisionPolicy.Restart, MaxRestarts = 100, RestartWindowSeconds = 10)]
[Slo(P95Milliseconds = 30, P99Milliseconds = 50)]
public partial class EntitlementGovernor(string tenantId, int index)
{
    // [GenerateSerializer]/[Id]: Orleans serialization, for --cluster (messages travel between silos); harmless locally.
    [GenerateSerializer] public sealed record Grant([property: Id(0)] string CustomerId) : IMessage;
    [GenerateSerializer] public sealed record Approve([property: Id(0)] string Reviewer) : IMessage;
    [GenerateSerializer] public sealed record Reject([property: Id(0)] string Reason) : IMessage;
    [GenerateSerializer] public sealed record Revoke([property: Id(0)] string Reason) : IMessage;
    [GenerateSerializer] public sealed record Reinstate : IMessage;
    [GenerateSerializer] public sealed record GetState : IMessage;
    [GenerateSerializer, Priority(MessagePriority.High)] public sealed record Audit([property: Id(0)] string Note) : IMessage;

    private string? _customerId;
    private long _audited;

    public string TenantId { get; } = tenantId;

    public int Index { get; } = index;

    public long Audited => Interlocked.Read(ref _audited);

    [On(EntitlementState.Unentitled)]
    private EntitlementState Handle(Grant grant)
    {
        _customerId = grant.CustomerId;
        Emit("grant_requested");
        TransitionTo(EntitlementState.PendingReview);
        return EntitlementState.PendingReview;
    }

    [On(EntitlementState.PendingReview)]
    private EntitlementState Handle(Approve approve)
    {
        Emit("approved");
        TransitionTo(EntitlementState.Entitled);
        return EntitlementState.Entitled;
    }

    [On(EntitlementState.PendingReview)]
    private EntitlementState Handle(Reject reject)
    {
        _customerId = null;
        TransitionTo(EntitlementState.Unentitled);
        return EntitlementState.Unentitled;
    }

    [On(EntitlementState.PendingReview, EntitlementState.Entitled)]
    [Slo(P99Milliseconds = 50)]
    private EntitlementState Handle(Revoke revoke)
    {
        Emit("revoked");
        TransitionTo(EntitlementState.Revoked);
        return EntitlementState.Revoked;
    }

    [On(EntitlementState.Revoked)]
    private EntitlementState Handle(Reinstate reinstate)
    {
        _customerId = null;
        TransitionTo(EntitlementState.Unentitled);
        return EntitlementState.Unentitled;
    }

    [On]
    [Slo(P99Milliseconds = 10)]
    private EntitlementState Handle(GetState query) => State;

    [On, Batch(MaxSize = 100)]
    private void Handle(IReadOnlyList<Audit> batch) => Interlocked.Add(ref _audited, batch.Count);

    partial void OnRestarting() => _customerId = null;

    // The seed's emit_receipt: a little CPU work standing in for building a receipt.
    private void Emit(string what)
    {
        var hash = 17;
        foreach (var c in what)
        {
            hash = (hash * 31) + c;
        }

        foreach (var c in _customerId ?? "")
        {
            hash = (hash * 31) + c;
        }

        Thread.SpinWait(20 + (hash & 15));
    }
}
