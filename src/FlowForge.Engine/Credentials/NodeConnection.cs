namespace FlowForge.Engine.Credentials;

/// <summary>
/// One connection as a node uses it. <see cref="Http"/> adds the credentials to every request (header, query or OAuth
/// bearer), refreshes an OAuth token once on a 401 and sends the request again, and turns a provider's 429 into a
/// <see cref="Limits.ProviderRateLimitedException"/> that defers the node instead of failing it. The secret itself is
/// read only by nodes that cannot speak HTTP through it (SMTP), through <see cref="ReadSecretAsync"/>.
/// </summary>
public abstract class NodeConnection
{
    public required Guid Id { get; init; }

    public required string Name { get; init; }

    public required ConnectionKind Kind { get; init; }

    /// <summary>The provider id (<c>slack</c>, <c>google</c>, <c>smtp</c>…); null for a generic credential.</summary>
    public string? Provider { get; init; }

    /// <summary>
    /// The connection's settings that are not secret, such as an SMTP connection's <c>host</c>, <c>port</c> and
    /// <c>security</c> or an OpenAI-compatible <c>baseUrl</c>: the top-level strings of its <c>settings</c> object, numbers
    /// and booleans as their JSON text. Empty when it has none.
    /// </summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = ConnectionSettings.Empty;

    /// <summary>A client that authenticates as this connection; never disposed by the caller.</summary>
    public abstract HttpClient Http { get; }

    /// <summary>The decrypted secret fields (e.g. <c>username</c> and <c>password</c> for SMTP); never log them.</summary>
    public abstract ValueTask<IReadOnlyDictionary<string, string>> ReadSecretAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Every field of the connection: its <see cref="Settings"/> with the decrypted secret's fields over them, so that a
    /// connection keeping everything sealed (a host or a <c>baseUrl</c> in its secret) reads the same as one made by the
    /// Connections page (those in its settings). Holds the secret: never log it.
    /// </summary>
    public async ValueTask<IReadOnlyDictionary<string, string>> ReadFieldsAsync(CancellationToken cancellationToken)
    {
        var secret = await ReadSecretAsync(cancellationToken).ConfigureAwait(false);
        if (Settings.Count == 0)
        {
            return secret;
        }

        var fields = new Dictionary<string, string>(Settings, StringComparer.Ordinal);
        foreach (var (name, value) in secret)
        {
            fields[name] = value;
        }

        return fields;
    }
}
