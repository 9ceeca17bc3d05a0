namespace FlowForge.Engine.Credentials;

/// <summary>
/// A node named a connection it cannot use: missing for the run's owner, of another provider, or broken. The message
/// names the connection and what to do (reconnect it, pick another); the node fails without a retry.
/// </summary>
public sealed class ConnectionUnusableException(string message) : Exception(message);
