namespace FlowForge.Server.Hosting;

/// <summary>A dependency that must answer before the process reports ready (store, cache…).</summary>
public interface IReadinessCheck
{
    string Name { get; }

    ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken);
}
