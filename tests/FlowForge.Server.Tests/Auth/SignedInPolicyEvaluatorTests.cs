using System.Security.Claims;
using FlowForge.Server.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FlowForge.Server.Tests.Auth;

public sealed class SignedInPolicyEvaluatorTests
{
    private static readonly AuthorizationPolicy SignedInOnly = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();

    [Fact]
    public async Task AuthorizeAsync_SignedInUserAndSignedInPolicy_SucceedsWithoutTheFrameworksServices()
    {
        // No authorization service can be resolved here: the answer comes without one.
        var context = Context(SignedIn(), new ServiceCollection().BuildServiceProvider());

        var result = await Evaluator().AuthorizeAsync(SignedInOnly, AuthenticateResult.NoResult(), context, context);

        Assert.True(result.Succeeded);
    }

    [Fact]
    public async Task AuthorizeAsync_AnonymousUser_IsChallenged()
    {
        var context = Context(new ClaimsPrincipal(new ClaimsIdentity()), Services());

        var result = await Evaluator().AuthorizeAsync(SignedInOnly, AuthenticateResult.NoResult(), context, context);

        Assert.False(result.Succeeded);
        Assert.True(result.Challenged);
    }

    [Fact]
    public async Task AuthorizeAsync_PolicyWithAnotherRequirement_IsDecidedByTheFramework()
    {
        var policy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim("role", "admin").Build();
        var user = SignedIn();
        var context = Context(user, Services());

        var result = await Evaluator().AuthorizeAsync(policy, AuthenticateResult.Success(new AuthenticationTicket(user, "test")), context, context);

        Assert.False(result.Succeeded);
        Assert.True(result.Forbidden);
    }

    [Fact]
    public async Task AuthorizeAsync_AnotherHandlerRegistered_IsDecidedByTheFramework()
    {
        var handlers = new IAuthorizationHandler[] { new PassThroughAuthorizationHandler(Options.Create(new AuthorizationOptions())), new RefuseAll() };
        var user = SignedIn();
        var context = Context(user, Services(s => s.AddSingleton<IAuthorizationHandler, RefuseAll>()));

        var result = await new SignedInPolicyEvaluator(handlers).AuthorizeAsync(
            SignedInOnly, AuthenticateResult.Success(new AuthenticationTicket(user, "test")), context, context);

        Assert.False(result.Succeeded);
        Assert.True(result.Forbidden);
    }

    [Fact]
    public async Task AuthenticateAsync_RequestSignedIn_AnswersWithItsOwnSignIn()
    {
        var user = SignedIn();
        var context = Context(user, new ServiceCollection().BuildServiceProvider());
        var signedIn = AuthenticateResult.Success(new AuthenticationTicket(user, "test"));
        context.Features.Set<IAuthenticateResultFeature>(new ResultFeature(signedIn));

        var result = await Evaluator().AuthenticateAsync(SignedInOnly, context);

        Assert.Same(signedIn, result);
    }

    [Fact]
    public async Task AuthenticateAsync_AnonymousRequest_HasNoResult()
    {
        var context = Context(new ClaimsPrincipal(new ClaimsIdentity()), Services());

        var result = await Evaluator().AuthenticateAsync(SignedInOnly, context);

        Assert.True(result.None);
    }

    [Fact]
    public void Server_PolicyEvaluator_IsTheSignedInOneForTheProcess()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddAuthorization();
        services.Replace(ServiceDescriptor.Singleton<IPolicyEvaluator, SignedInPolicyEvaluator>());
        using var provider = services.BuildServiceProvider();

        Assert.Same(provider.GetRequiredService<IPolicyEvaluator>(), provider.GetRequiredService<IPolicyEvaluator>());
    }

    private static SignedInPolicyEvaluator Evaluator() =>
        new([new PassThroughAuthorizationHandler(Options.Create(new AuthorizationOptions()))]);

    private static ClaimsPrincipal SignedIn() => new(new ClaimsIdentity([new Claim("sub", Guid.NewGuid().ToString())], "test"));

    private static IServiceProvider Services(Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddAuthorization();
        more?.Invoke(services);
        return services.BuildServiceProvider();
    }

    private static DefaultHttpContext Context(ClaimsPrincipal user, IServiceProvider services) => new() { User = user, RequestServices = services };

    private sealed class RefuseAll : IAuthorizationHandler
    {
        public Task HandleAsync(AuthorizationHandlerContext context)
        {
            context.Fail();
            return Task.CompletedTask;
        }
    }

    private sealed class ResultFeature(AuthenticateResult result) : IAuthenticateResultFeature
    {
        public AuthenticateResult? AuthenticateResult { get; set; } = result;
    }
}
