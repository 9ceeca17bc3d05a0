using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FlowForge.Server.Auth;

/// <summary>Issues bearer tokens signed with the current signing key (named by its kid), each with an id (jti) that logout can revoke.</summary>
internal sealed class TokenIssuer(SigningKeys keys, IOptions<AuthOptions> options, TimeProvider time)
{
    public const string Issuer = "flowforge";
    public const string Audience = "flowforge-api";

    private readonly JsonWebTokenHandler _handler = new();

    public (string Token, DateTimeOffset ExpiresAt) Issue(Guid userId, string email)
    {
        var now = time.GetUtcNow();
        var expires = now + options.Value.TokenLifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Subject = new ClaimsIdentity(
            [
                new Claim("sub", userId.ToString()),
                new Claim("email", email),
                new Claim(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
            ]),
            SigningCredentials = new SigningCredentials(keys.Current, SecurityAlgorithms.HmacSha256),
        });
        return (token, expires);
    }
}
