using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Limits;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FlowForge.Tests.Credentials;

/// <summary>A connection's <see cref="NodeConnection.Http"/>: the credential of each kind, OAuth refreshes, and 429s.</summary>
public sealed class ConnectionCredentialHandlerTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly Uri Api = new("https://api.example.com/v1/items?page=2");

    private readonly JsonSecretProtector _protector = new();
    private readonly StubOutboundHttp _http = new();
    private readonly FakeTimeProvider _time = new(Now);

    private NodeConnection Open(ConnectionRecord record, IConnectionRefresher? refresher = null, ConnectionOptions? options = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ISecretProtector>(_protector);
        services.AddSingleton<IOutboundHttp>(_http);
        if (refresher is not null)
        {
            services.AddSingleton(refresher);
        }

        var factory = new NodeConnectionsFactory(services.BuildServiceProvider(), Options.Create(options ?? new ConnectionOptions()), _time);
        return factory.Open(record)!;
    }

    private ConnectionRecord Record(ConnectionKind kind, Dictionary<string, string> secret, string? settings = null, DateTimeOffset? expiresAt = null) =>
        new(Guid.NewGuid(), Guid.NewGuid(), "Work", kind, "acme", _protector.Protect(secret), ConnectionStatus.Connected, null, [], expiresAt, Now, Now, 1)
        {
            SettingsJson = settings,
        };

    [Fact]
    public async Task SendAsync_ApiKeyInHeader_SetsTheNamedHeader()
    {
        var connection = Open(Record(ConnectionKind.ApiKey, new() { ["key"] = "k-123" }, """{"in":"header","name":"X-Token"}"""));

        (await connection.Http.GetAsync(Api)).Dispose();

        var sent = Assert.Single(_http.Sent);
        Assert.Equal("k-123", sent.Headers["X-Token"]);
        Assert.Equal(Api, sent.Url);
    }

    [Fact]
    public async Task SendAsync_ApiKeyWithoutSettings_SendsXApiKey()
    {
        var connection = Open(Record(ConnectionKind.ApiKey, new() { ["key"] = "k-123" }));

        (await connection.Http.GetAsync(Api)).Dispose();

        Assert.Equal("k-123", Assert.Single(_http.Sent).Headers["X-Api-Key"]);
    }

    [Fact]
    public async Task SendAsync_ApiKeyInQuery_AppendsTheEscapedParameter()
    {
        var connection = Open(Record(ConnectionKind.ApiKey, new() { ["key"] = "a b&c" }, """{"in":"query","name":"api_key"}"""));

        (await connection.Http.GetAsync(Api)).Dispose();

        var sent = Assert.Single(_http.Sent);
        Assert.Equal("?page=2&api_key=a%20b%26c", sent.Url.Query);
        Assert.False(sent.Headers.ContainsKey("X-Api-Key"));
    }

    [Fact]
    public async Task SendAsync_Bearer_SetsAuthorization()
    {
        var connection = Open(Record(ConnectionKind.Bearer, new() { ["token"] = "t-1" }));

        (await connection.Http.GetAsync(Api)).Dispose();

        Assert.Equal("Bearer t-1", Assert.Single(_http.Sent).Authorization);
    }

    [Fact]
    public async Task SendAsync_Basic_SendsBase64OfUserAndPassword()
    {
        var connection = Open(Record(ConnectionKind.Basic, new() { ["username"] = "ada", ["password"] = "pä:ss" }));

        (await connection.Http.GetAsync(Api)).Dispose();

        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ada:pä:ss")), Assert.Single(_http.Sent).Authorization);
    }

    [Fact]
    public async Task SendAsync_BasicWithAnEmptyPassword_SendsTheUserAlone()
    {
        var connection = Open(Record(ConnectionKind.Basic, new() { ["username"] = "ada", ["password"] = "" }));

        (await connection.Http.GetAsync(Api)).Dispose();

        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ada:")), Assert.Single(_http.Sent).Authorization);
    }

    [Fact]
    public async Task SendAsync_BasicWithAnEmptyUserName_SendsThePasswordAlone()
    {
        var connection = Open(Record(ConnectionKind.Basic, new() { ["username"] = "", ["password"] = "k-1" }));

        (await connection.Http.GetAsync(Api)).Dispose();

        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(":k-1")), Assert.Single(_http.Sent).Authorization);
    }

    [Fact]
    public async Task SendAsync_SecretWithoutTheKindsField_ThrowsNamingTheField()
    {
        var connection = Open(Record(ConnectionKind.Bearer, new() { ["other"] = "x" }));

        var error = await Assert.ThrowsAsync<ConnectionUnusableException>(() => connection.Http.GetAsync(Api));

        Assert.Contains("has no 'token' in its secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_Headers_SetsEachAndReplacesTheCallersValue()
    {
        var connection = Open(Record(ConnectionKind.Headers, new() { ["X-Org"] = "o-1", ["X-Secret"] = "s-2" }));
        using var request = new HttpRequestMessage(HttpMethod.Get, Api);
        request.Headers.Add("X-Org", "forged");

        (await connection.Http.SendAsync(request)).Dispose();

        var sent = Assert.Single(_http.Sent);
        Assert.Equal("o-1", sent.Headers["X-Org"]);
        Assert.Equal("s-2", sent.Headers["X-Secret"]);
    }

    [Fact]
    public async Task SendAsync_OAuthTokenExpiringWithinTheMargin_RefreshesFirst()
    {
        var refresher = new ScriptedRefresher(_protector, Now.AddHours(1));
        var connection = Open(Record(ConnectionKind.OAuth2, new() { ["accessToken"] = "old" }, expiresAt: Now.AddSeconds(30)), refresher);

        (await connection.Http.GetAsync(Api)).Dispose();

        Assert.Equal([false], refresher.Calls);
        Assert.Equal("Bearer fresh-token", Assert.Single(_http.Sent).Authorization);
    }

    [Fact]
    public async Task SendAsync_OAuthTokenFarFromExpiry_DoesNotRefresh()
    {
        var refresher = new ScriptedRefresher(_protector, Now.AddHours(1));
        var connection = Open(Record(ConnectionKind.OAuth2, new() { ["accessToken"] = "current" }, expiresAt: Now.AddMinutes(10)), refresher);

        (await connection.Http.GetAsync(Api)).Dispose();

        Assert.Empty(refresher.Calls);
        Assert.Equal("Bearer current", Assert.Single(_http.Sent).Authorization);
    }

    [Fact]
    public async Task SendAsync_OAuth401_RefreshesOnceWithForceAndResendsTheBody()
    {
        var refresher = new ScriptedRefresher(_protector, Now.AddHours(1));
        var connection = Open(Record(ConnectionKind.OAuth2, new() { ["accessToken"] = "revoked" }, expiresAt: Now.AddHours(1)), refresher);
        _http.Responses.Enqueue(() => new HttpResponseMessage(HttpStatusCode.Unauthorized));

        using var response = await connection.Http.PostAsync(Api, new StringContent("""{"text":"hi"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([true], refresher.Calls);
        var sent = _http.Sent.ToArray();
        Assert.Equal(["Bearer revoked", "Bearer fresh-token"], sent.Select(s => s.Authorization));
        Assert.All(sent, s => Assert.Equal("""{"text":"hi"}""", s.Body));
    }

    [Fact]
    public async Task SendAsync_OAuth401Twice_RefreshesOnlyOnceAndReturnsThe401()
    {
        var refresher = new ScriptedRefresher(_protector, Now.AddHours(1));
        var connection = Open(Record(ConnectionKind.OAuth2, new() { ["accessToken"] = "revoked" }, expiresAt: Now.AddHours(1)), refresher);
        _http.Responses.Enqueue(() => new HttpResponseMessage(HttpStatusCode.Unauthorized));
        _http.Responses.Enqueue(() => new HttpResponseMessage(HttpStatusCode.Unauthorized));

        using var response = await connection.Http.GetAsync(Api);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Single(refresher.Calls);
        Assert.Equal(2, _http.Sent.Count);
    }

    [Fact]
    public async Task SendAsync_ExpiredOAuthWithoutARefresher_ThrowsConnectionUnusable()
    {
        var connection = Open(Record(ConnectionKind.OAuth2, new() { ["accessToken"] = "stale" }, expiresAt: Now.AddSeconds(-1)));

        var error = await Assert.ThrowsAsync<ConnectionUnusableException>(() => connection.Http.GetAsync(Api));

        Assert.Contains("has expired and this server cannot refresh it", error.Message, StringComparison.Ordinal);
        Assert.Empty(_http.Sent);
    }

    [Fact]
    public async Task SendAsync_429WithRetryAfterSeconds_ThrowsProviderRateLimitedWithThatDelay()
    {
        var connection = Open(Record(ConnectionKind.Bearer, new() { ["token"] = "t" }));
        _http.Responses.Enqueue(() => new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)) } });

        var error = await Assert.ThrowsAsync<ProviderRateLimitedException>(() => connection.Http.GetAsync(Api));

        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        Assert.Contains("429", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_429WithRetryAfterDate_WaitsUntilThatDate()
    {
        var connection = Open(Record(ConnectionKind.Bearer, new() { ["token"] = "t" }));
        _http.Responses.Enqueue(() => new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(90)) } });

        var error = await Assert.ThrowsAsync<ProviderRateLimitedException>(() => connection.Http.GetAsync(Api));

        Assert.Equal(TimeSpan.FromSeconds(90), error.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_429WithoutRetryAfter_WaitsOneSecond()
    {
        var connection = Open(Record(ConnectionKind.Bearer, new() { ["token"] = "t" }));
        _http.Responses.Enqueue(() => new HttpResponseMessage(HttpStatusCode.TooManyRequests));

        var error = await Assert.ThrowsAsync<ProviderRateLimitedException>(() => connection.Http.GetAsync(Api));

        Assert.Equal(TimeSpan.FromSeconds(1), error.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_429WithAHugeRetryAfter_IsCutToTheSetting()
    {
        var connection = Open(Record(ConnectionKind.Bearer, new() { ["token"] = "t" }), options: new ConnectionOptions { MaxRetryAfterSeconds = 60 });
        _http.Responses.Enqueue(() => new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromDays(3)) } });

        var error = await Assert.ThrowsAsync<ProviderRateLimitedException>(() => connection.Http.GetAsync(Api));

        Assert.Equal(TimeSpan.FromSeconds(60), error.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_SecretSealedElsewhere_ThrowsConnectionUnusableNamingTheConnection()
    {
        var record = Record(ConnectionKind.Bearer, new() { ["token"] = "t" }) with { ProtectedSecret = [1, 2, 3] };
        var connection = Open(record);

        var error = await Assert.ThrowsAsync<ConnectionUnusableException>(() => connection.Http.GetAsync(Api));

        Assert.Contains($"'Work' ({record.Id}) cannot be opened", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadSecretAsync_Basic_ReturnsTheOpenedFields()
    {
        var connection = Open(Record(ConnectionKind.Basic, new() { ["username"] = "ada", ["password"] = "pw" }));

        var secret = await connection.ReadSecretAsync(CancellationToken.None);

        Assert.Equal("ada", secret["username"]);
        Assert.Equal("pw", secret["password"]);
    }
}
