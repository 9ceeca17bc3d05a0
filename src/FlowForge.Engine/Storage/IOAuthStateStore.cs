namespace FlowForge.Engine.Storage;

/// <summary>OAuth authorizations in progress, shared by every API process, each usable once.</summary>
public interface IOAuthStateStore
{
    Task AddOAuthStateAsync(OAuthStateRecord state, CancellationToken cancellationToken);

    /// <summary>
    /// Removes and returns the state with this hash (expired or not: the caller says why it is refused); null when there
    /// is none or another request took it first, so a state completes at most one authorization.
    /// </summary>
    Task<OAuthStateRecord?> TakeOAuthStateAsync(string stateHash, CancellationToken cancellationToken);

    /// <summary>Deletes states that expired before <paramref name="before"/>; returns how many.</summary>
    Task<int> PurgeExpiredOAuthStatesAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
