using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Connections.Providers;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Connections.OAuth;

/// <summary>
/// Calls providers' token and revoke endpoints through the guarded outbound client (the SSRF guard of <c>Http</c>), each
/// call bounded in time and in answer size. A refusal throws <see cref="OAuthRefusedException"/>; a provider that is
/// down or slow throws <see cref="HttpRequestException"/>, which a retry may cure.
/// </summary>
internal sealed class OAuthTokenClient(IHttpClientFactory clients, IOptions<OAuthOptions> options)
{
    public const string ClientName = "FlowForge.OAuth";

    private const int MaxReasonLength = 300;

    public Task<OAuthTokens> ExchangeCodeAsync(OAuthApp app, string code, string redirectUri, string? verifier, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = redirectUri };
        if (verifier is not null)
        {
            form["code_verifier"] = verifier;
        }

        return RequestTokensAsync(app, form, cancellationToken);
    }

    public Task<OAuthTokens> RefreshAsync(OAuthApp app, string refreshToken, CancellationToken cancellationToken) =>
        RequestTokensAsync(app, new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken }, cancellationToken);

    /// <summary>Tells the provider to forget the tokens; true when it confirmed. Never throws for the provider's sake.</summary>
    public async Task<bool> RevokeAsync(OAuthApp app, string token, string tokenTypeHint, CancellationToken cancellationToken)
    {
        if (app.RevokeUrl is null)
        {
            return false;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.RevokeTimeoutSeconds));
        using var request = BuildRevokeRequest(app, token, tokenTypeHint);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            if (app.Provider.TokenResponse == TokenResponseShape.Slack)
            {
                var body = await ReadBodyAsync(response, timeout.Token);
                return ParseBody(body, response.Content.Headers.ContentType)?["ok"] is JsonValue ok && ok.TryGetValue<bool>(out var confirmed) && confirmed;
            }

            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or InvalidDataException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static HttpRequestMessage BuildRevokeRequest(OAuthApp app, string token, string tokenTypeHint)
    {
        switch (app.Provider.RevokeStyle)
        {
            case RevokeStyle.TokenQuery:
                return new HttpRequestMessage(HttpMethod.Post, QueryHelpers.AddQueryString(app.RevokeUrl!, "token", token))
                {
                    Content = new FormUrlEncodedContent([]),
                };
            case RevokeStyle.Bearer:
            {
                var request = new HttpRequestMessage(HttpMethod.Post, app.RevokeUrl) { Content = new FormUrlEncodedContent([]) };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return request;
            }

            case RevokeStyle.GithubGrant:
            {
                var url = app.RevokeUrl!.Replace("{clientId}", Uri.EscapeDataString(app.ClientId), StringComparison.Ordinal);
                var request = new HttpRequestMessage(HttpMethod.Delete, url)
                {
                    Content = new StringContent(new JsonObject { ["access_token"] = token }.ToJsonString(), Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = BasicCredentials(app);
                request.Headers.Accept.ParseAdd("application/vnd.github+json");
                return request;
            }

            default:
            {
                var form = new Dictionary<string, string> { ["token"] = token, ["token_type_hint"] = tokenTypeHint };
                var request = new HttpRequestMessage(HttpMethod.Post, app.RevokeUrl);
                AddClientCredentials(app, request, form);
                request.Content = new FormUrlEncodedContent(form);
                return request;
            }
        }
    }

    private async Task<OAuthTokens> RequestTokensAsync(OAuthApp app, Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, app.TokenUrl);
        // GitHub answers form-encoded unless asked for JSON; everyone else ignores the header or agrees.
        request.Headers.Accept.ParseAdd("application/json");
        AddClientCredentials(app, request, form);
        request.Content = new FormUrlEncodedContent(form);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.TokenRequestTimeoutSeconds));
        HttpResponseMessage response;
        string text;
        try
        {
            response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            text = await ReadBodyAsync(response, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException($"{app.Provider.DisplayName}'s token endpoint did not answer within {options.Value.TokenRequestTimeoutSeconds} s (Connections:TokenRequestTimeoutSeconds).");
        }

        using (response)
        {
            var status = response.StatusCode;
            if ((int)status >= 500 || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout)
            {
                throw new HttpRequestException($"{app.Provider.DisplayName}'s token endpoint answered {(int)status}; try again later.", null, status);
            }

            var body = ParseBody(text, response.Content.Headers.ContentType);
            if (app.Provider.TokenResponse == TokenResponseShape.Slack && body?["ok"] is JsonValue ok && ok.TryGetValue<bool>(out var isOk) && !isOk)
            {
                throw new OAuthRefusedException(Bounded((string?)body["error"]) ?? "refused", null);
            }

            if (body?["error"] is JsonValue error)
            {
                throw new OAuthRefusedException(Bounded(error.ToString()) ?? "refused", Bounded((string?)body["error_description"]));
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new OAuthRefusedException($"HTTP {(int)status}", null);
            }

            var source = body;
            if (app.Provider.TokenResponse == TokenResponseShape.Slack && body?["access_token"] is null && body?["authed_user"] is JsonObject user)
            {
                source = user;
            }

            if (source?["access_token"] is not JsonValue access || access.GetValueKind() != JsonValueKind.String || ((string)access!).Length == 0)
            {
                throw new OAuthRefusedException("invalid_response", "The token endpoint's answer has no access_token.");
            }

            return new OAuthTokens(
                (string)access!,
                NonEmpty(source["refresh_token"]),
                NonEmpty(source["token_type"]) ?? "Bearer",
                NonEmpty(source["id_token"]),
                ExpiresIn(source["expires_in"]),
                NonEmpty(source["scope"]) is { } scope ? scope.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries) : null);
        }
    }

    private async Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxTokenResponseBytes;
        if (response.Content.Headers.ContentLength > max)
        {
            throw new HttpRequestException($"The provider's answer is larger than {max} bytes (Connections:MaxTokenResponseBytes).");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[max + 1];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
        {
            read += n;
        }

        if (read > max)
        {
            throw new HttpRequestException($"The provider's answer is larger than {max} bytes (Connections:MaxTokenResponseBytes).");
        }

        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    private static JsonObject? ParseBody(string text, MediaTypeHeaderValue? contentType)
    {
        if (contentType?.MediaType == "application/x-www-form-urlencoded")
        {
            var form = new JsonObject();
            foreach (var (key, value) in QueryHelpers.ParseQuery(text))
            {
                form[key] = value.ToString();
            }

            return form;
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void AddClientCredentials(OAuthApp app, HttpRequestMessage request, Dictionary<string, string> form)
    {
        if (app.Provider.ClientAuth == ClientAuthMethod.Basic && app.ClientSecret is not null)
        {
            request.Headers.Authorization = BasicCredentials(app);
            return;
        }

        form["client_id"] = app.ClientId;
        if (app.ClientSecret is not null)
        {
            form["client_secret"] = app.ClientSecret;
        }
    }

    // RFC 6749 section 2.3.1: each part form-encoded before joining.
    private static AuthenticationHeaderValue BasicCredentials(OAuthApp app) => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(
        $"{Uri.EscapeDataString(app.ClientId)}:{Uri.EscapeDataString(app.ClientSecret ?? "")}")));

    private static string? NonEmpty(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && (string?)value is { Length: > 0 } text ? text : null;

    private static int? ExpiresIn(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n) && n > 0 => (int)Math.Min(n, int.MaxValue),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && int.TryParse((string?)v, out var n) && n > 0 => n,
        _ => null,
    };

    private static string? Bounded(string? text) => text is null ? null : text.Length <= MaxReasonLength ? text : text[..MaxReasonLength];
}
