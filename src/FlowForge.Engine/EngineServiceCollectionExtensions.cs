using FlowForge.Engine.Credentials;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Limits;
using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FlowForge.Engine;

public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the engine: plan compilation and cache, the coordinator, executor, dispatcher, timers and
    /// the hosted worker and recovery services. Providers (stores, queue, plan cache, events) registered
    /// before this call win; otherwise the in-process defaults are used.
    /// </summary>
    public static IServiceCollection AddFlowForgeEngine(this IServiceCollection services)
    {
        services.AddOptions<EngineOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EngineOptions>, EngineOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IWorkQueue, InProcessWorkQueue>();
        services.TryAddSingleton<ConsumerQuiet>();
        services.TryAddSingleton<IPlanCache, MemoryPlanCache>();
        services.TryAddSingleton<IRunEvents, RunEventHub>();
        services.TryAddSingleton<IRateLimiter, MemoryRateLimiter>();
        services.AddOptions<ConnectionRateLimitOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConnectionRateLimitOptions>, ConnectionRateLimitOptionsValidator>());
        services.TryAddSingleton<IProviderRateLimits, NoProviderRateLimits>();
        services.TryAddSingleton<INodeRateGate, NodeRateGate>();
        services.TryAddSingleton<FlowChecker>();
        services.TryAddSingleton<IPlanProvider, PlanProvider>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EngineOptions>, EngineOptionsValidator>());
        services.TryAddSingleton<WorkerIdentity>();
        services.TryAddSingleton<ClaimGiveBack>();
        services.TryAddSingleton<RunningNodes>();
        services.TryAddSingleton<DurableTimers>();
        services.TryAddSingleton<BlobReads>();
        services.TryAddSingleton<BlobInputBudget>();
        services.TryAddSingleton<SubflowRuns>();
        services.AddOptions<ConnectionOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConnectionOptions>, ConnectionOptionsValidator>());
        services.TryAddSingleton<NodeConnectionsFactory>();
        services.TryAddSingleton<NodeExecutor>();
        services.TryAddSingleton<ExecutionSlots>();
        services.TryAddSingleton<RunCoordinator>();
        services.TryAddSingleton<RunSignals>();

        services.TryAddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        services.TryAddSingleton<RecoveryService>();
        services.AddHostedService(sp => sp.GetRequiredService<RecoveryService>());
        // Before the worker service: the first heartbeat registers this worker before it claims anything.
        services.TryAddSingleton<LeaseHeartbeat>();
        services.AddHostedService(sp => sp.GetRequiredService<LeaseHeartbeat>());
        services.AddHostedService<WorkerService>();
        services.AddHostedService<EngineGaugeSampler>();
        return services;
    }
}
