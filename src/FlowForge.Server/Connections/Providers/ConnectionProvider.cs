using System.Text.Json.Serialization;

namespace FlowForge.Server.Connections.Providers;

/// <summary>
/// An app FlowForge connects to, as described by its data file (<c>Connections/Providers/&lt;id&gt;.json</c>, or one in
/// <c>Connections:ProvidersFolder</c>) with its client id and secret and URL overrides from
/// <c>Connections:Providers:&lt;id&gt;</c>. OAuth fields are null for providers of other kinds.
/// </summary>
public sealed record ConnectionProvider
{
    public required string Id { get; init; }

    public required string DisplayName { get; init; }

    public string? Icon { get; init; }

    /// <summary>How connections of this provider authenticate (<c>oauth2</c>, <c>bearer</c>, <c>basic</c>…).</summary>
    public IReadOnlyList<string> Kinds { get; init; } = [];

    /// <summary>True for the generic OAuth provider: its URLs, client id and secret are entered by the user per connection.</summary>
    public bool Generic { get; init; }

    public string? AuthorizeUrl { get; init; }

    public string? TokenUrl { get; init; }

    public string? RevokeUrl { get; init; }

    public RevokeStyle RevokeStyle { get; init; } = RevokeStyle.Rfc7009;

    /// <summary>Where the provider's API lives; nodes build request URLs from it.</summary>
    public string? ApiBaseUrl { get; init; }

    /// <summary>A cheap authenticated GET that says whether a connection works (Slack <c>auth.test</c>, GitHub <c>/user</c>).</summary>
    public string? TestUrl { get; init; }

    public IReadOnlyList<string> DefaultScopes { get; init; } = [];

    public string ScopeSeparator { get; init; } = " ";

    /// <summary>Whether the authorization sends a PKCE S256 challenge.</summary>
    public bool Pkce { get; init; }

    /// <summary>Extra query parameters of the authorization URL (Google: <c>access_type=offline</c>, <c>prompt=consent</c>).</summary>
    public IReadOnlyDictionary<string, string> AuthorizeParams { get; init; } = new Dictionary<string, string>();

    public TokenResponseShape TokenResponse { get; init; } = TokenResponseShape.Standard;

    public ClientAuthMethod ClientAuth { get; init; } = ClientAuthMethod.Body;

    /// <summary>The provider's own rate limit, shared by every connection of it; null when it has none.</summary>
    public ProviderRateLimit? RateLimit { get; init; }

    /// <summary>What the user enters when creating a connection of this provider (the generic provider's URLs, SMTP's host).</summary>
    public IReadOnlyList<ProviderField> Fields { get; init; } = [];

    /// <summary>From configuration; never part of an API answer.</summary>
    [JsonIgnore]
    public string? ClientId { get; init; }

    /// <summary>From configuration; never logged nor part of an API answer.</summary>
    [JsonIgnore]
    public string? ClientSecret { get; init; }

    public bool IsOAuth => Kinds.Contains("oauth2", StringComparer.Ordinal);

    /// <summary>Whether a connection can be started: a generic provider always, another OAuth provider once its client id is configured.</summary>
    public bool Configured => !IsOAuth || Generic || !string.IsNullOrEmpty(ClientId);

    public override string ToString() => Id;
}
