namespace FlowForge.Nodes.Integrations;

/// <summary>An API answered with more than the node may read; the node fails without a retry.</summary>
internal sealed class ResponseTooLargeException(string message) : Exception(message);
