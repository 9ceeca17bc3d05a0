using FlowForge.Server.Hosting;
using FlowForge.Storage.Sql;

namespace FlowForge.Server.Cli;

/// <summary><c>flowforge migrate</c>: applies the store's schema migrations and exits (deployments run it before rolling out).</summary>
internal static class MigrateCommand
{
    public static async Task<int> RunAsync(CommandLine line, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [.. FlowForgeCli.ToConfigurationArgs(line, ServeCommand.OptionNames)] });
        builder.Configuration.AddEnvironmentVariables(FlowForgeApp.EnvironmentPrefix);
        builder.Logging.ClearProviders();
        try
        {
            builder.Services.AddFlowForgeCore(builder.Configuration, "data");
            using var host = builder.Build();
            await host.Services.GetRequiredService<ISqlStorage>().MigrateAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or System.Data.Common.DbException)
        {
            await error.WriteLineAsync($"Migration failed: {ex.Message}");
            return 1;
        }

        await output.WriteLineAsync("The store's schema is up to date.");
        return 0;
    }
}
