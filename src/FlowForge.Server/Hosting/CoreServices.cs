using FlowForge.Engine;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Nodes.Core;
using FlowForge.Server.Triggers;
using FlowForge.Storage.Sql;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Hosting;

/// <summary>What every FlowForge process needs, with or without HTTP: providers, node types and the engine.</summary>
internal static class CoreServices
{
    public static IServiceCollection AddFlowForgeCore(this IServiceCollection services, IConfiguration configuration, ProviderKinds kinds, string defaultDataDirectory)
    {
        services.AddValidatedOptions<FlowLimits, FlowLimitsValidator>(FlowLimits.Section);
        services.AddValidatedOptions<EngineOptions, EngineOptionsValidator>(EngineOptions.Section);
        services.AddValidatedOptions<PlanCacheOptions, PlanCacheOptionsValidator>(PlanCacheOptions.Section);
        services.AddValidatedOptions<ExecutionOptions, ExecutionOptionsValidator>(ExecutionOptions.Section);
        services.AddScheduleOptions();

        services.AddSqlStorage(ProviderSelection.StorageOptions(configuration, kinds, defaultDataDirectory));
        services.AddSelectedProviders(configuration, kinds);
        services.AddNodeTypes(typeof(ManualTriggerNode).Assembly);
        services.AddFlowForgeEngine();
        return services;
    }
}
