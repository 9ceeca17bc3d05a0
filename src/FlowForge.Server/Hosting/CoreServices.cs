using FlowForge.Engine;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Nodes.Core;
using FlowForge.Storage.Sql;

namespace FlowForge.Server.Hosting;

/// <summary>What every FlowForge process needs, with or without HTTP: providers, node types and the engine.</summary>
internal static class CoreServices
{
    public static IServiceCollection AddFlowForgeCore(this IServiceCollection services, IConfiguration configuration, string defaultDataDirectory)
    {
        services.Configure<FlowLimits>(configuration.GetSection(FlowLimits.Section));
        services.AddOptions<EngineOptions>().BindConfiguration(EngineOptions.Section).ValidateOnStart();

        services.AddSqlStorage(ProviderSelection.StorageOptions(configuration, defaultDataDirectory));
        services.AddSelectedProviders(configuration, ProviderKinds.Read(configuration));
        services.AddNodeTypes(typeof(ManualTriggerNode).Assembly);
        services.AddFlowForgeEngine();
        return services;
    }
}
