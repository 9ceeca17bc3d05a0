using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Endpoints;

public sealed class AuthEndpointsTests(SharedServerFixture shared) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task Register_ThenToken_WrongPasswordIs401_DuplicateIs409()
    {
        var server = shared.Server;
        using var client = server.CreateClient();

        var registered = await client.PostAsJsonAsync("/api/auth/register", new { email = "Ada@Example.com", password = "analytical engine" });
        var duplicate = await client.PostAsJsonAsync("/api/auth/register", new { email = "ada@example.com", password = "something else" });
        var token = await client.PostAsJsonAsync("/api/auth/token", new { email = "ada@example.com", password = "analytical engine" });
        var wrong = await client.PostAsJsonAsync("/api/auth/token", new { email = "ada@example.com", password = "difference engine" });

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.False(string.IsNullOrEmpty((await token.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Theory]
    [InlineData("{\"email\":\"not-an-email\",\"password\":\"long enough pw\"}", "email")]
    [InlineData("{\"email\":\"a@b.example\",\"password\":\"short\"}", "password")]
    [InlineData("{\"email\":42,\"password\":\"long enough pw\"}", "email")]
    [InlineData("{\"password\":\"long enough pw\"}", "email")]
    public async Task Register_BadInput_Returns400NamingTheField(string body, string field)
    {
        var server = shared.Server;
        using var client = server.CreateClient();

        var response = await client.PostAsync("/api/auth/register", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonObject>())!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Register_WhenClosed_Returns403()
    {
        await using var server = await TestServer.StartAsync("--Auth:AllowRegistration=false");
        using var client = server.CreateClient();

        var response = await client.PostAsJsonAsync("/api/auth/register", new { email = "a@b.example", password = "long enough pw" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
