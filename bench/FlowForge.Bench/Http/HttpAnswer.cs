namespace FlowForge.Bench.Http;

/// <summary>
/// One HTTP/1.1 answer read by <see cref="HttpAnswerReader"/>: its status, whether the server closes the connection
/// after it, and its whole body (valid until the reader reads the next answer).
/// </summary>
public readonly record struct HttpAnswer(int Status, bool Close, ReadOnlyMemory<byte> Body);
