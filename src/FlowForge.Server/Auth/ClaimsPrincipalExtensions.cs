using System.Security.Claims;

namespace FlowForge.Server.Auth;

internal static class ClaimsPrincipalExtensions
{
    /// <summary>The signed-in user's id; endpoints behind authorization always have one.</summary>
    public static Guid UserId(this ClaimsPrincipal user) =>
        user is SharedPrincipal { UserId: { } shared } ? shared
        : Guid.TryParse(user.FindFirstValue("sub"), out var id) ? id : throw new InvalidOperationException("The token has no subject.");
}
