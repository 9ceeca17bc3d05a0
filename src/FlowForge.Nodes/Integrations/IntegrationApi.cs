using System.Globalization;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Json;
using FlowForge.Engine.Limits;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Http;

namespace FlowForge.Nodes.Integrations;

/// <summary>
/// What the integration nodes share: getting the named connection, sending JSON through its client, reading the answer
/// within <see cref="IntegrationsOptions.MaxResponseBytes"/>, and turning transport faults and error statuses into
/// failures that say whether a retry could help. A 429 becomes <see cref="ProviderRateLimitedException"/> so the engine
/// defers the node.
/// </summary>
internal static class IntegrationApi
{
    /// <summary>Used when a 429 carries no Retry-After.</summary>
    public static readonly TimeSpan DefaultRateLimitWait = TimeSpan.FromSeconds(60);

    private const int ErrorTextChars = 500;

    public static async Task<NodeConnection> ConnectAsync(NodeContext context, string connectionId, string provider, CancellationToken cancellationToken)
    {
        if (context.Connections is not { } connections)
        {
            throw new ConnectionUnusableException($"This host gives nodes no connections, so connection '{connectionId}' cannot be used.");
        }

        return await connections.GetAsync(connectionId, provider, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><paramref name="baseUrl"/> with <paramref name="path"/> (already escaped) after its own path.</summary>
    public static Uri Combine(Uri baseUrl, string path) =>
        new($"{baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/')}/{path.TrimStart('/')}", UriKind.Absolute);

    public static HttpRequestMessage JsonRequest(HttpMethod method, Uri url, JsonNode body) => new(method, url)
    {
        Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" }),
    };

    /// <summary>Runs one call, turning connection, transport and timeout faults into failures that name <paramref name="what"/>.</summary>
    public static async Task<NodeResult> GuardAsync(string what, Func<Task<NodeResult>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (ConnectionUnusableException ex)
        {
            return NodeResult.Fail(ex.Message);
        }
        catch (ResponseTooLargeException ex)
        {
            return NodeResult.Fail($"{what} failed: {ex.Message}; ask for less or raise the limit.");
        }
        catch (HttpRequestException ex) when (HttpResponseReader.Refusal(ex) is { } refusal)
        {
            return NodeResult.Fail($"{what} was not sent. {refusal.Message}");
        }
        catch (HttpRequestException ex)
        {
            return NodeResult.Fail($"{what} failed: {HttpResponseReader.Innermost(ex).Message}", retryable: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The connection's client gave up (its timeout): the service may answer next time.
            return NodeResult.Fail($"{what} timed out; the request was aborted.", retryable: true);
        }
    }

    /// <summary>Sends <paramref name="request"/> and reads at most <paramref name="maxBytes"/> of the answer.</summary>
    public static async Task<ApiResponse> SendAsync(
        HttpClient client, HttpRequestMessage request, long maxBytes, TimeProvider time, CancellationToken cancellationToken)
    {
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var (bytes, complete) = await HttpResponseReader.ReadCappedAsync(response.Content, maxBytes, cancellationToken).ConfigureAwait(false);
        if (!complete)
        {
            throw new ResponseTooLargeException(string.Create(CultureInfo.InvariantCulture,
                $"the answer is larger than {IntegrationsOptions.Section}:{nameof(IntegrationsOptions.MaxResponseBytes)} ({maxBytes:N0} bytes)"));
        }

        var text = Encoding.UTF8.GetString(bytes);
        JsonNode? json = null;
        if (bytes.Length > 0 && JsonPolicy.TryParse(bytes, out var parsed, out _))
        {
            json = parsed;
        }

        return new ApiResponse(status, response.ReasonPhrase, json, text, HttpResponseReader.RetryAfter(response, time.GetUtcNow()));
    }

    /// <summary>
    /// The failure for an error status: <paramref name="apiMessage"/> is what the API said (its error shape). 5xx is
    /// retryable; 429 throws <see cref="ProviderRateLimitedException"/>; other statuses are not retried.
    /// </summary>
    public static NodeResult StatusFailure(string what, ApiResponse response, string? apiMessage)
    {
        var said = apiMessage ?? Quote(response.Text);
        var message = string.Create(CultureInfo.InvariantCulture,
            $"{what} answered {response.Status} {response.ReasonPhrase}{(string.IsNullOrWhiteSpace(said) ? "" : $": {said}")}");
        if (response.Status == 429)
        {
            throw new ProviderRateLimitedException(message, response.RetryAfter ?? DefaultRateLimitWait);
        }

        return NodeResult.Fail(message, retryable: response.Status >= 500);
    }

    /// <summary>A string member of a JSON object, or null.</summary>
    public static string? Text(JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static string Quote(string text)
    {
        text = text.Trim();
        return text.Length > ErrorTextChars ? text[..ErrorTextChars] + "…" : text;
    }
}
