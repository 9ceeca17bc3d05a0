namespace FlowForge.Engine.Credentials;

/// <summary>
/// The connections a node execution may use: those of the run's owner. Handed to nodes as
/// <see cref="Nodes.NodeContext.Connections"/>; the engine builds one per execution.
/// </summary>
public interface INodeConnections
{
    /// <summary>
    /// The owner's connection <paramref name="connectionId"/>, ready to use. Throws <see cref="ConnectionUnusableException"/>
    /// when it does not exist for this owner, is of another provider than <paramref name="provider"/> (when given), or is
    /// broken (a refresh the provider refused): the message says which connection to fix.
    /// </summary>
    ValueTask<NodeConnection> GetAsync(string connectionId, string? provider, CancellationToken cancellationToken);
}
