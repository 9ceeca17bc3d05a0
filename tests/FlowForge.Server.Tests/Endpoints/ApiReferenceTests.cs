using System.Net;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Endpoints;

public sealed class ApiReferenceTests
{
    [Fact]
    public async Task Docs_Get_AnswersHtmlReferencingTheOpenApiDocument()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.CreateClient();

        var response = await client.GetAsync("/docs");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        // Scalar names the document relative to the site root (its script resolves it against the page's base path).
        Assert.Contains("\"url\":\"openapi/v1.json\"", html, StringComparison.Ordinal);
        Assert.Contains("<title>FlowForge API</title>", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json")).StatusCode);
    }
}
