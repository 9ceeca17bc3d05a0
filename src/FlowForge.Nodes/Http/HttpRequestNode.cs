using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Nodes;
using Microsoft.Extensions.Options;

namespace FlowForge.Nodes.Http;

[NodeType("http.request", "HTTP Request", Icon = "globe", Category = NodeCategory.Action,
    Description = "Calls a URL and outputs { status, headers, body }. A status outside 2xx fails the node (retryable for 5xx and 429, after the server's Retry-After) unless failOnStatus is false. Internal addresses are refused unless the server allows them (Http:AllowPrivateNetworks, Http:AllowedHosts). With a connectionId, the connection's credentials are added to requests to the URL's origin.")]
public sealed partial class HttpRequestNode(IHttpClientFactory clients, IOptions<HttpOptions> options, SsrfGuard guard) : Node<HttpRequestNode.Settings>
{
    public sealed record Settings(
        string Method,
        string Url,
        JsonObject? Query = null,
        JsonObject? Headers = null,
        JsonNode? Body = null,
        string BodyType = BodyTypes.Json,
        string ResponseType = ResponseTypes.Auto,
        bool FailOnStatus = true,
        bool FollowRedirects = true,
        int? MaxRedirects = null,
        long? TimeoutMs = null,
        string? ConnectionId = null);

    /// <summary>The longest a request's <c>timeoutMs</c> may be: one day, as an attempt's.</summary>
    public const long MaxTimeoutMs = 24L * 60 * 60 * 1000;

    /// <summary>How much of a failed response's text the error quotes.</summary>
    private const int ErrorBodyChars = 500;

    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    // Set by the client from the URL and body; a config that sets them would break the request or bypass the guard's view of it.
    private static readonly string[] ReservedHeaders = ["host", "content-length", "transfer-encoding", "connection", "upgrade", "te", "trailer", "keep-alive"];

    // Not sent on to another origin when a redirect leaves the one they were written for.
    private static readonly string[] CredentialHeaders = ["authorization", "proxy-authorization", "cookie"];

    protected override async Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        if (!Uri.TryCreate(WithQuery(settings.Url, settings.Query), UriKind.Absolute, out var url))
        {
            return NodeResult.Fail("config is invalid at $.url: the URL is not valid; write it as https://host/path");
        }

        if (SsrfGuard.CheckUrl(url) is { } urlProblem)
        {
            return NodeResult.Fail($"config is invalid at $.url: {urlProblem}");
        }

