using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;

namespace FlowForge.Server.Auth;

/// <summary>
/// The authorization middleware's <see cref="IPolicyEvaluator"/>, one for the process: a policy that asks only for a
/// signed-in user (<see cref="DenyAnonymousAuthorizationRequirement"/>, what <c>RequireAuthorization()</c> gives every API
/// group) of a request the authentication middleware signed in is answered from what that middleware found, with no
/// evaluator, authorization service, handler context or second ticket made per request. Any other policy — authentication
/// schemes of its own, any other requirement, a handler registered besides the pass-through one — goes to the framework's
/// <see cref="PolicyEvaluator"/>, as before.
/// </summary>
/// <remarks>
/// The framework's evaluator and authorization service are transient: the middleware made both with their handler
/// provider, context factory and handlers on every request, then a ticket for <c>context.User</c>, a handler context and
/// its set of requirements, to find what the authentication middleware had already found.
/// </remarks>
internal sealed class SignedInPolicyEvaluator(IEnumerable<IAuthorizationHandler> handlers) : IPolicyEvaluator
{
    private static readonly Task<PolicyAuthorizationResult> Succeeded = Task.FromResult(PolicyAuthorizationResult.Success());

    // Read once: a handler besides the pass-through one could refuse what the requirement alone allows.
    private readonly bool _onlyPassThrough = handlers.All(h => h is PassThroughAuthorizationHandler);

    public Task<AuthenticateResult> AuthenticateAsync(AuthorizationPolicy policy, HttpContext context)
    {
        // The default evaluator answers such a policy with a new ticket for context.User; the sign-in that set it is the same answer.
        if (policy.AuthenticationSchemes.Count == 0
            && context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult is { Succeeded: true } signedIn
            && ReferenceEquals(signedIn.Principal, context.User)
            && IsSignedIn(context))
        {
            return Task.FromResult(signedIn);
        }

        return Framework(context).AuthenticateAsync(policy, context);
    }

    public Task<PolicyAuthorizationResult> AuthorizeAsync(
        AuthorizationPolicy policy, AuthenticateResult authenticationResult, HttpContext context, object? resource) =>
        _onlyPassThrough && OnlySignedInRequired(policy) && IsSignedIn(context)
            ? Succeeded
            : Framework(context).AuthorizeAsync(policy, authenticationResult, context, resource);

    /// <summary>What <see cref="DenyAnonymousAuthorizationRequirement"/> asks: an identity of the user that is authenticated.</summary>
    private static bool IsSignedIn(HttpContext context)
    {
        // The first identity is the signed-in one nearly always: the others are walked (an enumerator made) only when it is not.
        if (context.User.Identity is { IsAuthenticated: true })
        {
            return true;
        }

        foreach (var identity in context.User.Identities)
        {
            if (identity.IsAuthenticated)
            {
                return true;
            }
        }

        return false;
    }

    private static bool OnlySignedInRequired(AuthorizationPolicy policy)
    {
        var requirements = policy.Requirements;
        if (requirements.Count == 0)
        {
            return false;
        }

        for (var i = 0; i < requirements.Count; i++)
        {
            if (requirements[i] is not DenyAnonymousAuthorizationRequirement)
            {
                return false;
            }
        }

        return true;
    }

    private static PolicyEvaluator Framework(HttpContext context) => new(context.RequestServices.GetRequiredService<IAuthorizationService>());
}
