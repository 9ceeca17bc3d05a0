using System.CommandLine;
using FlowForge.Engine.Graphs;
using FlowForge.Server.Hosting;
using FlowForge.Server.Triggers;
using FlowForge.Storage.Sql;

namespace FlowForge.Server.Cli;

/// <summary>
/// <c>flowforge flows activate|deactivate ID</c>: turns a flow's webhook and schedule triggers on or off in the configured
/// store, as the owner would through <c>POST /api/flows/{id}/activate</c>; for operators working on the deployment.
/// </summary>
internal static class FlowsCommand
{
    public static Command Create(IReadOnlyList<string> settings)
    {
        var flows = new Command("flows", "Work on saved flows in the store");
        flows.Subcommands.Add(Toggle("activate", "Turn a flow's webhook and schedule triggers on", true, settings));
        flows.Subcommands.Add(Toggle("deactivate", "Turn a flow's webhook and schedule triggers off", false, settings));
        return flows;
    }

    private static Command Toggle(string name, string description, bool active, IReadOnlyList<string> settings)
    {
        var id = new Argument<Guid>("id") { Description = "The flow's id" };
        var options = SettingOption.ForServer().Where(o => o.Key.StartsWith(SqlStorageOptions.Section + ":", StringComparison.Ordinal)).ToList();
        var command = new Command(name, description) { id };
        foreach (var option in options)
        {
            command.Options.Add(option.Option);
        }

        command.SetAction((parse, cancellationToken) =>
        {
            List<string> configuration = [.. options.Select(o => o.ToConfigurationArgument(parse)).OfType<string>(), .. settings];
            return RunAsync(parse.GetValue(id), active, configuration, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(Guid flowId, bool active, List<string> configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (await CliHost.TryBuildAsync(CliHost.ForConfiguredStore(configuration), "data", "flowforge flows", error) is not { } host)
        {
            return FlowForgeCli.UsageError;
        }

        using (host)
        {
            var store = host.Services.GetRequiredService<ISqlStorage>();
            var time = host.Services.GetRequiredService<TimeProvider>();
            await store.MigrateAsync(cancellationToken);

            // Version 1 always exists and names the owner; the flow may have been deleted since (then activation finds nothing).
            var owner = (await store.GetVersionAsync(flowId, 1, cancellationToken))?.OwnerId;
            var flow = owner is { } ownerId ? await store.GetAsync(flowId, ownerId, null, cancellationToken) : null;
            if (flow is null)
            {
                await error.WriteLineAsync($"Flow {flowId} was not found.");
                return 1;
            }

            var check = host.Services.GetRequiredService<FlowChecker>().Check(flow.Json);
            if (active)
            {
                if (!check.IsValid)
                {
                    await error.WriteLineAsync($"Flow {flowId} is invalid: {string.Join(" ", check.Problems.Select(p => p.Message))}");
                    return 1;
                }

                if (!TriggerRules.HasActivatableTrigger(check.Document!))
                {
                    await error.WriteLineAsync($"Flow {flowId} has no webhook or schedule trigger, so there is nothing to activate.");
                    return 1;
                }

                var candidates = TriggerNodes.Webhooks(check.Document!).Select(n => WebhookKeys.Create(n.Id)).ToList();
                if (candidates.Count > 0)
                {
                    await store.EnsureWebhookKeysAsync(flowId, candidates, time.GetUtcNow(), cancellationToken);
                }
            }

            var activation = await store.SetActiveAsync(flowId, flow.OwnerId, active, time.GetUtcNow(), cancellationToken);
            if (activation is null)
            {
                await error.WriteLineAsync($"Flow {flowId} was not found.");
                return 1;
            }

            await output.WriteLineAsync($"Flow {flowId} is {(activation.Active ? "active" : "inactive")}.");
            if (activation.Active && check.Document is { } document)
            {
                var webhooks = TriggerNodes.Webhooks(document).Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
                foreach (var key in (await store.ListWebhookKeysAsync(flowId, cancellationToken)).Where(k => webhooks.Contains(k.NodeId)))
                {
                    await output.WriteLineAsync($"  webhook '{key.NodeId}': /hooks/{key.Key}");
                }
            }
        }

        return 0;
    }
}
