using System.Text;
using Microsoft.AspNetCore.HttpLogging;

namespace FlowForge.Server.Hosting;

/// <summary>
/// Request log lines keep the query string but not the bearer token the live hub takes from it (<c>access_token</c>:
/// browsers cannot set headers on WebSocket requests).
/// </summary>
internal sealed class RequestLogRedaction : IHttpLoggingInterceptor
{
    public const string Redacted = "[redacted]";

    private static readonly string[] SecretParameters = ["access_token"];

    public ValueTask OnRequestAsync(HttpLoggingInterceptorContext logContext)
    {
        var query = logContext.HttpContext.Request.QueryString;
        if (query.HasValue && logContext.TryDisable(HttpLoggingFields.RequestQuery))
        {
            logContext.AddParameter("QueryString", Redact(query.Value!));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask OnResponseAsync(HttpLoggingInterceptorContext logContext) => ValueTask.CompletedTask;

    /// <summary>The query string with the value of every secret parameter replaced; everything else as sent.</summary>
    public static string Redact(string query)
    {
        var text = query.StartsWith('?') ? query[1..] : query;
        var redacted = new StringBuilder(query.Length).Append('?');
        foreach (var pair in text.Split('&'))
        {
            if (redacted.Length > 1)
            {
                redacted.Append('&');
            }

            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            var name = separator < 0 ? pair : pair[..separator];
            redacted.Append(SecretParameters.Contains(Uri.UnescapeDataString(name), StringComparer.OrdinalIgnoreCase) ? $"{name}={Redacted}" : pair);
        }

        return redacted.ToString();
    }
}
