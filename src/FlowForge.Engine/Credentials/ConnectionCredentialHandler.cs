using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FlowForge.Engine.Limits;

namespace FlowForge.Engine.Credentials;

/// <summary>
/// Adds a connection's credential to each request. For OAuth it refreshes a token about to expire before sending and,
/// on a 401, refreshes once and sends again (the body is buffered for that). A 429 becomes a
/// <see cref="ProviderRateLimitedException"/> after the provider's <c>Retry-After</c>.
/// </summary>
internal sealed class ConnectionCredentialHandler(StoredNodeConnection connection) : DelegatingHandler
{
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (connection.Kind == ConnectionKind.OAuth2)
        {
            await connection.EnsureFreshAsync(cancellationToken).ConfigureAwait(false);
        }

        if (connection.CanRefresh && request.Content is { } content)
        {
            await content.LoadIntoBufferAsync(connection.Options.MaxRequestBufferBytes, cancellationToken).ConfigureAwait(false);
        }

        var url = request.RequestUri ?? throw new InvalidOperationException("The request has no URL.");
        Authenticate(request, url);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized && connection.CanRefresh)
        {
            response.Dispose();
            await connection.RefreshAsync(force: true, cancellationToken).ConfigureAwait(false);
            Authenticate(request, url);
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var wait = RetryAfter(response);
            response.Dispose();
            throw new ProviderRateLimitedException(
                string.Create(CultureInfo.InvariantCulture,
                    $"{connection.Provider ?? "The service"} answered 429 Too Many Requests for connection '{connection.Name}'; trying again in {wait.TotalSeconds:0.###} s."),
                wait);
        }

        return response;
    }

    private void Authenticate(HttpRequestMessage request, Uri url)
    {
        var secret = connection.OpenSecret();
        switch (connection.Kind)
        {
            case ConnectionKind.ApiKey:
                var placement = ApiKeyPlacement.From(connection.Current.SettingsJson);
                var key = connection.Field(secret, SecretFields.Key);
                if (placement.InQuery)
                {
                    request.RequestUri = WithQuery(url, placement.Name, key);
                }
                else
                {
                    SetHeader(request, placement.Name, key);
                }

                break;
            case ConnectionKind.Bearer:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", connection.Field(secret, SecretFields.Token));
                break;
            case ConnectionKind.OAuth2:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", connection.Field(secret, SecretFields.AccessToken));
                break;
            case ConnectionKind.Basic:
                var pair = $"{connection.Field(secret, SecretFields.Username, mayBeEmpty: true)}:{connection.Field(secret, SecretFields.Password, mayBeEmpty: true)}";
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
                break;
            case ConnectionKind.Headers:
                foreach (var (name, value) in secret)
                {
                    SetHeader(request, name, value);
                }

                break;
            default:
                throw new ConnectionUnusableException($"Connection '{connection.Name}' ({connection.Id}) is of a kind this server cannot send.");
        }
    }

    private static void SetHeader(HttpRequestMessage request, string name, string value)
    {
        request.Headers.Remove(name);
        if (!request.Headers.TryAddWithoutValidation(name, value))
        {
            request.Content ??= new ByteArrayContent([]);
            request.Content.Headers.Remove(name);
            request.Content.Headers.TryAddWithoutValidation(name, value);
        }
    }

    private static Uri WithQuery(Uri url, string name, string value)
    {
        var builder = new UriBuilder(url);
        var pair = Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value);
        builder.Query = builder.Query.Length > 1 ? builder.Query[1..] + "&" + pair : pair;
        return builder.Uri;
    }

    private TimeSpan RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - connection.Time.GetUtcNow() : DefaultRetryAfter);
        var max = TimeSpan.FromSeconds(connection.Options.MaxRetryAfterSeconds);
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > max ? max : wait;
    }
}
