using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Limits;
using FlowForge.Server.Connections.Providers;
using FlowForge.Server.Endpoints;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlowForge.Server.Connections;

/// <summary>
/// Reads and checks the parts of a connection request body, each kind's secret fields and settings: every problem is a
/// 400 naming the field (<c>secret.key</c>, <c>settings.in</c>…). Messages never quote a secret value.
/// </summary>
internal static partial class ConnectionInput
{
    public const double MaxPerSecond = 100_000;
    public const int MaxBurst = 1_000_000;
    public const int MaxProviderLength = 100;
    public const int MaxHeaderNameLength = 200;

    // Set by the client from the URL and body; a credential that set them would break the request.
    private static readonly string[] ReservedHeaders = ["host", "content-length", "transfer-encoding", "connection", "upgrade", "te", "trailer", "keep-alive"];

    /// <summary>The kinds the API creates; OAuth connections come from the provider's authorization round trip.</summary>
    public static readonly IReadOnlyDictionary<string, ConnectionKind> CreatableKinds = new Dictionary<string, ConnectionKind>(StringComparer.Ordinal)
    {
        ["apiKey"] = ConnectionKind.ApiKey,
        ["bearer"] = ConnectionKind.Bearer,
        ["basic"] = ConnectionKind.Basic,
        ["headers"] = ConnectionKind.Headers,
    };

    public static string? Name(JsonNode? value, ConnectionOptions limits, out ProblemHttpResult? problem)
    {
        problem = null;
        var name = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>().Trim() : null;
        if (name is null || name.Length == 0 || name.Length > limits.MaxNameLength || name.Any(char.IsControl))
        {
            problem = ApiProblems.BadRequest(
                $"'name' must be a string of 1 to {limits.MaxNameLength} characters (Connections:MaxNameLength) without control characters.", "name");
            return null;
        }

        return name;
    }

    public static ConnectionKind? Kind(JsonNode? value, out ProblemHttpResult? problem)
    {
        problem = null;
        var text = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        if (text is not null && CreatableKinds.TryGetValue(text, out var kind))
        {
            return kind;
        }

        problem = ApiProblems.BadRequest(
            text == "oauth2"
                ? "'kind' oauth2 connections are made by connecting to the provider, not created here; use apiKey, bearer, basic or headers."
                : "'kind' must be one of apiKey, bearer, basic or headers.",
            "kind");
        return null;
    }

    public static string? Provider(JsonNode? value, out ProblemHttpResult? problem)
    {
        problem = null;
        if (value is null)
        {
            return null;
        }

        var text = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        if (text is null || text.Length is 0 or > MaxProviderLength || !ProviderId().IsMatch(text))
        {
            problem = ApiProblems.BadRequest(
                $"'provider' must be a provider id of 1 to {MaxProviderLength} lower-case letters, digits, '.', '_' or '-' (such as slack), or left out.", "provider");
            return null;
        }

        return text;
    }

