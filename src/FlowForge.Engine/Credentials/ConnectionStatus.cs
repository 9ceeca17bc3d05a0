namespace FlowForge.Engine.Credentials;

/// <summary>Whether a connection can be used.</summary>
public enum ConnectionStatus
{
    /// <summary>Usable.</summary>
    Connected,

    /// <summary>The provider refused a refresh (or a test): runs using it fail until it is reconnected.</summary>
    Broken,
}
