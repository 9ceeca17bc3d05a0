namespace FlowForge.Engine.Storage;

/// <summary>
/// A store operation failed for a reason that passes (connections exhausted, failover, deadlock, timeout):
/// the same operation may succeed in a moment. Stores wrap their drivers' errors in it so that the engine
/// names no database types. <see cref="Claim"/> is set when the failure came after a claim had committed:
/// the caller then owns that claim and must give it back.
/// </summary>
public sealed class TransientStoreException : Exception
{
    public TransientStoreException()
    {
    }

    public TransientStoreException(string message)
        : base(message)
    {
    }

    public TransientStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public TransientStoreException(string message, Exception innerException, ClaimedNode claim)
        : base(message, innerException)
    {
        Claim = claim;
    }

    /// <summary>The claim that had committed before the failure, if any.</summary>
    public ClaimedNode? Claim { get; }
}
