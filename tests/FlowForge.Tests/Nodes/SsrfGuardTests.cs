using System.Net;
using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Nodes.Http;
using FlowForge.Tests.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FlowForge.Tests.Nodes;

/// <summary>
/// The outbound address guard: which addresses are internal, and that <c>http.request</c> refuses them after DNS and
/// on every redirect unless the settings open them. No test connects beyond 127.0.0.1 (<see cref="HttpNodeHarness"/>).
/// </summary>
public sealed class SsrfGuardTests
{
    private static JsonObject Get(string url) => new() { ["method"] = "GET", ["url"] = url };

    private static Task<NodeResult> RunAsync(HttpNodeHarness harness, string url) =>
        harness.Node.ExecuteAsync(NodeContexts.For(Get(url)), CancellationToken.None);

    [Theory]
    [InlineData("127.0.0.1", AddressKinds.Loopback)]
    [InlineData("127.200.1.1", AddressKinds.Loopback)]
    [InlineData("::1", AddressKinds.Loopback)]
    [InlineData("10.0.0.1", AddressKinds.Private)]
    [InlineData("172.16.5.4", AddressKinds.Private)]
    [InlineData("172.31.255.255", AddressKinds.Private)]
    [InlineData("192.168.1.1", AddressKinds.Private)]
    [InlineData("169.254.169.254", AddressKinds.Metadata)]
    [InlineData("fd00:ec2::254", AddressKinds.Metadata)]
    [InlineData("169.254.1.1", AddressKinds.LinkLocal)]
    [InlineData("fe80::1", AddressKinds.LinkLocal)]
    [InlineData("fc00::1", AddressKinds.UniqueLocal)]
    [InlineData("fd12:3456::1", AddressKinds.UniqueLocal)]
    [InlineData("0.0.0.0", AddressKinds.Unspecified)]
    [InlineData("0.1.2.3", AddressKinds.Unspecified)]
    [InlineData("::", AddressKinds.Unspecified)]
    [InlineData("100.64.0.1", AddressKinds.CarrierGradeNat)]
    [InlineData("100.127.255.255", AddressKinds.CarrierGradeNat)]
    [InlineData("224.0.0.1", AddressKinds.Multicast)]
    [InlineData("ff02::1", AddressKinds.Multicast)]
    [InlineData("255.255.255.255", AddressKinds.Broadcast)]
    [InlineData("240.0.0.1", AddressKinds.Reserved)]
    [InlineData("::ffff:127.0.0.1", AddressKinds.Loopback)]
    [InlineData("::ffff:169.254.169.254", AddressKinds.Metadata)]
    [InlineData("::ffff:10.1.2.3", AddressKinds.Private)]
    [InlineData("64:ff9b::a00:1", AddressKinds.Private)]
    [InlineData("2002:c0a8:0101::1", AddressKinds.Private)]
    [InlineData("::127.0.0.1", AddressKinds.Reserved)]
    public void Classify_InternalAddress_NamesItsKind(string address, string kind)
    {
        Assert.Equal(kind, AddressRules.Classify(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    public void Classify_PublicAddress_Null(string address)
    {
        Assert.Null(AddressRules.Classify(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}/", "127.0.0.1 is a loopback address")]
    [InlineData("http://[::1]:{port}/", "::1 is a loopback address")]
    [InlineData("http://10.0.0.1/", "10.0.0.1 is a private address")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata address")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/", "loopback address")]
    [InlineData("http://0.0.0.0:{port}/", "unspecified address")]
    public async Task ExecuteAsync_InternalAddressWithGuardOn_RefusedWithoutConnecting(string url, string reason)
    {
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/", () => "secret"));
        await using var harness = HttpNodeHarness.Create();

        var result = await RunAsync(harness, url.Replace("{port}", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.False(result.Retryable);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        Assert.Contains("Http:AllowPrivateNetworks", result.Error, StringComparison.Ordinal);
        Assert.Contains("Http:AllowedHosts", result.Error, StringComparison.Ordinal);
        Assert.Empty(harness.Connections);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task ExecuteAsync_NameResolvingToPrivateAddress_RefusedAfterResolution()
    {
        var names = new Dictionary<string, IPAddress[]> { ["intranet.example.com"] = [IPAddress.Parse("10.1.2.3")] };
        await using var harness = HttpNodeHarness.Create(names: names);

        var result = await RunAsync(harness, "https://intranet.example.com/admin");

        Assert.Contains("intranet.example.com resolves to 10.1.2.3, a private address", result.Error, StringComparison.Ordinal);
        Assert.Empty(harness.Connections);
    }

    [Fact]
    public async Task ExecuteAsync_LocalhostFromTheSystemResolver_Refused()
    {
        var localhost = await new DnsHostResolver().ResolveAsync("localhost", CancellationToken.None);
        Assert.All(localhost, a => Assert.True(IPAddress.IsLoopback(a)));
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/", () => "secret"));
        await using var harness = HttpNodeHarness.Create(names: new Dictionary<string, IPAddress[]> { ["localhost"] = localhost });

        var result = await RunAsync(harness, $"http://localhost:{server.Port}/");

        Assert.Contains("localhost resolves to", result.Error, StringComparison.Ordinal);
        Assert.Contains("loopback address", result.Error, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task ExecuteAsync_AllowedHostRedirectingToLoopback_RedirectRefused()
    {
        // public.example is opened by name (it resolves to 127.0.0.1 here); the redirect's target, 127.0.0.1 itself, is not.
        var names = new Dictionary<string, IPAddress[]> { ["public.example"] = [IPAddress.Loopback] };
        await using var server = await LocalHttpServer.StartAsync(app =>
        {
            app.MapGet("/start", (HttpContext c) => Results.Redirect($"http://127.0.0.1:{c.Connection.LocalPort}/secret"));
            app.MapGet("/secret", () => "secret");
        });
        await using var harness = HttpNodeHarness.Create(o => o.AllowedHosts = ["public.example"], names);

        var result = await RunAsync(harness, $"http://public.example:{server.Port}/start");

        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.Contains("127.0.0.1 is a loopback address", result.Error, StringComparison.Ordinal);
        Assert.Equal(["/start"], server.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task ExecuteAsync_RedirectToNonHttpScheme_Refused()
    {
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/start", () => Results.Redirect("file:///etc/passwd")));
        await using var harness = HttpNodeHarness.Create(o => o.AllowedHosts = ["127.0.0.1"]);

        var result = await RunAsync(harness, $"{server.Address}start");

        Assert.Contains("only http and https", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_AllowPrivateNetworks_LoopbackReached()
    {
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/", () => "inside"));
        await using var harness = HttpNodeHarness.Create(o => o.AllowPrivateNetworks = true);

        var result = await RunAsync(harness, server.Address.ToString());

        Assert.Equal("inside", (string?)result.Output!["body"]);
    }

    [Fact]
    public async Task ExecuteAsync_AllowPrivateNetworks_MetadataAddressStillRefused()
    {
        await using var harness = HttpNodeHarness.Create(o => o.AllowPrivateNetworks = true);

        var result = await RunAsync(harness, "http://169.254.169.254/latest/meta-data/");

        Assert.Contains("cloud metadata address", result.Error, StringComparison.Ordinal);
        Assert.Empty(harness.Connections);
    }

    [Fact]
    public async Task ExecuteAsync_AllowedCidrRange_AddressesInsideReached()
    {
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/", () => "ranged"));
        await using var harness = HttpNodeHarness.Create(o => o.AllowedHosts = ["127.0.0.0/8"]);

        var result = await RunAsync(harness, server.Address.ToString());

        Assert.Equal("ranged", (string?)result.Output!["body"]);
    }

    [Fact]
    public async Task ExecuteAsync_WildcardAllowedHost_SubdomainReachedButNotOtherNames()
    {
        var names = new Dictionary<string, IPAddress[]> { ["api.corp.example"] = [IPAddress.Loopback], ["corp.example.evil"] = [IPAddress.Loopback] };
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/", () => "corp"));
        await using var harness = HttpNodeHarness.Create(o => o.AllowedHosts = ["*.corp.example"], names);

        var allowed = await RunAsync(harness, $"http://api.corp.example:{server.Port}/");
        var other = await RunAsync(harness, $"http://corp.example.evil:{server.Port}/");

        Assert.Equal("corp", (string?)allowed.Output!["body"]);
        Assert.Contains("loopback address", other.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllowedAddressesAsync_AnswerMixingPublicAndPrivate_OnlyTheAllowedAddressIsUsed()
    {
        var names = new Dictionary<string, IPAddress[]> { ["mixed.example"] = [IPAddress.Parse("10.9.9.9"), IPAddress.Loopback] };
        await using var harness = HttpNodeHarness.Create(o => o.AllowedHosts = ["127.0.0.1/32"], names);

        var addresses = await harness.Guard.AllowedAddressesAsync("mixed.example", CancellationToken.None);

        Assert.Equal([IPAddress.Loopback], addresses);
    }

    [Fact]
    public async Task ConnectAsync_ResolverAnswersChange_ConnectsToTheAddressItChecked()
    {
        // A rebinding resolver: a public-looking answer once, then an internal one. The guard resolves once and connects to what it checked.
        await using var server = await LocalHttpServer.StartAsync(app => app.MapGet("/", () => "ok"));
        var resolver = new RebindingResolver([IPAddress.Loopback], [IPAddress.Parse("10.0.0.7")]);
        var options = new HttpOptions { AllowedHosts = ["127.0.0.1"] };
        var connected = new List<IPEndPoint>();
        var guard = new SsrfGuard(options, resolver, async (endpoint, ct) =>
        {
            connected.Add(endpoint);
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.IsLoopback(endpoint.Address) ? endpoint : throw new InvalidOperationException($"connected to {endpoint}"), ct);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        });

        await using var stream = await guard.ConnectAsync(new DnsEndPoint("rebind.example", server.Port), CancellationToken.None);

        Assert.Equal([new IPEndPoint(IPAddress.Loopback, server.Port)], connected);
        Assert.Equal(1, resolver.Calls);
    }

    [Theory]
    [InlineData("file:///etc/passwd", "only http and https")]
    [InlineData("gopher://127.0.0.1:70/", "only http and https")]
    [InlineData("https://admin:pw@example.com/", "user name or password")]
    public void CheckUrl_UnsafeUrl_Refused(string url, string reason)
    {
        Assert.Contains(reason, SsrfGuard.CheckUrl(new Uri(url)), StringComparison.Ordinal);
    }

    [Fact]
    public void CheckUrl_HttpsUrl_Accepted()
    {
        Assert.Null(SsrfGuard.CheckUrl(new Uri("https://api.example.com/v1?x=1")));
    }

    [Fact]
    public void CreateHandler_Always_FollowsNoRedirectsAndUsesNoProxy()
    {
        var guard = new SsrfGuard(new HttpOptions(), new DnsHostResolver(), (_, _) => throw new InvalidOperationException());

        using var handler = guard.CreateHandler();

        Assert.False(handler.AllowAutoRedirect);
        Assert.False(handler.UseProxy);
        Assert.NotNull(handler.ConnectCallback);
    }

    private sealed class RebindingResolver(params IPAddress[][] answers) : IHostResolver
    {
        public int Calls { get; private set; }

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Task.FromResult(answers[Math.Min(Calls++, answers.Length - 1)]);
    }
}
