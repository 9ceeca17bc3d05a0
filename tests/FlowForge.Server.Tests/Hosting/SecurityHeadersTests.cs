using System.Net;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Hosting;

public sealed class SecurityHeadersTests
{
    private const string Csp =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; "
        + "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    [Theory]
    [InlineData("GET", "/api/setup", HttpStatusCode.OK)]
    [InlineData("GET", "/api/flows", HttpStatusCode.Unauthorized)]
    [InlineData("GET", "/api/no-such-thing", HttpStatusCode.NotFound)]
    [InlineData("POST", "/hooks/no-such-key", HttpStatusCode.NotFound)]
    [InlineData("GET", "/", HttpStatusCode.OK)]
    [InlineData("GET", "/flows/some/deep/link", HttpStatusCode.OK)]
    public async Task Response_AnyPath_CarriesTheSecurityHeaders(string method, string path, HttpStatusCode expected)
    {
        var web = Directory.CreateTempSubdirectory("flowforge-web-");
        await File.WriteAllTextAsync(Path.Combine(web.FullName, "index.html"), "<!doctype html><title>FlowForge</title>");
        try
        {
            await using var server = await TestServer.StartAsync($"--Web:Root={web.FullName}");
            using var client = server.CreateClient();

            var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

            Assert.Equal(expected, response.StatusCode);
            Assert.Equal(Csp, Header(response, "Content-Security-Policy"));
            Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
            Assert.Equal("DENY", Header(response, "X-Frame-Options"));
            Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
            Assert.Equal("same-origin", Header(response, "Cross-Origin-Opener-Policy"));
            Assert.False(response.Headers.Contains("Strict-Transport-Security"), "HSTS is sent over HTTPS only");
        }
        finally
        {
            web.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ApiReference_KeepsFrameAncestorsNone()
    {
        await using var server = await TestServer.StartAsync();
        using var client = server.CreateClient();

        var response = await client.GetAsync("/docs");

        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : $"(no {name} header)";
}
