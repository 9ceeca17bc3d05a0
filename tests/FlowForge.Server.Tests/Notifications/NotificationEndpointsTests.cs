using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Server.Tests.Testing;

namespace FlowForge.Server.Tests.Notifications;

public sealed class NotificationEndpointsTests(SharedServerFixture shared) : IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task FlowPreference_PutThenGet_ReturnsTheChoiceOfThisUserOnly()
    {
        var server = shared.Server;
        using var owner = await server.CreateUserClientAsync();
        using var other = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(owner);

        var initial = await owner.GetFromJsonAsync<JsonObject>($"/api/flows/{flowId}/notifications");
        Assert.False(initial!["onFailure"]!["inApp"]!.GetValue<bool>());
        Assert.False(initial["onFailure"]!["email"]!.GetValue<bool>());

        var put = await owner.PutAsJsonAsync($"/api/flows/{flowId}/notifications", new { onFailure = new { inApp = true, email = true } });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var read = await owner.GetFromJsonAsync<JsonObject>($"/api/flows/{flowId}/notifications");
        Assert.True(read!["onFailure"]!["inApp"]!.GetValue<bool>());
        Assert.True(read["onFailure"]!["email"]!.GetValue<bool>());

        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/flows/{flowId}/notifications")).StatusCode);
        var foreignPut = await other.PutAsJsonAsync($"/api/flows/{flowId}/notifications", new { onFailure = new { inApp = true, email = false } });
        Assert.Equal(HttpStatusCode.NotFound, foreignPut.StatusCode);
        Assert.Equal("application/problem+json", foreignPut.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("{}", "onFailure")]
    [InlineData("""{"onFailure": true}""", "onFailure")]
    [InlineData("""{"onFailure": {"inApp": "yes", "email": false}}""", "onFailure.inApp")]
    [InlineData("""{"onFailure": {"inApp": true}}""", "onFailure.email")]
    [InlineData("[]", "$")]
    public async Task FlowPreference_BadBody_Answers400NamingTheField(string body, string field)
    {
        var server = shared.Server;
        using var owner = await server.CreateUserClientAsync();
        var flowId = await CreateFlowAsync(owner);

        var response = await owner.PutAsync($"/api/flows/{flowId}/notifications", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonObject>())!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Settings_WithoutSmtp_DefaultToTheAccountEmailAndSayEmailIsOff()
    {
        var server = shared.Server;
        var email = $"someone-{Guid.NewGuid():N}@example.com";
        using var client = await server.CreateUserClientAsync(email);

        var settings = await client.GetFromJsonAsync<JsonObject>("/api/notification-settings");

        Assert.Equal(email, settings!["email"]!.GetValue<string>());
        Assert.True(settings["emailIsAccountDefault"]!.GetValue<bool>());
        Assert.Equal(1, settings["digestMinutes"]!.GetValue<int>());
        Assert.False(settings["emailEnabled"]!.GetValue<bool>());
        Assert.Contains("Notifications:Smtp:Host", settings["note"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_Put_StoresEmailAndInterval_NullEmailGoesBackToTheAccount()
    {
        await using var server = await TestServer.StartAsync("--Notifications:Smtp:Host=127.0.0.1", "--Notifications:Smtp:From=flowforge@example.com");
        using var client = await server.CreateUserClientAsync();

        var put = await client.PutAsJsonAsync("/api/notification-settings", new { email = "alerts@example.com", digestMinutes = 15 });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var read = await client.GetFromJsonAsync<JsonObject>("/api/notification-settings");
        Assert.Equal("alerts@example.com", read!["email"]!.GetValue<string>());
        Assert.False(read["emailIsAccountDefault"]!.GetValue<bool>());
        Assert.Equal(15, read["digestMinutes"]!.GetValue<int>());
        Assert.True(read["emailEnabled"]!.GetValue<bool>());
        Assert.Null(read["note"]);

        await client.PutAsJsonAsync("/api/notification-settings", new { email = (string?)null });
        var reset = await client.GetFromJsonAsync<JsonObject>("/api/notification-settings");
        Assert.True(reset!["emailIsAccountDefault"]!.GetValue<bool>());
        Assert.Equal(15, reset["digestMinutes"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{"email": "not an address"}""", "email")]
    [InlineData("""{"email": 12}""", "email")]
    [InlineData("""{"digestMinutes": 0}""", "digestMinutes")]
    [InlineData("""{"digestMinutes": 1441}""", "digestMinutes")]
    [InlineData("""{"digestMinutes": 2.5}""", "digestMinutes")]
    public async Task Settings_BadBody_Answers400NamingTheField(string body, string field)
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();

        var response = await client.PutAsync("/api/notification-settings", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonObject>())!["field"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("{}", "ids")]
    [InlineData("""{"ids": ["x"]}""", "ids[0]")]
    [InlineData("""{"ids": [], "all": true}""", "all")]
    public async Task MarkRead_BadBody_Answers400NamingTheField(string body, string field)
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();

        var response = await client.PostAsync("/api/notifications/read", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await response.Content.ReadFromJsonAsync<JsonObject>())!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_BadCursor_Answers400()
    {
        var server = shared.Server;
        using var client = await server.CreateUserClientAsync();

        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/notifications?cursor=nonsense")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/notifications?limit=0")).StatusCode);
    }

    internal static async Task<Guid> CreateFlowAsync(HttpClient client, string name = "nightly import")
    {
        var flow = Flows.Chain(name, ("boom", "core.error", new JsonObject { ["message"] = "the import broke" }));
        var response = await client.PostAsJsonAsync("/api/flows", flow);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }
}
