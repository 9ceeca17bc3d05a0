using System.Collections.Concurrent;
using FlowForge.Engine.Queueing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlowForge.Tests.Testing;

/// <summary>The in-process queue, keeping every message published through it (hops per flow).</summary>
public sealed class CountingWorkQueue(InProcessWorkQueue inner) : IWorkQueue, IQueueDepth
{
    private readonly ConcurrentQueue<WorkMessage> _published = new();

    public IReadOnlyList<WorkMessage> Published => [.. _published];

    public IReadOnlyList<WorkMessage> For(Guid runId) => [.. _published.Where(m => m.RunId == runId)];

    /// <summary>Makes this the engine's queue (pass to <see cref="EngineHarness.StartAsync"/>'s services).</summary>
    public static void Register(IServiceCollection services)
    {
        services.AddSingleton<InProcessWorkQueue>();
        services.AddSingleton<CountingWorkQueue>();
        services.Replace(ServiceDescriptor.Singleton<IWorkQueue>(sp => sp.GetRequiredService<CountingWorkQueue>()));
    }

    public ValueTask PublishAsync(IReadOnlyList<WorkMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            _published.Enqueue(message);
        }

        return inner.PublishAsync(messages, cancellationToken);
    }

    public Task ConsumeAsync(Func<WorkMessage, CancellationToken, Task> handler, int parallelism, CancellationToken cancellationToken) =>
        inner.ConsumeAsync(handler, parallelism, cancellationToken);

    public ValueTask<bool> IsReadyAsync(CancellationToken cancellationToken) => inner.IsReadyAsync(cancellationToken);

    public ValueTask<long> GetDepthAsync(CancellationToken cancellationToken) => inner.GetDepthAsync(cancellationToken);
}