    /// <summary>
    /// The secret fields to seal for a connection of <paramref name="kind"/>, from the body's <c>secret</c> object. A basic
    /// secret needs a user name or a password (either may be empty, as RFC 7617 allows); both may be empty only when the
    /// connection's provider marks neither as required (an SMTP relay that takes mail without a login).
    /// </summary>
    public static Dictionary<string, string>? Secret(
        JsonNode? value, ConnectionKind kind, ConnectionOptions limits, out ProblemHttpResult? problem, ConnectionProvider? provider = null)
    {
        problem = null;
        if (value is not JsonObject secret)
        {
            problem = ApiProblems.BadRequest($"'secret' is required: an object with {Describe(kind)}.", "secret");
            return null;
        }

        Dictionary<string, string>? fields = kind switch
        {
            ConnectionKind.ApiKey => Fields(secret, [SecretFields.Key], [], headerSafe: true, out problem),
            ConnectionKind.Bearer => Fields(secret, [SecretFields.Token], [], headerSafe: true, out problem),
            ConnectionKind.Basic => Fields(secret, [SecretFields.Username, SecretFields.Password], [SecretFields.Username, SecretFields.Password], headerSafe: false, out problem),
            ConnectionKind.Headers => HeaderFields(secret, out problem),
            _ => null,
        };
        if (fields is null)
        {
            problem ??= ApiProblems.BadRequest("'kind' cannot be given a secret here.", "kind");
            return null;
        }

        if (kind == ConnectionKind.Basic && fields[SecretFields.Username].Length == 0 && fields[SecretFields.Password].Length == 0
            && !LoginOptional(provider))
        {
            problem = ApiProblems.BadRequest("'secret.username' or 'secret.password' is required: a basic connection needs at least one of them.", "secret.username");
            return null;
        }

        if (kind == ConnectionKind.Basic && fields[SecretFields.Username].Contains(':', StringComparison.Ordinal))
        {
            problem = ApiProblems.BadRequest("'secret.username' must not contain ':' (basic authentication cannot send it).", "secret.username");
            return null;
        }

        var bytes = fields.Sum(f => Encoding.UTF8.GetByteCount(f.Key) + Encoding.UTF8.GetByteCount(f.Value));
        if (bytes > limits.MaxSecretBytes)
        {
            problem = ApiProblems.BadRequest(
                string.Create(CultureInfo.InvariantCulture, $"'secret' holds {bytes} bytes; at most {limits.MaxSecretBytes} are allowed (Connections:MaxSecretBytes)."), "secret");
            return null;
        }

        return fields;
    }

    /// <summary>The settings JSON to keep (null for none); an API key's <c>in</c> and <c>name</c> are checked.</summary>
    public static string? Settings(JsonNode? value, ConnectionKind kind, ConnectionOptions limits, out ProblemHttpResult? problem)
    {
        problem = null;
        if (value is null)
        {
            return null;
        }

        if (value is not JsonObject settings)
        {
            problem = ApiProblems.BadRequest("'settings' must be an object, or left out.", "settings");
            return null;
        }

        var json = settings.ToJsonString();
        if (Encoding.UTF8.GetByteCount(json) > limits.MaxSettingsBytes)
        {
            problem = ApiProblems.BadRequest(
                $"'settings' is larger than {limits.MaxSettingsBytes} bytes (Connections:MaxSettingsBytes).", "settings");
            return null;
        }

        if (kind == ConnectionKind.ApiKey)
        {
            if (settings["in"] is { } place && !(place is JsonValue p && p.GetValueKind() == JsonValueKind.String
                && p.GetValue<string>() is ApiKeyPlacement.Header or ApiKeyPlacement.Query))
            {
                problem = ApiProblems.BadRequest("'settings.in' must be \"header\" or \"query\".", "settings.in");
                return null;
            }

            if (settings["name"] is { } named && !(named is JsonValue n && n.GetValueKind() == JsonValueKind.String && IsHeaderName(n.GetValue<string>())))
            {
                problem = ApiProblems.BadRequest(
                    $"'settings.name' must be a header or parameter name of 1 to {MaxHeaderNameLength} letters, digits or !#$%&'*+-.^_`|~ (such as X-Api-Key).", "settings.name");
                return null;
            }
        }

        return json;
    }

    public static RateLimitPolicy? RateLimit(JsonNode? value, out ProblemHttpResult? problem)
    {
        problem = null;
        if (value is null)
        {
            return null;
        }

        var perSecond = value is JsonObject o && o["perSecond"] is JsonValue rate && rate.GetValueKind() == JsonValueKind.Number ? rate.GetValue<double>() : double.NaN;
        if (!(perSecond > 0 && perSecond <= MaxPerSecond))
        {
            problem = ApiProblems.BadRequest(
                string.Create(CultureInfo.InvariantCulture, $"'rateLimit.perSecond' must be a number above 0 and at most {MaxPerSecond}."), "rateLimit.perSecond");
            return null;
        }

        var burst = value["burst"] is JsonValue b && b.GetValueKind() == JsonValueKind.Number && b.TryGetValue<int>(out var whole) ? whole : -1;
        if (burst is < 1 or > MaxBurst)
        {
            problem = ApiProblems.BadRequest(
                string.Create(CultureInfo.InvariantCulture, $"'rateLimit.burst' must be a whole number from 1 to {MaxBurst}."), "rateLimit.burst");
            return null;
        }

        return new RateLimitPolicy(burst, perSecond);
    }

