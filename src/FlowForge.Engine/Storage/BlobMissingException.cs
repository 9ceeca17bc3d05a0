namespace FlowForge.Engine.Storage;

/// <summary>A row references a blob that is not in the <see cref="IBlobStore"/> (removed by hand, or a lost volume).</summary>
public sealed class BlobMissingException : Exception
{
    public BlobMissingException()
    {
    }

    public BlobMissingException(string message)
        : base(message)
    {
    }

    public BlobMissingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
