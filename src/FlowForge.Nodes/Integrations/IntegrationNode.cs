using System.Net.Http;
using System.Reflection;
using System.Text.Json.Nodes;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Nodes;
using Microsoft.Extensions.Options;

namespace FlowForge.Nodes.Integrations;

/// <summary>
/// The shape of an integration node: its settings name a connection of the node type's provider, and it calls the
/// provider's API through that connection's client; an error status fails the node with the API's own message. Nodes
/// say how to build the request and read the answer.
/// </summary>
public abstract class IntegrationNode<TSettings>(IOptions<IntegrationsOptions> options) : Node<TSettings>
    where TSettings : class, IConnectionSettings
{
    private string? _provider;

    protected IntegrationsOptions Limits => options.Value;

    /// <summary>The connection to pick, as the editor's message says it: <c>a Slack connection</c>.</summary>
    protected abstract string ConnectionHint { get; }

    /// <summary>The provider of the node type's attribute: connections of any other are refused.</summary>
    private string Provider => _provider ??= GetType().GetCustomAttribute<NodeTypeAttribute>()?.Provider
        ?? throw new InvalidOperationException($"{GetType().Name} declares no provider in its [NodeType] attribute.");

    protected sealed override IEnumerable<ConfigProblem> ValidateSettings(TSettings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.ConnectionId))
        {
            yield return new ConfigProblem("$.connectionId", $"connectionId is empty; pick {ConnectionHint}");
        }

        foreach (var problem in ValidateCall(settings))
        {
            yield return problem;
        }
    }

    /// <summary>The rules of the node's own settings that the schema cannot say (the connection is checked already).</summary>
    protected virtual IEnumerable<ConfigProblem> ValidateCall(TSettings settings) => [];

    /// <summary>Gets the connection the settings name and runs <paramref name="call"/> with it; faults become failures naming <paramref name="what"/>.</summary>
    protected Task<NodeResult> ConnectedAsync(
        TSettings settings, string what, NodeContext context, Func<NodeConnection, Task<NodeResult>> call, CancellationToken cancellationToken) =>
        IntegrationApi.GuardAsync(what, async () =>
        {
            var connection = await IntegrationApi.ConnectAsync(context, settings.ConnectionId, Provider, cancellationToken).ConfigureAwait(false);
            return await call(connection).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// Sends <paramref name="request"/> through the connection; an error status fails the node with what
    /// <paramref name="apiMessage"/> finds in the answer, any other answer is handed to <paramref name="read"/>.
    /// </summary>
    protected async Task<NodeResult> SendAsync(
        NodeConnection connection, HttpRequestMessage request, string what, NodeContext context,
        Func<JsonNode?, string?> apiMessage, Func<ApiResponse, NodeResult> read, CancellationToken cancellationToken)
    {
        var response = await IntegrationApi.SendAsync(connection.Http, request, Limits.MaxResponseBytes, context.Time, cancellationToken).ConfigureAwait(false);
        return response.IsSuccess ? read(response) : IntegrationApi.StatusFailure(what, response, apiMessage(response.Json));
    }
}
