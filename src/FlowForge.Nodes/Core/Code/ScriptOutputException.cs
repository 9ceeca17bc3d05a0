namespace FlowForge.Nodes.Core.Code;

/// <summary>A script returned something that is not JSON data (a function, a cycle, too much); the message names where.</summary>
public sealed class ScriptOutputException(string message) : Exception(message);
