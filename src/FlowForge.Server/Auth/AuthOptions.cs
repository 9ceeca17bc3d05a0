namespace FlowForge.Server.Auth;

/// <summary>Sign-in settings, bound to section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Open registration; set to false to close <c>POST /api/auth/register</c>.</summary>
    public bool AllowRegistration { get; set; } = true;

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);

    public int MinPasswordLength { get; set; } = 8;

    /// <summary>A browser session ends after this many minutes without a request (each request well inside the window extends it).</summary>
    public int SessionIdleMinutes { get; set; } = 120;

    /// <summary>A browser session ends this many hours after sign-in, however active it is.</summary>
    public int SessionMaxHours { get; set; } = 24;

    /// <summary>How many named API tokens that have not expired one user may hold.</summary>
    public int MaxApiTokensPerUser { get; set; } = 50;

    public int MaxApiTokenNameLength { get; set; } = 100;

    /// <summary>The longest an API token may live, in days; a token created without <c>expiresInDays</c> lives this long.</summary>
    public int MaxApiTokenDays { get; set; } = 365;

    /// <summary>Longer passwords are refused before hashing: hashing is deliberately slow, and its cost grows with the input.</summary>
    public int MaxPasswordLength { get; set; } = 1024;

    /// <summary>How long a signing key signs new tokens; an older one is replaced at start-up or by the periodic check. Tokens it signed stay valid until they expire.</summary>
    public TimeSpan SigningKeyLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a process trusts its last "not revoked" answer for a token id: the longest a token signed out on another process can still be used here.</summary>
    public TimeSpan RevocationCacheDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a process keeps a bearer JWT it has checked (signature, issuer, audience, lifetime), so the next request with it
    /// skips the check; never past the token's expiry. Revocation is still asked on every request. 0 checks every time.
    /// </summary>
    public TimeSpan ValidatedTokenCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many checked tokens one process keeps at most; when full, the cache is emptied.</summary>
    public int ValidatedTokenCacheEntries { get; set; } = 10_000;

    /// <summary>How often expired revocations are purged and the signing key's age is checked.</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Encrypts the data-protection key ring stored in the database (which protects the signing keys). Required when the
    /// store is shared (PostgreSQL, MySQL): every API process must have the same value. Without it, the embedded default keeps
    /// a generated secret in <c>keyring.secret</c> in the data folder.
    /// </summary>
    public string? KeyRingSecret { get; set; }
}
