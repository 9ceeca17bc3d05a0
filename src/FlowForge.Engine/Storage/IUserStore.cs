namespace FlowForge.Engine.Storage;

/// <summary>Accounts and small installation-wide settings (such as the token signing key).</summary>
public interface IUserStore
{
    /// <summary>Creates the user; false when the (case-insensitive) email is taken.</summary>
    Task<bool> TryCreateAsync(UserRecord user, CancellationToken cancellationToken);

    /// <summary>Creates <paramref name="user"/> as the owner; false when any account exists already (two racing calls create one owner).</summary>
    Task<bool> TryCreateOwnerAsync(UserRecord user, CancellationToken cancellationToken);

    Task<bool> AnyUserAsync(CancellationToken cancellationToken);

    Task<UserRecord?> FindByEmailAsync(string email, CancellationToken cancellationToken);

    Task<UserRecord?> FindByIdAsync(Guid userId, CancellationToken cancellationToken);

    /// <summary>Replaces the user's password hash (after a sign-in, when the hasher asks for a stronger one).</summary>
    Task UpdatePasswordHashAsync(Guid userId, string passwordHash, CancellationToken cancellationToken);

    /// <summary>Returns the stored value for <paramref name="key"/>, storing <paramref name="valueIfMissing"/> first when none exists (first writer wins).</summary>
    Task<string> GetOrAddSettingAsync(string key, string valueIfMissing, CancellationToken cancellationToken);
}
