using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlowForge.Engine.Storage;
using FlowForge.Server.Tests.Testing;
using FlowForge.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowForge.Server.Tests.Notifications;

public sealed class FailureNotificationTests
{
    [Fact]
    public async Task RunFails_OptedInUser_GetsOneLiveInAppItemCountingRepeats_OtherUserNothing()
    {
        await using var server = await TestServer.StartAsync();
        using var owner = await server.CreateUserClientAsync();
        using var bystander = await server.CreateUserClientAsync();
        var watched = await NotificationEndpointsTests.CreateFlowAsync(owner, "watched");
        var quiet = await NotificationEndpointsTests.CreateFlowAsync(owner, "quiet");
        var bystanderFlow = await NotificationEndpointsTests.CreateFlowAsync(bystander, "not opted in");
        (await owner.PutAsJsonAsync($"/api/flows/{watched}/notifications", new { onFailure = new { inApp = true, email = false } })).EnsureSuccessStatusCode();
        await using var hub = await ConnectAsync(server, owner);
        var live = new ConcurrentQueue<JsonObject>();
        hub.On<JsonObject>("notification", n => live.Enqueue(n));

        var first = await NotificationTesting.RunAsync(owner, watched);
        Assert.Equal("Failed", await NotificationTesting.StatusAsync(owner, first));
        var pushed = await Eventually.MatchesAsync(() => live.ToArray(), l => l.Length >= 1, "the failure pushed over the hub");
        Assert.Equal(first, pushed[0]["runId"]!.GetValue<Guid>());
        Assert.Equal("runFailed", pushed[0]["kind"]!.GetValue<string>());
        Assert.Equal("watched", pushed[0]["flowName"]!.GetValue<string>());

        var second = await NotificationTesting.RunAsync(owner, watched);
        await NotificationTesting.StatusAsync(owner, second);
        await NotificationTesting.StatusAsync(owner, await NotificationTesting.RunAsync(owner, quiet));
        await NotificationTesting.StatusAsync(bystander, await NotificationTesting.RunAsync(bystander, bystanderFlow));
        await Eventually.TrueAsync(() => live.Count >= 2, "the second failure pushed");

        var list = await owner.GetFromJsonAsync<JsonObject>("/api/notifications?unread=true");
        var item = Assert.Single(list!["items"]!.AsArray())!;
        Assert.Equal(2, item["count"]!.GetValue<int>());
        Assert.Equal(second, item["runId"]!.GetValue<Guid>());
        Assert.Equal(watched, item["flowId"]!.GetValue<Guid>());
        Assert.Contains("the import broke", item["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, list["unreadCount"]!.GetValue<int>());
        Assert.Empty((await bystander.GetFromJsonAsync<JsonObject>("/api/notifications"))!["items"]!.AsArray());

        var read = await owner.PostAsJsonAsync("/api/notifications/read", new { all = true });
        Assert.Equal(0, (await read.Content.ReadFromJsonAsync<JsonObject>())!["unreadCount"]!.GetValue<int>());
        Assert.Empty((await owner.GetFromJsonAsync<JsonObject>("/api/notifications?unread=true"))!["items"]!.AsArray());
        Assert.NotNull((await owner.GetFromJsonAsync<JsonObject>("/api/notifications"))!["items"]![0]!["readAt"]);
    }

    [Fact]
    public async Task SubflowRunFails_OnlyTheTopLevelRunIsNotified()
    {
        await using var server = await TestServer.StartAsync();
        using var owner = await server.CreateUserClientAsync();
        var body = await NotificationEndpointsTests.CreateFlowAsync(owner, "body");
        var parentFlow = Flows.Chain("parent", ("call", "flow.call", new JsonObject { ["flowId"] = body.ToString() }));
        var parent = (await (await owner.PostAsJsonAsync("/api/flows", parentFlow)).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        foreach (var flow in new[] { body, parent })
        {
            (await owner.PutAsJsonAsync($"/api/flows/{flow}/notifications", new { onFailure = new { inApp = true, email = false } })).EnsureSuccessStatusCode();
        }

        var runId = await NotificationTesting.RunAsync(owner, parent);
        Assert.Equal("Failed", await NotificationTesting.StatusAsync(owner, runId));

        var items = await Eventually.MatchesAsync(
            async () => (await owner.GetFromJsonAsync<JsonObject>("/api/notifications"))!["items"]!.AsArray(),
            i => i.Count >= 1,
            "the parent's failure notified");
        var item = Assert.Single(items)!;
        Assert.Equal(runId, item["runId"]!.GetValue<Guid>());
        Assert.Equal(parent, item["flowId"]!.GetValue<Guid>());
        Assert.Null(item["count"]);
    }

    [Fact]
    public async Task ThousandFailuresInAMinute_SendOneDigestListingThem_InAppItemsBounded()
    {
        await using var smtp = new LocalSmtpServer();
        await smtp.StartAsync();
        var clock = new AdjustableTimeProvider();
        var email = $"ops-{Guid.NewGuid():N}@example.com";
        await using var server = await TestServer.StartAsync(
            b => b.Services.AddSingleton<TimeProvider>(clock),
            NotificationTesting.SmtpSettings(smtp.Port, "--Notifications:MaxPerUser=10"));
        using var client = await server.CreateUserClientAsync(email);
        var user = await NotificationTesting.UserIdAsync(server, email);
        var store = server.App.Services.GetRequiredService<INotificationStore>();
        var flows = new List<Guid>();
        for (var i = 0; i < 25; i++)
        {
            var flow = await NotificationEndpointsTests.CreateFlowAsync(client, $"flow {i:00}");
            (await client.PutAsJsonAsync($"/api/flows/{flow}/notifications", new { onFailure = new { inApp = true, email = true } })).EnsureSuccessStatusCode();
            flows.Add(flow);
        }

        var limits = Limits();
        var runs = new ConcurrentBag<Guid>();
        for (var batch = 0; batch < 20; batch++)
        {
            // 1,000 failures within 40 seconds of the first, written 50 at a time.
            await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
            {
                var runId = Guid.NewGuid();
                runs.Add(runId);
                var n = (batch * 50) + i;
                await store.RecordRunFailureAsync(new RunFailure(runId, 1, flows[n % flows.Count], $"flow {n % flows.Count:00}", $"error {n}", clock.GetUtcNow()), limits, CancellationToken.None);
            }));
            clock.Advance(TimeSpan.FromSeconds(2));
        }

        Assert.Empty(smtp.Messages);
        clock.Advance(TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => smtp.Messages.Count >= 1, "the digest to be sent");

        var message = NotificationTesting.Parse(Assert.Single(smtp.Messages));
        Assert.Equal(email, message.To.Mailboxes.Single().Address);
        Assert.Contains("1,000 failed runs", message.Subject, StringComparison.Ordinal);
        Assert.Contains("25 flows", message.Subject, StringComparison.Ordinal);
        var body = message.TextBody!;
        Assert.Contains("flow 00: 40 failed runs", body, StringComparison.Ordinal);
        Assert.Contains("and 5 more flows", body, StringComparison.Ordinal);
        Assert.Contains("and 35 more failed runs", body, StringComparison.Ordinal);
        // Flows of equal counts are listed by name: flow 00 first with its latest errors, flow 24 among those left out.
        Assert.Matches("error (950|975)", body);
        Assert.DoesNotContain("flow 24", body, StringComparison.Ordinal);
        Assert.Matches(@"https://flows\.example\.com/runs/[0-9a-f-]{36}", body);
        Assert.True(body.Length < 20_000, $"The digest is bounded; it has {body.Length} characters.");

        var inApp = await client.GetFromJsonAsync<JsonObject>("/api/notifications?limit=200");
        Assert.Equal(10, inApp!["items"]!.AsArray().Count);
        // One item per flow at most: the bell shows the ten latest flows, not a thousand rows.
        Assert.Equal(10, inApp["items"]!.AsArray().Select(i => i!["flowId"]!.GetValue<Guid>()).Distinct().Count());

        // Everything sent: nothing is left to claim, however late.
        var digests = server.App.Services.GetRequiredService<IDigestStore>();
        var now = clock.GetUtcNow() + TimeSpan.FromDays(1);
        Assert.Empty(await digests.ClaimDueDigestsAsync(now, now, 10, CancellationToken.None));
    }

    [Fact]
    public async Task PendingDigest_ServerRestarts_IsSentOnceByTheNextProcess()
    {
        await using var smtp = new LocalSmtpServer();
        await smtp.StartAsync();
        var clock = new AdjustableTimeProvider();
        var data = Directory.CreateTempSubdirectory("flowforge-digest-").FullName;
        var email = $"ops-{Guid.NewGuid():N}@example.com";
        var settings = NotificationTesting.SmtpSettings(smtp.Port, $"--Storage:DataDirectory={data}");
        Guid flowId;
        await using (var first = await TestServer.StartAsync(b => b.Services.AddSingleton<TimeProvider>(clock), settings))
        {
            using var client = await first.CreateUserClientAsync(email);
            flowId = await NotificationEndpointsTests.CreateFlowAsync(client);
            (await client.PutAsJsonAsync($"/api/flows/{flowId}/notifications", new { onFailure = new { inApp = false, email = true } })).EnsureSuccessStatusCode();
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal("Failed", await NotificationTesting.StatusAsync(client, await NotificationTesting.RunAsync(client, flowId)));
            }

            // Recorded durably before the process stops (the digest waits for Notifications:FirstDigestDelaySeconds).
            await Eventually.TrueAsync(async () => await PendingAsync(data) == 3, "three failures waiting for the digest");
            Assert.Empty(smtp.Messages);
        }

        await using (var second = await TestServer.StartAsync(b => b.Services.AddSingleton<TimeProvider>(clock), settings))
        {
            clock.Advance(TimeSpan.FromSeconds(61));
            await Eventually.TrueAsync(() => smtp.Messages.Count >= 1, "the digest sent after the restart");
            Assert.Contains("3 failed runs", NotificationTesting.Parse(smtp.Messages[0]).Subject, StringComparison.Ordinal);
        }

        // A third process finds nothing left to send, even much later.
        await using var third = await TestServer.StartAsync(b => b.Services.AddSingleton<TimeProvider>(clock), settings);
        var later = clock.GetUtcNow() + TimeSpan.FromDays(1);
        Assert.Empty(await third.App.Services.GetRequiredService<IDigestStore>().ClaimDueDigestsAsync(later, later, 10, CancellationToken.None));
        Assert.Single(smtp.Messages);
    }

