using System.Text;

namespace FlowForge.Bench.Http;

/// <summary>
/// The bytes of one start of a phase's flow, built once: <c>POST /api/flows/{id}/runs</c> with Host, Authorization,
/// Content-Type, Content-Length, <c>Prefer: wait</c> in the wait modes, and the scenario's run input — the same
/// headers <see cref="HttpClient"/> sends, so the server does the same work for either client.
/// </summary>
public sealed class RunStartRequest
{
    public RunStartRequest(Uri server, string authorization, Guid flowId, string body, bool wait, int preferWaitSeconds, TimeSpan timeout)
    {
        if (server.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException($"the raw client speaks plain HTTP only, not {server.Scheme}; use --client httpclient", nameof(server));
        }

        Host = server.IdnHost;
        Port = server.Port;
        Wait = wait;
        Timeout = timeout;
        var content = Encoding.UTF8.GetBytes(body);
        var head = new StringBuilder()
            .Append("POST /api/flows/").Append(flowId.ToString("D")).Append("/runs HTTP/1.1\r\n")
            .Append("Host: ").Append(server.Authority).Append("\r\n")
            .Append("Authorization: ").Append(authorization).Append("\r\n")
            .Append("Content-Type: application/json; charset=utf-8\r\n")
            .Append("Content-Length: ").Append(content.Length).Append("\r\n");
        if (wait)
        {
            head.Append("Prefer: wait=").Append(preferWaitSeconds).Append("\r\n");
        }

        head.Append("\r\n");
        byte[] bytes = [.. Encoding.ASCII.GetBytes(head.ToString()), .. content];
        Bytes = bytes;
    }

    public string Host { get; }

    public int Port { get; }

    /// <summary>With <c>Prefer: wait</c>: the answer is the finished run (200), else the accepted one (202).</summary>
    public bool Wait { get; }

    /// <summary>How long an answer may take before the connection is dropped and the start counted as an error.</summary>
    public TimeSpan Timeout { get; }

    public ReadOnlyMemory<byte> Bytes { get; }

    public int ExpectedStatus => Wait ? 200 : 202;
}