        var timeout = settings.TimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : limits.DefaultTimeout;
        using var deadline = new CancellationTokenSource(timeout, context.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var client = clients.CreateClient(HttpServiceCollectionExtensions.ClientName);
        NodeConnection? connection = null;
        var method = new HttpMethod(settings.Method.ToUpperInvariant());
        var sendBody = true;
        var credentialsOrigin = Origin(url);
        var maxRedirects = settings.FollowRedirects ? settings.MaxRedirects ?? limits.MaxRedirects : 0;
        try
        {
            if (!string.IsNullOrWhiteSpace(settings.ConnectionId))
            {
                connection = await ConnectAsync(context, settings.ConnectionId, linked.Token).ConfigureAwait(false);
            }

            for (var redirects = 0; ; redirects++)
            {
                var sameOrigin = string.Equals(Origin(url), credentialsOrigin, StringComparison.Ordinal);
                var sender = client;
                if (connection is not null && sameOrigin)
                {
                    // The connection's client is built elsewhere: the guard's address rules are applied here too, so
                    // credentials never open a way to an internal address.
                    await guard.AllowedAddressesAsync(url.Host, linked.Token).ConfigureAwait(false);
                    sender = connection.Http;
                }

                using var request = BuildRequest(settings, method, url, sendBody, sameOrigin);
                using var response = await sender.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                if (settings.FollowRedirects && IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
                {
                    if (redirects >= maxRedirects)
                    {
                        return NodeResult.Fail(string.Create(CultureInfo.InvariantCulture,
                            $"{Describe(method, url)} redirected more than {maxRedirects} times; raise maxRedirects (up to {HttpOptions.Section}:{nameof(HttpOptions.MaxRedirects)}, {limits.MaxRedirects}) or call the final URL."));
                    }

                    var next = location.IsAbsoluteUri ? location : new Uri(url, location);
                    if (SsrfGuard.CheckUrl(next) is { } redirectProblem)
                    {
                        return NodeResult.Fail($"{Describe(method, url)} redirected to a URL that cannot be followed: {redirectProblem}.");
                    }

                    (method, sendBody) = AfterRedirect(response.StatusCode, method, sendBody);
                    url = next;
                    continue;
                }

                return await ReadResponseAsync(settings, method, url, response, limits, context, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return NodeResult.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{Describe(method, url)} timed out after {timeout.TotalMilliseconds:0} ms (timeoutMs); the request was aborted."), retryable: true);
        }
        catch (ConnectionUnusableException ex)
        {
            return NodeResult.Fail(ex.Message);
        }
        catch (DestinationRefusedException ex)
        {
            return NodeResult.Fail($"{Describe(method, url)} was not sent. {ex.Message}");
        }
        catch (HttpRequestException ex) when (HttpResponseReader.Refusal(ex) is { } refusal)
        {
            return NodeResult.Fail($"{Describe(method, url)} was not sent. {refusal.Message}");
        }
        catch (HttpRequestException ex)
        {
            // Connection refused, reset, DNS failure: often passing, so a retry policy may try again.
            return NodeResult.Fail($"{Describe(method, url)} failed: {HttpResponseReader.Innermost(ex).Message}", retryable: true);
        }
    }

    private static async Task<NodeConnection> ConnectAsync(NodeContext context, string connectionId, CancellationToken cancellationToken)
    {
        if (context.Connections is not { } connections)
        {
            throw new ConnectionUnusableException($"This host gives nodes no connections, so connection '{connectionId}' cannot be used.");
        }

        // Any provider: a stored API key or token for whatever API the URL names.
        return await connections.GetAsync(connectionId, provider: null, cancellationToken).ConfigureAwait(false);
    }

    private static HttpRequestMessage BuildRequest(Settings settings, HttpMethod method, Uri url, bool sendBody, bool sameOrigin)
    {
        var request = new HttpRequestMessage(method, url);
        if (sendBody && settings.Body is { } body)
        {
            request.Content = settings.BodyType switch
            {
                BodyTypes.Form => new FormUrlEncodedContent(body.AsObject().Select(p => new KeyValuePair<string, string>(p.Key, ScalarText(p.Value)))),
                BodyTypes.Raw => new StringContent(ScalarText(body), Encoding.UTF8, new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" }),
                _ => new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" }),
            };
        }

        foreach (var (name, value) in settings.Headers ?? [])
        {
            if (!sameOrigin && CredentialHeaders.Contains(name.ToLowerInvariant(), StringComparer.Ordinal))
            {
                continue;
            }

            var values = value is JsonArray many ? many.Select(ScalarText).ToArray() : [ScalarText(value)];
            if (!request.Headers.TryAddWithoutValidation(name, values))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, values);
            }
        }

        return request;
    }

    private static (HttpMethod Method, bool SendBody) AfterRedirect(HttpStatusCode status, HttpMethod method, bool sendBody) => status switch
    {
        // 307 and 308 repeat the request as it was; 303 always, and 301/302 after a POST, continue with a GET (as browsers do).
        HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect => (method, sendBody),
        HttpStatusCode.SeeOther when method != HttpMethod.Head => (HttpMethod.Get, false),
        HttpStatusCode.Moved or HttpStatusCode.Found when method == HttpMethod.Post => (HttpMethod.Get, false),
        _ => (method, sendBody),
    };

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
        or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static string WithQuery(string url, JsonObject? query)
    {
        if (query is null || query.Count == 0)
        {
            return url;
        }

        var builder = new StringBuilder(url);
        var fragment = url.IndexOf('#', StringComparison.Ordinal);
        var tail = fragment >= 0 ? url[fragment..] : "";
        if (fragment >= 0)
        {
            builder.Length = fragment;
        }

        var separator = url.AsSpan(0, fragment >= 0 ? fragment : url.Length).Contains('?') ? '&' : '?';
        foreach (var (name, value) in query)
        {
            foreach (var item in value is JsonArray many ? many.ToArray() : [value])
            {
                builder.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(ScalarText(item)));
                separator = '&';
            }
        }

        return builder.Append(tail).ToString();
    }

    /// <summary>A scalar config value as the text sent: strings as they are, numbers and booleans as JSON writes them, null as empty.</summary>
    private static string ScalarText(JsonNode? value) => value switch
    {
        null => "",
        JsonValue text when text.GetValueKind() == System.Text.Json.JsonValueKind.String => text.GetValue<string>(),
        _ => value.ToJsonString(),
    };

    private static string Origin(Uri url) => url.GetLeftPart(UriPartial.Authority).ToLowerInvariant();

    /// <summary>The request as errors name it: method and URL without its query, which can carry keys.</summary>
    private static string Describe(HttpMethod method, Uri url) => $"{method} {url.GetLeftPart(UriPartial.Path)}";
}
