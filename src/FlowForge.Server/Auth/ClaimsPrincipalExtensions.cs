using System.Security.Claims;

namespace FlowForge.Server.Auth;

internal static class ClaimsPrincipalExtensions
{
    /// <summary>The signed-in user's id; endpoints behind authorization always have one.</summary>
    public static Guid UserId(this ClaimsPrincipal user) =>
        user is SharedPrincipal { UserId: { } shared } ? shared
        : Guid.TryParse(user.FindFirstValue("sub"), out var id) ? id : throw new InvalidOperationException("The token has no subject.");

    /// <summary>
    /// The name of the signed-in user's run-start bucket; a checked bearer token's shared principal keeps it, so a start
    /// does not name it again.
    /// </summary>
    public static string RunStartsKey(this ClaimsPrincipal user) =>
        user is SharedPrincipal { RunStartsKey: { } shared } ? shared : RunStartsKeyOf(user.UserId());

    internal static string RunStartsKeyOf(Guid userId) => $"runs:{userId:N}";
}
