using System.Net.Http;
using FlowForge.Engine.Credentials;
using Microsoft.Extensions.Options;

namespace FlowForge.Nodes.Http;

/// <summary>Connections send through the same guarded handler as <c>http.request</c>, under the same <c>Http</c> limits.</summary>
public sealed class OutboundHttp(IHttpMessageHandlerFactory handlers, IOptions<HttpOptions> options) : IOutboundHttp
{
    // The factory's handlers are pooled and outlive the clients built on them: disposing one does nothing.
    public HttpMessageHandler CreateHandler() => handlers.CreateHandler(HttpServiceCollectionExtensions.ClientName);

    public long MaxResponseBytes => options.Value.MaxResponseBytes;

    public TimeSpan Timeout => options.Value.DefaultTimeout;
}
