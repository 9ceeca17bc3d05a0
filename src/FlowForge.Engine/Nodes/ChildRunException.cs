namespace FlowForge.Engine.Nodes;

/// <summary>A child run cannot be started, for a reason the flow's author can fix (the message says which).</summary>
public sealed class ChildRunException : Exception
{
    public ChildRunException()
    {
    }

    public ChildRunException(string message)
        : base(message)
    {
    }

    public ChildRunException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