    [Fact]
    public async Task NotificationStoreFails_RunStaysFailed_AndTheWorkerKeepsGoing()
    {
        var logs = new CapturingLoggerProvider(Microsoft.Extensions.Logging.LogLevel.Warning);
        await using var server = await TestServer.StartAsync(b => b.Logging.AddProvider(logs));
        using var client = await server.CreateUserClientAsync();
        var failing = await NotificationEndpointsTests.CreateFlowAsync(client);
        var fine = (await (await client.PostAsJsonAsync("/api/flows", Flows.Diamond())).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        (await client.PutAsJsonAsync($"/api/flows/{failing}/notifications", new { onFailure = new { inApp = true, email = true } })).EnsureSuccessStatusCode();
        await BreakNotificationTablesAsync(server);

        var failed = await NotificationTesting.RunAsync(client, failing);
        Assert.Equal("Failed", await NotificationTesting.StatusAsync(client, failed));
        await Eventually.TrueAsync(() => logs.Entries.Any(e => e.Message.Contains($"failure of run {failed}", StringComparison.Ordinal)), "the notification failure logged");

        var run = await client.GetFromJsonAsync<JsonObject>($"/api/runs/{failed}");
        Assert.Equal("Failed", run!["status"]!.GetValue<string>());
        Assert.Contains("the import broke", run["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Succeeded", await NotificationTesting.StatusAsync(client, await NotificationTesting.RunAsync(client, fine)));
        Assert.Equal("Failed", await NotificationTesting.StatusAsync(client, await NotificationTesting.RunAsync(client, failing)));
    }

    [Fact]
    public async Task SmtpUnreachable_RunStaysFailed_DigestRetriedAndPasswordNeverLogged()
    {
        var logs = new CapturingLoggerProvider(Microsoft.Extensions.Logging.LogLevel.Debug);
        var clock = new AdjustableTimeProvider();
        var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        const string password = "pa55-never-in-a-log";
        await using var server = await TestServer.StartAsync(
            b =>
            {
                b.Logging.AddProvider(logs);
                b.Services.AddSingleton<TimeProvider>(clock);
            },
            NotificationTesting.SmtpSettings(port, "--Notifications:Smtp:Username=flowforge", $"--Notifications:Smtp:Password={password}", "--Notifications:Smtp:TimeoutSeconds=2"));
        using var client = await server.CreateUserClientAsync();
        var flowId = await NotificationEndpointsTests.CreateFlowAsync(client);
        var fine = (await (await client.PostAsJsonAsync("/api/flows", Flows.Diamond())).Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        (await client.PutAsJsonAsync($"/api/flows/{flowId}/notifications", new { onFailure = new { inApp = false, email = true } })).EnsureSuccessStatusCode();

        var runId = await NotificationTesting.RunAsync(client, flowId);
        Assert.Equal("Failed", await NotificationTesting.StatusAsync(client, runId));
        await Eventually.TrueAsync(async () => await PendingAsync(server.DataDirectory) == 1, "the failure waiting for the digest");
        clock.Advance(TimeSpan.FromSeconds(61));
        await Eventually.TrueAsync(() => logs.Entries.Any(e => e.Message.Contains("could not be sent (attempt 1)", StringComparison.Ordinal)), "the first send to fail", TimeSpan.FromSeconds(30));
        clock.Advance(TimeSpan.FromSeconds(31));
        await Eventually.TrueAsync(() => logs.Entries.Any(e => e.Message.Contains("could not be sent (attempt 2)", StringComparison.Ordinal)), "a retry after the backoff", TimeSpan.FromSeconds(30));

        Assert.Equal("Failed", (await client.GetFromJsonAsync<JsonObject>($"/api/runs/{runId}"))!["status"]!.GetValue<string>());
        Assert.Equal("Succeeded", await NotificationTesting.StatusAsync(client, await NotificationTesting.RunAsync(client, fine)));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_SmtpHostWithoutFrom_FailsNamingTheSetting()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => TestServer.StartAsync("--Notifications:Smtp:Host=127.0.0.1", "--Notifications:Smtp:Password=hidden-value"));

        var text = failure.ToString();
        Assert.Contains("Notifications:Smtp:From", text, StringComparison.Ordinal);
        Assert.Contains("Notifications:Smtp:Username", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hidden-value", text, StringComparison.Ordinal);
    }

    private static NotificationLimits Limits() => new(10, TimeSpan.FromMinutes(10), 1000, TimeSpan.FromSeconds(60), 1, 1000, QueueEmail: true);

    private static async Task<long> PendingAsync(string dataDirectory)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "flowforge.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM DigestItems";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task BreakNotificationTablesAsync(TestServer server)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "flowforge.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DROP TABLE NotifiedRunFailures";
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<HubConnection> ConnectAsync(TestServer server, HttpClient client)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.Address, "/hubs/runs"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult(client.DefaultRequestHeaders.Authorization?.Parameter);
            })
            .Build();
        await hub.StartAsync();
        return hub;
    }
}
