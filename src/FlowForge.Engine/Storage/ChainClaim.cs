namespace FlowForge.Engine.Storage;

/// <summary>
/// Asks a completion to claim, in its own transaction, one of the children it makes Ready, for
/// <see cref="WorkerId"/> until <see cref="LeaseUntil"/>: that child becomes Running for the worker (its lease renewed by
/// the worker's heartbeat like any claim) and no work message is written for it. The others get their messages as before.
/// </summary>
public sealed record ChainClaim(Guid WorkerId, DateTimeOffset LeaseUntil)
{
    /// <summary>
    /// When set, only this node is claimed, whichever completion of the write (<see cref="NodeCompletion.Preceding"/>)
    /// makes it Ready: the node of a pure region that ran after them and must run again from its own claim.
    /// </summary>
    public string? NodeId { get; init; }
}