    private static string Describe(ConnectionKind kind) => kind switch
    {
        ConnectionKind.ApiKey => "\"key\"",
        ConnectionKind.Bearer => "\"token\"",
        ConnectionKind.Basic => "\"username\" and \"password\"",
        _ => "\"headers\": { \"Name\": \"value\" }",
    };

    private static Dictionary<string, string>? Fields(JsonObject secret, string[] names, string[] mayBeEmpty, bool headerSafe, out ProblemHttpResult? problem)
    {
        problem = null;
        if (secret.Select(p => p.Key).FirstOrDefault(k => !names.Contains(k, StringComparer.Ordinal)) is { } unknown)
        {
            problem = ApiProblems.BadRequest($"'secret.{unknown}' is not a field of this kind; give only {string.Join(", ", names)}.", $"secret.{unknown}");
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            // A field that may be empty may also be left out (a form sends no empty fields).
            var optional = mayBeEmpty.Contains(name, StringComparer.Ordinal);
            var text = secret[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>()
                : optional && !secret.ContainsKey(name) ? string.Empty
                : null;
            if (text is null || (text.Length == 0 && !optional))
            {
                problem = ApiProblems.BadRequest($"'secret.{name}' is required: a non-empty string.", $"secret.{name}");
                return null;
            }

            if (headerSafe && text.Any(c => c is '\r' or '\n' or '\0'))
            {
                problem = ApiProblems.BadRequest($"'secret.{name}' must not contain line breaks.", $"secret.{name}");
                return null;
            }

            fields[name] = text;
        }

        return fields;
    }

    private static Dictionary<string, string>? HeaderFields(JsonObject secret, out ProblemHttpResult? problem)
    {
        problem = null;
        if (secret.Select(p => p.Key).FirstOrDefault(k => k != "headers") is { } unknown)
        {
            problem = ApiProblems.BadRequest($"'secret.{unknown}' is not a field of this kind; give only headers.", $"secret.{unknown}");
            return null;
        }

        if (secret["headers"] is not JsonObject headers || headers.Count == 0)
        {
            problem = ApiProblems.BadRequest("'secret.headers' is required: an object of one or more \"Header-Name\": \"value\".", "secret.headers");
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            var field = $"secret.headers.{name}";
            if (!IsHeaderName(name) || ReservedHeaders.Contains(name.ToLowerInvariant(), StringComparer.Ordinal))
            {
                problem = ApiProblems.BadRequest(
                    $"'{field}' is not a header a connection may set: use letters, digits or !#$%&'*+-.^_`|~, and not Host, Content-Length or other headers the client sets.", field);
                return null;
            }

            var text = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
            if (text is null || text.Any(c => c is '\r' or '\n' or '\0'))
            {
                problem = ApiProblems.BadRequest($"'{field}' must be a string without line breaks.", field);
                return null;
            }

            if (!fields.TryAdd(name, text))
            {
                problem = ApiProblems.BadRequest($"'{field}' is given twice (header names ignore case).", field);
                return null;
            }
        }

        return new Dictionary<string, string>(fields, StringComparer.Ordinal);
    }

    private static bool IsHeaderName(string name) => name.Length is > 0 and <= MaxHeaderNameLength && HeaderToken().IsMatch(name);

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ProviderId();

    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex HeaderToken();

    /// <summary>Whether the provider's form asks for neither a user name nor a password (both fields present, neither required).</summary>
    private static bool LoginOptional(ConnectionProvider? provider) =>
        provider?.Fields is { } fields
        && fields.Any(f => f.Name == SecretFields.Username && !f.Required)
        && fields.Any(f => f.Name == SecretFields.Password && !f.Required);
}
