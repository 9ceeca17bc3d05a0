namespace FlowForge.Engine.Storage;

/// <summary>
/// The store could not be reached or gave up on a transient failure (server down, failover, connection lost, pool
/// exhausted, deadlock): the same call may succeed shortly. Stores throw it so that callers need not know database
/// types; the API answers 503 with Retry-After. <see cref="Claim"/> is set when the failure came after a claim had
/// committed: the caller then owns that claim and gives it back.
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    public StoreUnavailableException()
    {
    }

    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    public StoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StoreUnavailableException(string message, Exception innerException, ClaimedNode claim)
        : base(message, innerException)
    {
        Claim = claim;
    }

    /// <summary>The claim that had committed before the failure, if any.</summary>
    public ClaimedNode? Claim { get; }
}
