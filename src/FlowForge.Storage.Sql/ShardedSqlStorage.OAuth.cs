using FlowForge.Engine.Storage;

namespace FlowForge.Storage.Sql;

/// <summary>OAuth states and named locks live beside the accounts, on shard 0.</summary>
public sealed partial class ShardedSqlStorage
{
    public Task AddOAuthStateAsync(OAuthStateRecord state, CancellationToken cancellationToken) =>
        Home.AddOAuthStateAsync(state, cancellationToken);

    public Task<OAuthStateRecord?> TakeOAuthStateAsync(string stateHash, CancellationToken cancellationToken) =>
        Home.TakeOAuthStateAsync(stateHash, cancellationToken);

    public Task<int> PurgeExpiredOAuthStatesAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        Home.PurgeExpiredOAuthStatesAsync(before, cancellationToken);

    public Task<bool> TryAcquireLockAsync(string name, string holder, TimeSpan lease, CancellationToken cancellationToken) =>
        Home.TryAcquireLockAsync(name, holder, lease, cancellationToken);

    public Task ReleaseLockAsync(string name, string holder, CancellationToken cancellationToken) =>
        Home.ReleaseLockAsync(name, holder, cancellationToken);
}
