namespace FlowForge.Engine.Storage;

/// <summary>
/// Asks a completion to claim, in its own transaction, one of the children it makes Ready, for
/// <see cref="WorkerId"/> until <see cref="LeaseUntil"/>: that child becomes Running for the worker (its lease renewed by
/// the worker's heartbeat like any claim) and no work message is written for it. The others get their messages as before.
/// </summary>
public sealed record ChainClaim(Guid WorkerId, DateTimeOffset LeaseUntil);
