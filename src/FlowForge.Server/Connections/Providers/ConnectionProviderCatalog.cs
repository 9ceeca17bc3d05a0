using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using FlowForge.Server.Connections.OAuth;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Connections.Providers;

/// <summary>
/// Every provider: the built-in data files, those of <see cref="OAuthOptions.ProvidersFolder"/>, each with its
/// client credentials and URL overrides from configuration. Read once at start.
/// </summary>
public sealed partial class ConnectionProviderCatalog
{
    private const string ResourcePrefix = "FlowForge.Server.Connections.Providers.";

    private static readonly JsonSerializerOptions FileJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    private readonly Dictionary<string, ConnectionProvider> _providers;

    public ConnectionProviderCatalog(IOptions<OAuthOptions> options)
    {
        var errors = Load(options.Value, out var providers);
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(OAuthOptions.Section, typeof(OAuthOptions), errors);
        }

        _providers = providers.ToDictionary(p => p.Id, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Every provider, by display name.</summary>
    public IReadOnlyList<ConnectionProvider> All => [.. _providers.Values.OrderBy(p => p.DisplayName, StringComparer.OrdinalIgnoreCase)];

    public ConnectionProvider? Find(string? id) => id is not null && _providers.TryGetValue(id, out var provider) ? provider : null;

    /// <summary>Reads every provider file and applies configuration; returns what is wrong, each naming the file or setting.</summary>
    public static IReadOnlyList<string> Load(OAuthOptions options, out IReadOnlyList<ConnectionProvider> providers)
    {
        var errors = new List<string>();
        var byId = new Dictionary<string, ConnectionProvider>(StringComparer.OrdinalIgnoreCase);
        var assembly = typeof(ConnectionProviderCatalog).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            Add(stream, resource[ResourcePrefix.Length..], byId, errors);
        }

        if (!string.IsNullOrEmpty(options.ProvidersFolder))
        {
            if (!Directory.Exists(options.ProvidersFolder))
            {
                errors.Add($"{OAuthOptions.Section}:{nameof(options.ProvidersFolder)} '{options.ProvidersFolder}' is not a folder.");
            }
            else
            {
                foreach (var file in Directory.GetFiles(options.ProvidersFolder, "*.json").Order(StringComparer.Ordinal))
                {
                    using var stream = File.OpenRead(file);
                    Add(stream, file, byId, errors);
                }
            }
        }

        foreach (var (id, settings) in options.Providers)
        {
            if (!byId.TryGetValue(id, out var provider))
            {
                errors.Add($"{OAuthOptions.Section}:Providers:{id} names no provider; known ones are {string.Join(", ", byId.Keys.Order(StringComparer.Ordinal))}.");
                continue;
            }

            byId[id] = provider with
            {
                ClientId = NullIfEmpty(settings.ClientId),
                ClientSecret = NullIfEmpty(settings.ClientSecret),
                AuthorizeUrl = NullIfEmpty(settings.AuthorizeUrl) ?? provider.AuthorizeUrl,
                TokenUrl = NullIfEmpty(settings.TokenUrl) ?? provider.TokenUrl,
                RevokeUrl = NullIfEmpty(settings.RevokeUrl) ?? provider.RevokeUrl,
                ApiBaseUrl = NullIfEmpty(settings.ApiBaseUrl) ?? provider.ApiBaseUrl,
                TestUrl = NullIfEmpty(settings.TestUrl) ?? provider.TestUrl,
            };
        }

        providers = [.. byId.Values];
        return errors;
    }

    public static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.UserInfo);

    private static void Add(Stream stream, string source, Dictionary<string, ConnectionProvider> byId, List<string> errors)
    {
        ConnectionProvider? provider;
        try
        {
            provider = JsonSerializer.Deserialize<ConnectionProvider>(stream, FileJson);
        }
        catch (JsonException ex)
        {
            errors.Add($"Provider file '{source}' is not a valid provider description: {ex.Message}");
            return;
        }

        var problem = provider is null ? "is empty" : Check(provider);
        if (problem is not null)
        {
            errors.Add($"Provider file '{source}' {problem}.");
            return;
        }

        byId[provider!.Id] = provider;
    }

    private static string? Check(ConnectionProvider provider)
    {
        if (!IdPattern().IsMatch(provider.Id))
        {
            return "has an 'id' that is not 1 to 50 lower-case letters, digits and dashes";
        }

        if (provider.Kinds.Count == 0 || provider.Kinds.Any(k => k is not ("oauth2" or "apiKey" or "bearer" or "basic" or "headers")))
        {
            return "must list its 'kinds' among oauth2, apiKey, bearer, basic and headers";
        }

        if (provider.IsOAuth && !provider.Generic && (provider.AuthorizeUrl is not { } a || !IsHttpUrl(a) || provider.TokenUrl is not { } t || !IsHttpUrl(t)))
        {
            return "needs an absolute http(s) 'authorizeUrl' and 'tokenUrl'";
        }

        if (provider.RateLimit is { } limit && (limit.PerSecond <= 0 || limit.Burst < 1))
        {
            return "has a 'rateLimit' without a positive 'perSecond' and a 'burst' of at least 1";
        }

        return null;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,49}$")]
    private static partial Regex IdPattern();
}
