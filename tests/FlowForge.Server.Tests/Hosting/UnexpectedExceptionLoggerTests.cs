using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Hosting;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowForge.Server.Tests.Hosting;

public sealed class UnexpectedExceptionLoggerTests
{
    [Fact]
    public async Task TryHandle_RequestThatThrows_Answers500ProblemAndLogsItsTraceId()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await TestServer.StartAsync(builder =>
        {
            builder.Logging.AddProvider(logs);
            builder.Services.AddSingleton<IStartupFilter, ThrowingRoute>();
        });
        using var client = server.CreateClient();

        var response = await client.GetAsync(ThrowingRoute.Path);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var traceId = problem["traceId"]!.GetValue<string>();
        Assert.DoesNotContain(ThrowingRoute.Secret, problem.ToJsonString(), StringComparison.Ordinal);
        var entry = Assert.Single(logs.Entries, e => e.Category == typeof(UnexpectedExceptionLogger).FullName);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains(traceId, entry.Message, StringComparison.Ordinal);
        Assert.Contains(ThrowingRoute.Path, entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryHandle_BadRequestThrownByBinding_IsNotLoggedAsUnexpected()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await TestServer.StartAsync(builder => builder.Logging.AddProvider(logs));
        using var client = await server.CreateUserClientAsync();

        var response = await client.GetAsync("/api/flows?limit=not-a-number");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(logs.Entries, e => e.Category == typeof(UnexpectedExceptionLogger).FullName);
    }

    /// <summary>A route after every endpoint that fails the way a bug would.</summary>
    private sealed class ThrowingRoute : IStartupFilter
    {
        public const string Path = "/test/throws";
        public const string Secret = "internal detail that must not leak";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((HttpContext context, RequestDelegate following) =>
                context.Request.Path == Path ? throw new InvalidOperationException(Secret) : following(context));
        };
    }
}
