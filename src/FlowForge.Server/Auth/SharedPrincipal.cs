using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;

namespace FlowForge.Server.Auth;

/// <summary>
/// A principal that every request bearing the same checked token is given (<see cref="ValidatedTokens"/>), instead of a
/// copy per request: adding or removing an identity or a claim throws, so what one request does to it cannot change what
/// the next one sees. Its identities compare claim types case-sensitively, as those of a checked JWT do.
/// </summary>
internal sealed class SharedPrincipal : ClaimsPrincipal
{
    private SharedPrincipal(IEnumerable<ClaimsIdentity> identities)
        : base(identities)
    {
        // Its claims never change, so the subject is read once, not on every request that asks for the user's id.
        UserId = Guid.TryParse(this.FindFirstValue("sub"), out var id) ? id : null;
    }

    /// <summary>The subject claim as a user id, or null when there is none or it is not one.</summary>
    public Guid? UserId { get; }

    /// <summary>The user's run-start rate-limit bucket (<see cref="ClaimsPrincipalExtensions.RunStartsKey"/>), named once.</summary>
    public string? RunStartsKey => field ??= UserId is { } id ? ClaimsPrincipalExtensions.RunStartsKeyOf(id) : null;

    /// <summary>A shared copy of <paramref name="principal"/>: its identities and claims are copied once, here.</summary>
    public static SharedPrincipal Of(ClaimsPrincipal principal) => new(principal.Identities.Select(i => new SharedIdentity(i)));

    public override void AddIdentity(ClaimsIdentity identity) => throw Refused();

    public override void AddIdentities(IEnumerable<ClaimsIdentity> identities) => throw Refused();

    public override ClaimsPrincipal Clone() => new(Identities.Select(i => i.Clone()));

    private static InvalidOperationException Refused() =>
        new("The principal of a checked bearer token is shared by the requests that present it: make a copy (Clone) to change it.");

    private sealed class SharedIdentity(ClaimsIdentity identity) : CaseSensitiveClaimsIdentity(identity)
    {
        public override void AddClaim(Claim claim) => throw Refused();

        public override void AddClaims(IEnumerable<Claim?> claims) => throw Refused();

        public override void RemoveClaim(Claim? claim) => throw Refused();

        public override bool TryRemoveClaim(Claim? claim) => throw Refused();

        // A copy that may be changed, as ClaimsIdentity.Clone gives.
        public override ClaimsIdentity Clone() => new CaseSensitiveClaimsIdentity(this);
    }
}
