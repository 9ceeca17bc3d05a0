namespace FlowForge.Engine.Storage;

/// <summary>
/// A due digest this process claimed: send it, then complete or fail it with <paramref name="ClaimId"/>.
/// <paramref name="Omitted"/> counts failures left out because the user's pending list was full.
/// </summary>
public sealed record DigestClaim(Guid UserId, Guid ClaimId, string? Email, int? DigestMinutes, int Attempts, int Omitted, IReadOnlyList<DigestItem> Items);
