using System.Net;
using FlowForge.Server.Auth;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.DependencyInjection;

namespace FlowForge.Server.Tests.Auth;

public sealed class CheckedTokenAuthenticationTests
{
    [Fact]
    public async Task Invoke_CheckedToken_SignsInWithTheTokensOwnSignIn()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();
        var token = client.DefaultRequestHeaders.Authorization!.Parameter!;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/flows")).StatusCode);
        var known = server.App.Services.GetRequiredService<ValidatedTokens>().Find(token)!.Value;

        var context = await InvokeAsync(server, token);

        Assert.Same(known.Principal, context.User);
        Assert.Same(await known.SignedIn, context.Features.Get<IAuthenticateResultFeature>()!.AuthenticateResult);
        Assert.Same(known.Principal, context.Features.Get<IHttpAuthenticationFeature>()!.User);
        Assert.NotNull(context.Features.Get<IAuthenticationFeature>());
    }

    [Fact]
    public async Task Invoke_CheckedTokenRevoked_IsNotSignedIn()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await server.CreateUserClientAsync();
        var token = client.DefaultRequestHeaders.Authorization!.Parameter!;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/flows")).StatusCode);
        Assert.True((await InvokeAsync(server, token)).User.Identity!.IsAuthenticated);

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/auth/logout", null)).StatusCode);

        var context = await InvokeAsync(server, token);
        Assert.False(context.User.Identity?.IsAuthenticated ?? false);
        Assert.Null(server.App.Services.GetRequiredService<ValidatedTokens>().Find(token));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/flows")).StatusCode);
    }

    [Fact]
    public async Task Invoke_UnknownToken_GoesThroughTheFrameworkAndIsNotSignedIn()
    {
        await using var server = await TestServer.StartAsync();

        var context = await InvokeAsync(server, ApiTokenSecret.Prefix + "unknown");

        Assert.False(context.User.Identity?.IsAuthenticated ?? false);
        Assert.NotNull(context.Features.Get<IAuthenticationFeature>());
    }

    [Fact]
    public async Task Invoke_ClaimsTransformationRegistered_LeavesEveryRequestToTheFramework()
    {
        await using var server = await TestServer.StartAsync(builder => builder.Services.AddSingleton<IClaimsTransformation, MarkingTransformation>());
        using var client = await server.CreateUserClientAsync();
        var token = client.DefaultRequestHeaders.Authorization!.Parameter!;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/flows")).StatusCode);

        var context = await InvokeAsync(server, token);

        Assert.True(context.User.HasClaim(MarkingTransformation.Claim, "yes"));
    }

    /// <summary>The middleware on one request bearing <paramref name="token"/>; the context as the next middleware saw it.</summary>
    private static async Task<HttpContext> InvokeAsync(TestServer server, string token)
    {
        using var scope = server.App.Services.CreateScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers.Authorization = "Bearer " + token;
        HttpContext? seen = null;
        var middleware = ActivatorUtilities.CreateInstance<CheckedTokenAuthentication>(server.App.Services, (RequestDelegate)(c =>
        {
            seen = c;
            return Task.CompletedTask;
        }));

        await middleware.InvokeAsync(context);

        return Assert.IsAssignableFrom<HttpContext>(seen);
    }

    private sealed class MarkingTransformation : IClaimsTransformation
    {
        public const string Claim = "transformed";

        public Task<System.Security.Claims.ClaimsPrincipal> TransformAsync(System.Security.Claims.ClaimsPrincipal principal)
        {
            var copy = principal.Clone();
            ((System.Security.Claims.ClaimsIdentity)copy.Identity!).AddClaim(new System.Security.Claims.Claim(Claim, "yes"));
            return Task.FromResult(copy);
        }
    }
}
