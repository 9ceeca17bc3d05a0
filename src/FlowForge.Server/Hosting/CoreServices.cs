using FlowForge.Engine;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Nodes.Core;
using FlowForge.Nodes.Core.Code;
using FlowForge.Server.Auth.KeyRing;
using FlowForge.Server.Triggers;
using FlowForge.Storage.Sql;
using FlowForge.Storage.Sql.Sqlite;
using Microsoft.Extensions.Options;
using FlowForge.Nodes.Http;

namespace FlowForge.Server.Hosting;

/// <summary>What every FlowForge process needs, with or without HTTP: providers, node types and the engine.</summary>
internal static class CoreServices
{
    /// <param name="processName">How this process names itself to another one refused by its data folder lock (<c>flowforge serve</c>).</param>
    public static IServiceCollection AddFlowForgeCore(
        this IServiceCollection services, IConfiguration configuration, ProviderKinds kinds, string defaultDataDirectory, string processName)
    {
        services.AddValidatedOptions<FlowLimits, FlowLimitsValidator>(FlowLimits.Section);
        services.AddValidatedOptions<EngineOptions, EngineOptionsValidator>(EngineOptions.Section);
        services.AddValidatedOptions<PlanCacheOptions, PlanCacheOptionsValidator>(PlanCacheOptions.Section);
        services.AddValidatedOptions<ExecutionOptions, ExecutionOptionsValidator>(ExecutionOptions.Section);
        services.AddValidatedOptions<CodeOptions, CodeOptionsValidator>(CodeOptions.Section);
        services.AddScheduleOptions();
        services.AddValidatedOptions<ConnectionOptions, ConnectionOptionsValidator>(ConnectionOptions.Section);

        var storage = ProviderSelection.StorageOptions(configuration, kinds, defaultDataDirectory);
        services.AddSqlStorage(storage);

        // Taken before the store is first opened (InitializeAsync, the run command); released when the container is disposed.
        services.AddSingleton(_ => DataFolderLock.Acquire(storage, processName));
        services.AddSelectedProviders(configuration, kinds);
        services.AddValidatedOptions<HttpOptions, HttpOptionsValidator>(HttpOptions.Section);
        services.AddNodeTypes(typeof(ManualTriggerNode).Assembly).AddOutboundHttp();
        services.AddPlugins(configuration);
        // Every role opens connection secrets, so every process shares the key ring.
        services.AddSharedKeyRing(kinds);
        services.AddFlowForgeEngine();
        return services;
    }
}
