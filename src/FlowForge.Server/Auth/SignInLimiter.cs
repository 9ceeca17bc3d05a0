using System.Net;
using System.Security.Cryptography;
using System.Text;
using FlowForge.Engine.Limits;
using FlowForge.Server.Hosting;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Auth;

/// <summary>
/// Token buckets in front of sign-in and registration: one per client address and one per account, shared by every
/// API process through the rate limiter seam. Guessing passwords is slowed whether it targets one account from many
/// addresses or many accounts from one.
/// </summary>
internal sealed class SignInLimiter(IRateLimiter limiter, IOptions<RateLimitOptions> options)
{
    /// <summary>Takes a token from the client address's bucket; returns how long to wait when it is empty.</summary>
    public async ValueTask<TimeSpan?> AcquireForAddressAsync(HttpContext context, bool registration, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var address = ClientAddress(context, limits.TrustForwardedFor);
        var decision = registration
            ? await limiter.TryAcquireAsync($"register:address:{address}", limits.RegistrationsPerAddress, 1, cancellationToken)
            : await limiter.TryAcquireAsync($"sign-in:address:{address}", limits.SignInsPerAddress, 1, cancellationToken);
        return decision.Allowed ? null : decision.RetryAfter;
    }

    /// <summary>Takes a token from the account's bucket (keyed by a hash of the normalized email, so no email lands in a cache key).</summary>
    public async ValueTask<TimeSpan?> AcquireForAccountAsync(string normalizedEmail, CancellationToken cancellationToken)
    {
        var account = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)), 0, 16);
        var decision = await limiter.TryAcquireAsync($"sign-in:account:{account}", options.Value.SignInsPerAccount, 1, cancellationToken);
        return decision.Allowed ? null : decision.RetryAfter;
    }

    internal static string ClientAddress(HttpContext context, bool trustForwardedFor)
    {
        if (trustForwardedFor)
        {
            var forwarded = context.Request.Headers["X-Forwarded-For"].ToString();
            var last = forwarded[(forwarded.LastIndexOf(',') + 1)..].Trim();
            if (IPAddress.TryParse(last, out var parsed))
            {
                return parsed.ToString();
            }
        }

        return context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }
}
