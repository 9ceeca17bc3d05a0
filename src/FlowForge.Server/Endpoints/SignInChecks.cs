using System.Globalization;
using System.Net.Mail;
using FlowForge.Engine.Storage;
using FlowForge.Server.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace FlowForge.Server.Endpoints;

/// <summary>What every endpoint that takes an email and a password does alike: rate limits, reading and checking them.</summary>
internal static class SignInChecks
{
    public const int MaxEmailLength = 254;

    /// <summary>Rate limits, reads the credentials and checks the password; the user, or the problem to answer with.</summary>
    public static async Task<(UserRecord? User, ProblemHttpResult? Problem)> VerifyAsync(
        HttpContext context, IUserStore users, PasswordVerifier passwords, SignInLimiter limiter, AuthOptions options, CancellationToken cancellationToken)
    {
        if (await limiter.AcquireForAddressAsync(context, registration: false, cancellationToken) is { } addressWait)
        {
            return (null, TooMany(context, addressWait));
        }

        var (credentials, problem) = await ReadCredentialsAsync(context.Request, options, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }

        var (email, password) = credentials!.Value;
        var normalized = email.Trim().ToLowerInvariant();
        if (await limiter.AcquireForAccountAsync(normalized, cancellationToken) is { } accountWait)
        {
            return (null, TooMany(context, accountWait));
        }

        // An unknown email is hashed against a dummy like a wrong password is against the real hash: same answer, same work.
        var user = normalized.Length <= MaxEmailLength ? await users.FindByEmailAsync(normalized, cancellationToken) : null;
        var verdict = passwords.Verify(user, password);
        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            return (null, ApiProblems.Create(StatusCodes.Status401Unauthorized, "Sign-in failed.", "The email or the password is wrong."));
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await users.UpdatePasswordHashAsync(user.Id, passwords.Hash(user, password), cancellationToken);
        }

        return (user, null);
    }

    public static async Task<((string Email, string Password)? Credentials, ProblemHttpResult? Problem)> ReadCredentialsAsync(
        HttpRequest request, AuthOptions options, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadObjectAsync(request, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }

        var email = JsonBody.GetString(body!, "email", out problem);
        if (problem is not null)
        {
            return (null, problem);
        }

        if (email!.Length > MaxEmailLength)
        {
            return (null, ApiProblems.BadRequest($"'email' must have at most {MaxEmailLength} characters.", "email"));
        }

        var password = JsonBody.GetString(body!, "password", out problem);
        if (problem is not null)
        {
            return (null, problem);
        }

        // Refused before any hashing: the hash's cost grows with the password's length.
        return password!.Length > options.MaxPasswordLength
            ? (null, ApiProblems.BadRequest($"'password' must have at most {options.MaxPasswordLength} characters.", "password"))
            : ((email, password), null);
    }

    /// <summary>The problem with the email or password of a new account, or null when both will do.</summary>
    public static ProblemHttpResult? CheckNewAccount(string email, string password, AuthOptions options)
    {
        if (!IsEmail(email))
        {
            return ApiProblems.BadRequest("'email' must be an email address.", "email");
        }

        return password.Length < options.MinPasswordLength
            ? ApiProblems.BadRequest($"'password' must have at least {options.MinPasswordLength} characters.", "password")
            : null;
    }

    public static ProblemHttpResult TooMany(HttpContext context, TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ApiProblems.Create(StatusCodes.Status429TooManyRequests, "Too many sign-in attempts.", $"Try again in {seconds} s.");
    }

    private static bool IsEmail(string email) =>
        email.Length <= MaxEmailLength && MailAddress.TryCreate(email.Trim(), out var address) && address.Address == email.Trim();
}
