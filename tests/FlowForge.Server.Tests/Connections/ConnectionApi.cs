using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.Builder;

namespace FlowForge.Server.Tests.Connections;

/// <summary>Calls of the connections API the tests share, and a server with the connection probe nodes.</summary>
internal static class ConnectionApi
{
    public static Task<TestServer> StartServerAsync(Action<WebApplicationBuilder>? configure = null, params string[] settings) =>
        TestServer.StartAsync(b =>
        {
            b.Services.AddNodeTypes(typeof(ConnectionProbeNode).Assembly);
            configure?.Invoke(b);
        }, settings);

    public static async Task<JsonObject> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/connections", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
