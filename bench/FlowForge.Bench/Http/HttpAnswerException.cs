namespace FlowForge.Bench.Http;

/// <summary>An answer that is not well-formed HTTP/1.1 or breaks a bound; the message names the problem and shows the answer's first bytes.</summary>
public sealed class HttpAnswerException : Exception
{
    public HttpAnswerException()
    {
    }

    public HttpAnswerException(string message)
        : base(message)
    {
    }

    public HttpAnswerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
