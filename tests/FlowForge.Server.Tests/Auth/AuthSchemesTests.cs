using FlowForge.Server.Auth;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;

namespace FlowForge.Server.Tests.Auth;

public sealed class AuthSchemesTests
{
    [Theory]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig", JwtBearerDefaults.AuthenticationScheme)]
    [InlineData("bearer   ff_secret  ", AuthSchemes.ApiToken)]
    [InlineData("Basic dXNlcjpwYXNz", JwtBearerDefaults.AuthenticationScheme)]
    [InlineData("Bearer ", JwtBearerDefaults.AuthenticationScheme)]
    [InlineData(null, AuthSchemes.Session)]
    public void Select_ByTheAuthorizationHeader_PicksTheScheme(string? authorization, string expected)
    {
        var context = Request(authorization);

        Assert.Equal(expected, AuthSchemes.Select(context));
    }

    [Fact]
    public void BearerToken_HeaderWithSpaces_IsTheTrimmedToken()
    {
        Assert.Equal("ff_secret", AuthSchemes.BearerToken(Request("Bearer  ff_secret ").Request));
        Assert.Null(AuthSchemes.BearerToken(Request("Bearer   ").Request));
        Assert.Null(AuthSchemes.BearerToken(Request(null).Request));
    }

    [Fact]
    public void BearerToken_HubPathWithoutHeader_IsTheAccessTokenQueryParameter()
    {
        var context = Request(null);
        context.Request.Path = FlowForge.Server.Realtime.RunsHub.Path;
        context.Request.QueryString = new QueryString("?access_token=abc");

        Assert.Equal("abc", AuthSchemes.BearerToken(context.Request));
        Assert.Equal(JwtBearerDefaults.AuthenticationScheme, AuthSchemes.Select(context));
    }

    [Fact]
    public void Select_BearerRequest_CopiesNoToken()
    {
        // Every API request picks its scheme: it reads the token where it lies in the header.
        var context = Request("Bearer " + new string('t', 400));
        AuthSchemes.Select(context);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            AuthSchemes.Select(context);
            AuthSchemes.BearerTokenText(context.Request);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static DefaultHttpContext Request(string? authorization)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = "/api/flows";
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return context;
    }
}
