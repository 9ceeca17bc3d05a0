using System.Collections.Concurrent;
using System.Net;
using FlowForge.Engine.Credentials;

namespace FlowForge.Tests.Credentials;

/// <summary>
/// Answers every request with the next scripted response (200 when none is left) and keeps what was sent: the URL,
/// the Authorization header, the other headers and the body as they left the connection's handler.
/// </summary>
public sealed class StubOutboundHttp : IOutboundHttp
{
    public ConcurrentQueue<Func<HttpResponseMessage>> Responses { get; } = new();

    public ConcurrentQueue<SentRequest> Sent { get; } = new();

    public long MaxResponseBytes => 1024 * 1024;

    public TimeSpan Timeout => TimeSpan.FromSeconds(30);

    public HttpMessageHandler CreateHandler() => new Handler(this);

    public sealed record SentRequest(Uri Url, string? Authorization, IReadOnlyDictionary<string, string> Headers, string? Body);

    private sealed class Handler(StubOutboundHttp owner) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            owner.Sent.Enqueue(new SentRequest(request.RequestUri!, request.Headers.Authorization?.ToString(), headers, body));
            return owner.Responses.TryDequeue(out var next) ? next() : new HttpResponseMessage(HttpStatusCode.OK);
        }
    }
}
