namespace FlowForge.Nodes.Http;

/// <summary>Thrown by <see cref="SsrfGuard"/> when a request would reach an address the guard refuses.</summary>
public sealed class DestinationRefusedException : Exception
{
    public DestinationRefusedException()
    {
    }

    public DestinationRefusedException(string message)
        : base(message)
    {
    }

    public DestinationRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
