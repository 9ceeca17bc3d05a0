using FlowForge.Storage.Sql;

namespace FlowForge.Server.Hosting;

internal sealed class StoreReadiness(IStorageHealth storage) : IReadinessCheck
{
    public string Name => "store";

    public ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken) => storage.IsReadyAsync(cancellationToken);
}
