using System.CommandLine;
using FlowForge.Server.Hosting;
using FlowForge.Storage.Sql;

namespace FlowForge.Server.Cli;

/// <summary><c>flowforge migrate</c>: applies the store's schema migrations and exits (deployments run it before rolling out).</summary>
internal static class MigrateCommand
{
    public static Command Create(IReadOnlyList<string> settings) =>
        SettingOption.ServerCommand("migrate", "Apply the store's schema migrations and exit", settings, RunAsync);

    private static async Task<int> RunAsync(IReadOnlyList<string> configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (await CliHost.TryBuildAsync(CliHost.ForConfiguredStore(configuration), "data", "flowforge migrate", error) is not { } host)
        {
            return FlowForgeCli.UsageError;
        }

        using (host)
        {
            try
            {
                await host.Services.GetRequiredService<ISqlStorage>().MigrateAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or System.Data.Common.DbException)
            {
                await error.WriteLineAsync($"Migration failed: {ex.Message}");
                return 1;
            }
        }

        await output.WriteLineAsync("The store's schema is up to date.");
        return 0;
    }
}
