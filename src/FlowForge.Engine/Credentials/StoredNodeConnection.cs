using System.Security.Cryptography;

namespace FlowForge.Engine.Credentials;

/// <summary>
/// A stored connection handed to a node: opens its secret on first use (again after a refresh) and gives an
/// <see cref="HttpClient"/> that authenticates as it through <see cref="ConnectionCredentialHandler"/>.
/// </summary>
internal sealed class StoredNodeConnection : NodeConnection
{
    private readonly ISecretProtector _protector;
    private readonly IConnectionRefresher? _refresher;
    private readonly Lazy<HttpClient> _http;
    private readonly Lock _lock = new();
    private ConnectionRecord _current;
    private OpenedSecret? _opened;

    public StoredNodeConnection(
        ConnectionRecord record, ISecretProtector protector, IConnectionRefresher? refresher, IOutboundHttp outbound, ConnectionOptions options, TimeProvider time)
    {
        _current = record;
        _protector = protector;
        _refresher = refresher;
        Options = options;
        Time = time;
        _http = new Lazy<HttpClient>(() => new HttpClient(new ConnectionCredentialHandler(this) { InnerHandler = outbound.CreateHandler() })
        {
            Timeout = outbound.Timeout,
            MaxResponseContentBufferSize = Math.Clamp(outbound.MaxResponseBytes, 1, int.MaxValue),
        });
    }

    public override HttpClient Http => _http.Value;

    internal ConnectionOptions Options { get; }

    internal TimeProvider Time { get; }

    /// <summary>True for an OAuth connection this host can refresh (a refresher is registered).</summary>
    internal bool CanRefresh => Kind == ConnectionKind.OAuth2 && _refresher is not null;

    internal ConnectionRecord Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    public override async ValueTask<IReadOnlyDictionary<string, string>> ReadSecretAsync(CancellationToken cancellationToken)
    {
        if (Kind == ConnectionKind.OAuth2)
        {
            await EnsureFreshAsync(cancellationToken).ConfigureAwait(false);
        }

        return OpenSecret();
    }

    /// <summary>The secret fields of the current record, opened once per version.</summary>
    internal IReadOnlyDictionary<string, string> OpenSecret()
    {
        var record = Current;
        // One reference, read once: concurrent requests never see one version's fields under another's number.
        if (Volatile.Read(ref _opened) is { } opened && opened.Version == record.Version)
        {
            return opened.Fields;
        }

        try
        {
            var fields = _protector.Unprotect(record.ProtectedSecret);
            Volatile.Write(ref _opened, new OpenedSecret(record.Version, fields));
            return fields;
        }
        catch (CryptographicException)
        {
            throw new ConnectionUnusableException(
                $"The secret of connection '{record.Name}' ({record.Id}) cannot be opened with this server's key ring (the key was removed or the value changed). Replace its secret on the Connections page.");
        }
    }

    /// <summary>Refreshes an OAuth token that expires within <see cref="ConnectionOptions.RefreshMarginSeconds"/>; refuses one already expired that cannot be refreshed.</summary>
    internal async ValueTask EnsureFreshAsync(CancellationToken cancellationToken)
    {
        var record = Current;
        if (record.ExpiresAt is not { } expiresAt || expiresAt - Time.GetUtcNow() > TimeSpan.FromSeconds(Options.RefreshMarginSeconds))
        {
            return;
        }

        if (_refresher is not null)
        {
            await RefreshAsync(force: false, cancellationToken).ConfigureAwait(false);
        }
        else if (expiresAt <= Time.GetUtcNow())
        {
            throw new ConnectionUnusableException(
                $"The access token of connection '{record.Name}' ({record.Id}) has expired and this server cannot refresh it. Reconnect it on the Connections page.");
        }
    }

    internal async Task RefreshAsync(bool force, CancellationToken cancellationToken)
    {
        var refreshed = await _refresher!.RefreshAsync(Current, force, cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            _current = refreshed;
        }
    }

    /// <summary>The value of a secret field the kind requires; says which is missing otherwise.</summary>
    internal string Field(IReadOnlyDictionary<string, string> secret, string name, bool mayBeEmpty = false) =>
        secret.TryGetValue(name, out var value) && (mayBeEmpty || value.Length > 0)
            ? value
            : throw new ConnectionUnusableException(
                $"Connection '{Name}' ({Id}) has no '{name}' in its secret. Replace its secret on the Connections page.");

    private sealed record OpenedSecret(long Version, IReadOnlyDictionary<string, string> Fields);
}
