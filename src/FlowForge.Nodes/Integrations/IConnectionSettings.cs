namespace FlowForge.Nodes.Integrations;

/// <summary>The settings of a node that acts through one of the user's connections.</summary>
public interface IConnectionSettings
{
    string ConnectionId { get; }
}
