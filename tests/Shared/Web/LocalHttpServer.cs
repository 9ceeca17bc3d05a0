using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowForge.Testing;

/// <summary>A small Kestrel server on 127.0.0.1 (random port) for tests that call out over HTTP; it records every request it receives.</summary>
public sealed class LocalHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalHttpServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The server's base address, <c>http://127.0.0.1:port/</c>.</summary>
    public Uri Address { get; }

    public int Port => Address.Port;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Requests whose handling was aborted by the client before the response ended.</summary>
    public ConcurrentQueue<string> Aborted { get; } = new();

    public static async Task<LocalHttpServer> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        LocalHttpServer? server = null;
        app.Use(async (context, next) =>
        {
            // Buffered and rewound, so that handlers can read the body again.
            context.Request.EnableBuffering();
            using var reader = new StreamReader(context.Request.Body, leaveOpen: true);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            context.Request.Body.Position = 0;
            server!.Requests.Enqueue(new ReceivedRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal),
                body,
                TimeProvider.System.GetUtcNow()));
            var path = context.Request.Path.ToString();
            context.RequestAborted.Register(() => server.Aborted.Enqueue(path));
            await next(context);
        });
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new LocalHttpServer(app, new Uri(address + "/"));
        return server;
    }

    public Uri Url(string pathAndQuery) => new(Address, pathAndQuery.TrimStart('/'));

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

/// <summary>One request as <see cref="LocalHttpServer"/> received it (when its body had been read); header names lower-case.</summary>
public sealed record ReceivedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset ReceivedAt);
