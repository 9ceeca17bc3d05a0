using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FlowForge.Engine.Storage;
using FlowForge.Nodes.Triggers;
using FlowForge.Server.Tests.Testing;
using FlowForge.Server.Triggers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FlowForge.Server.Tests.Triggers;

/// <summary>
/// Schedule triggers fired by calling the scheduler at chosen instants (its own loop is off, <c>Schedules:Enabled=false</c>),
/// so due times, downtime and races between processes are exact rather than waited for.
/// </summary>
public sealed class ScheduleTriggerTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private static string EveryMinute(string missed = "skip", string name = "every minute", string next = "next") =>
        new FlowBuilder(name)
            .Node("clock", "trigger.schedule", new JsonObject { ["everyMs"] = 60_000, ["missed"] = missed })
            .Node(next, "core.noop")
            .Edge("clock", next).ToJson();

    [Fact]
    public async Task FireDue_TwoHostsOnOnePostgresDatabase_EachDueTimeFiresOnce()
    {
        await using var database = await TestDatabase.CreateAsync("postgres");
        string[] settings = ["--Storage:Provider=postgres", $"--Storage:ConnectionString={database.ConnectionString}", "--Schedules:Enabled=false"];
        await using var first = await TestServer.StartAsync(settings);
        await using var second = await TestServer.StartAsync(settings);
        using var client = await first.CreateUserClientAsync();
        var flowId = await TriggerFlows.CreateAsync(client, FlowBuilder.FromFixture("schedule-every-ten-seconds").ToJson());
        await TriggerFlows.ActivateAsync(client, flowId);
        var activatedAt = await ActivatedAtAsync(first, flowId);
        var due = NextBoundary(activatedAt, TimeSpan.FromSeconds(10));
        var firers = new[] { first, second }.Select(s => s.App.Services.GetRequiredService<ScheduleFirer>()).ToArray();

        var started = 0;
        foreach (var tick in new[] { due, due + TimeSpan.FromSeconds(10), due + TimeSpan.FromSeconds(20) })
        {
            // Both hosts look at each instant together, several times: only one claim per due time may win.
            for (var round = 0; round < 3; round++)
            {
                var counts = await Task.WhenAll(firers.Select(f => f.FireDueAsync(tick + TimeSpan.FromMilliseconds(500), CancellationToken.None)));
                started += counts.Sum();
            }
        }

        Assert.Equal(3, started);
        var runs = await TriggerFlows.RunsOfAsync(client, flowId);
        Assert.Equal(3, runs.Count);
        var dueTimes = new List<DateTimeOffset>();
        foreach (var run in runs)
        {
            var finished = await TriggerFlows.FinishedRunAsync(client, run!["id"]!.GetValue<Guid>());
            Assert.Equal("Succeeded", finished["status"]!.GetValue<string>());
            Assert.False(finished["input"]!["missed"]!.GetValue<bool>());
            dueTimes.Add(finished["input"]!["dueAt"]!.GetValue<DateTimeOffset>());
        }

        Assert.Equal([due, due.AddSeconds(10), due.AddSeconds(20)], dueTimes.Order());
        Assert.Equal(3, await database.ScalarAsync($"SELECT COUNT(*) FROM TriggerFirings WHERE FlowId = '{flowId}' AND RunId IS NOT NULL"));
    }

    [Fact]
    public async Task FireDue_ClaimedButNeverStarted_NextPassAfterTheLeaseStartsItOnce()
    {
        await using var server = await TestServer.StartAsync("--Schedules:Enabled=false", "--Schedules:FiringLeaseMs=5000");
        using var client = await server.CreateUserClientAsync();
        var flowId = await TriggerFlows.CreateAsync(client, EveryMinute());
        await TriggerFlows.ActivateAsync(client, flowId);
        var firer = server.App.Services.GetRequiredService<ScheduleFirer>();
        var due = NextBoundary(await ActivatedAtAsync(server, flowId), Minute);
        var claimedAt = due + TimeSpan.FromMilliseconds(500);
        // The process that claimed this due time stopped before starting its run.
        Assert.True(await server.App.Services.GetRequiredService<ITriggerStore>().TryClaimFiringAsync(new TriggerFiring(flowId, "clock", due, claimedAt), CancellationToken.None));

        var withinLease = await firer.FireDueAsync(claimedAt + TimeSpan.FromSeconds(2), CancellationToken.None);
        var afterLease = await firer.FireDueAsync(claimedAt + TimeSpan.FromSeconds(6), CancellationToken.None);
        var again = await firer.FireDueAsync(claimedAt + TimeSpan.FromSeconds(20), CancellationToken.None);

        Assert.Equal([0, 1, 0], [withinLease, afterLease, again]);
        var run = Assert.Single(await TriggerFlows.RunsOfAsync(client, flowId))!;
        var finished = await TriggerFlows.FinishedRunAsync(client, run["id"]!.GetValue<Guid>());
        Assert.Equal("Succeeded", finished["status"]!.GetValue<string>());
        Assert.Equal(due, finished["input"]!["dueAt"]!.GetValue<DateTimeOffset>());
        Assert.False(finished["input"]!["missed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task FireDue_ClaimedButNeverStartedTwoHostsOnPostgres_StartedExactlyOnce()
    {
        await using var database = await TestDatabase.CreateAsync("postgres");
        string[] settings = ["--Storage:Provider=postgres", $"--Storage:ConnectionString={database.ConnectionString}", "--Schedules:Enabled=false", "--Schedules:FiringLeaseMs=5000"];
        await using var first = await TestServer.StartAsync(settings);
        await using var second = await TestServer.StartAsync(settings);
        using var client = await first.CreateUserClientAsync();
        var flowId = await TriggerFlows.CreateAsync(client, EveryMinute());
        await TriggerFlows.ActivateAsync(client, flowId);
        var due = NextBoundary(await ActivatedAtAsync(first, flowId), Minute);
        var claimedAt = due + TimeSpan.FromMilliseconds(500);
        Assert.True(await first.App.Services.GetRequiredService<ITriggerStore>().TryClaimFiringAsync(new TriggerFiring(flowId, "clock", due, claimedAt), CancellationToken.None));
        var firers = new[] { first, second }.Select(s => s.App.Services.GetRequiredService<ScheduleFirer>()).ToArray();

        var started = 0;
        for (var round = 0; round < 3; round++)
        {
            var counts = await Task.WhenAll(firers.Select(f => f.FireDueAsync(claimedAt + TimeSpan.FromSeconds(6 + round), CancellationToken.None)));
            started += counts.Sum();
        }

        Assert.Equal(1, started);
        var run = Assert.Single(await TriggerFlows.RunsOfAsync(client, flowId))!;
        var finished = await TriggerFlows.FinishedRunAsync(client, run["id"]!.GetValue<Guid>());
        Assert.Equal(due, finished["input"]!["dueAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(1, await database.ScalarAsync($"SELECT COUNT(*) FROM TriggerFirings WHERE FlowId = '{flowId}' AND RunId = '{run["id"]}'"));
    }

    [Fact]
    public async Task FireDue_PassedOverDueTime_NeverStartedLater()
    {
        await using var server = await TestServer.StartAsync("--Schedules:Enabled=false", "--Schedules:MissedAfterMs=5000", "--Schedules:FiringLeaseMs=5000");
        using var client = await server.CreateUserClientAsync();
        var flowId = await TriggerFlows.CreateAsync(client, EveryMinute("skip"));
        await TriggerFlows.ActivateAsync(client, flowId);
        var firer = server.App.Services.GetRequiredService<ScheduleFirer>();
        var lastMissed = NextBoundary(await ActivatedAtAsync(server, flowId), Minute) + (3 * Minute);

        var afterDowntime = await firer.FireDueAsync(lastMissed + TimeSpan.FromSeconds(30), CancellationToken.None);
        var afterLease = await firer.FireDueAsync(lastMissed + TimeSpan.FromSeconds(50), CancellationToken.None);

        Assert.Equal([0, 0], [afterDowntime, afterLease]);
        Assert.Empty(await TriggerFlows.RunsOfAsync(client, flowId));
    }

    [Fact]
    public async Task FireDue_AfterDowntimeWithSkip_NoRunForMissedTimesThenNextOnTime()
    {
        await using var server = await TestServer.StartAsync("--Schedules:Enabled=false", "--Schedules:MissedAfterMs=5000");
        using var client = await server.CreateUserClientAsync();
        var flowId = await TriggerFlows.CreateAsync(client, EveryMinute("skip"));
        await TriggerFlows.ActivateAsync(client, flowId);
        var firer = server.App.Services.GetRequiredService<ScheduleFirer>();
        var lastMissed = NextBoundary(await ActivatedAtAsync(server, flowId), Minute) + (10 * Minute);

        var afterDowntime = await firer.FireDueAsync(lastMissed + TimeSpan.FromSeconds(30), CancellationToken.None);
        var nextDue = await firer.FireDueAsync(lastMissed + Minute + TimeSpan.FromMilliseconds(500), CancellationToken.None);

        Assert.Equal(0, afterDowntime);
        Assert.Equal(1, nextDue);
        var run = Assert.Single(await TriggerFlows.RunsOfAsync(client, flowId))!;
        var finished = await TriggerFlows.FinishedRunAsync(client, run["id"]!.GetValue<Guid>());
        Assert.Equal(lastMissed + Minute, finished["input"]!["dueAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task FireDue_RestartAfterDowntimeWithRunOnce_OneRunForAllMissedTimes()
    {
        await using var database = await TestDatabase.CreateAsync("postgres");
        string[] settings = ["--Storage:Provider=postgres", $"--Storage:ConnectionString={database.ConnectionString}", "--Schedules:Enabled=false", "--Schedules:MissedAfterMs=5000"];
        Guid flowId;
        DateTimeOffset lastMissed;
        string email = $"owner-{Guid.NewGuid():N}@example.com";
        await using (var before = await TestServer.StartAsync(settings))
        {
            using var owner = await before.CreateUserClientAsync(email);
            flowId = await TriggerFlows.CreateAsync(owner, EveryMinute("runOnce"));
            await TriggerFlows.ActivateAsync(owner, flowId);
            lastMissed = NextBoundary(await ActivatedAtAsync(before, flowId), Minute) + (10 * Minute);
        }

        // A new process on the same database, ten minutes of due times later.
        await using var after = await TestServer.StartAsync(settings);
        var firer = after.App.Services.GetRequiredService<ScheduleFirer>();
        var afterDowntime = await firer.FireDueAsync(lastMissed + TimeSpan.FromSeconds(30), CancellationToken.None);
        var again = await firer.FireDueAsync(lastMissed + TimeSpan.FromSeconds(31), CancellationToken.None);

        Assert.Equal(1, afterDowntime);
        Assert.Equal(0, again);
        using var client = await SignInAsync(after, email);
        var run = Assert.Single(await TriggerFlows.RunsOfAsync(client, flowId))!;
        var input = (await TriggerFlows.FinishedRunAsync(client, run["id"]!.GetValue<Guid>()))["input"]!;
        Assert.True(input["missed"]!.GetValue<bool>());
        Assert.Equal(lastMissed, input["dueAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task FireDue_DeactivatedFlow_StartsNothing()
    {
        await using var server = await TestServer.StartAsync("--Schedules:Enabled=false");
        using var client = await server.CreateUserClientAsync();
        var flowId = await TriggerFlows.CreateAsync(client, EveryMinute());
        await TriggerFlows.ActivateAsync(client, flowId);
        var due = NextBoundary(await ActivatedAtAsync(server, flowId), Minute);
        var firer = server.App.Services.GetRequiredService<ScheduleFirer>();

        (await client.PostAsync($"/api/flows/{flowId}/deactivate", null)).EnsureSuccessStatusCode();
        var whileInactive = await firer.FireDueAsync(due + TimeSpan.FromSeconds(1), CancellationToken.None);
        await TriggerFlows.ActivateAsync(client, flowId);
        var reactivatedAt = await ActivatedAtAsync(server, flowId);
        var afterReactivation = await firer.FireDueAsync(NextBoundary(reactivatedAt, Minute) + TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(0, whileInactive);
        Assert.Equal(1, afterReactivation);
    }

    [Fact]
    public async Task FireDue_NewVersionSaved_RunsStartOnTheNewestVersion()
    {
        await using var server = await TestServer.StartAsync("--Schedules:Enabled=false");
        using var client = await server.CreateUserClientAsync();
        var flowId = await TriggerFlows.CreateAsync(client, EveryMinute());
        await TriggerFlows.ActivateAsync(client, flowId);
        var due = NextBoundary(await ActivatedAtAsync(server, flowId), Minute);
        (await client.PutAsync($"/api/flows/{flowId}", new StringContent(EveryMinute(next: "renamed"), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();

        var started = await server.App.Services.GetRequiredService<ScheduleFirer>().FireDueAsync(due + TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(1, started);
        var run = await TriggerFlows.FinishedRunAsync(client, (await TriggerFlows.RunsOfAsync(client, flowId))[0]!["id"]!.GetValue<Guid>());
        Assert.Equal(2, run["flowVersion"]!.GetValue<int>());
        Assert.Contains("renamed", run["nodes"]!.AsArray().Select(n => n!["nodeId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task ScheduleService_FakeClockAdvances_FiresAtTheDueTime()
    {
        await using var server = await TestServer.StartAsync("--Schedules:Enabled=false");
        using var client = await server.CreateUserClientAsync();
        var flowId = await TriggerFlows.CreateAsync(client, EveryMinute());
        await TriggerFlows.ActivateAsync(client, flowId);
        var due = NextBoundary(await ActivatedAtAsync(server, flowId), Minute);
        var clock = new FakeTimeProvider(due - TimeSpan.FromSeconds(2));
        var options = Options.Create(new ScheduleOptions { PollIntervalMs = 1_000 });
        using var service = new ScheduleService(server.App.Services.GetRequiredService<ScheduleFirer>(), clock, options, NullLogger<ScheduleService>.Instance);

        await service.StartAsync(CancellationToken.None);
        try
        {
            Assert.Empty(await TriggerFlows.RunsOfAsync(client, flowId));

            // The clock moves a second per look, up to half a minute past the due time: one due time, one run.
            var runs = await Eventually.MatchesAsync(
                async () =>
                {
                    if (clock.GetUtcNow() < due + TimeSpan.FromSeconds(30))
                    {
                        clock.Advance(TimeSpan.FromSeconds(1));
                    }

                    return await TriggerFlows.RunsOfAsync(client, flowId);
                },
                r => r.Count > 0,
                "the scheduler to fire once the clock passes the due time");
            Assert.Single(runs);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task SeveralTriggers_WebhookScheduleAndManualOnOneFlow_EachStartsAtItselfAndSkipsWhatOnlyTheOthersReach()
    {
        await using var server = await TestServer.StartAsync("--Schedules:Enabled=false");
        using var client = await server.CreateUserClientAsync();
        using var anonymous = server.CreateClient();
        var json = new FlowBuilder("three ways in")
            .Node("manual", "trigger.manual").Node("byHand", "core.noop")
            .Node("hook", "trigger.webhook", new JsonObject { ["respond"] = "immediately" }).Node("byCall", "core.noop")
            .Node("clock", "trigger.schedule", new JsonObject { ["everyMs"] = 60_000, ["missed"] = "skip" }).Node("byClock", "core.noop")
            .Node("shared", "core.noop")
            .Edge("manual", "byHand").Edge("hook", "byCall").Edge("clock", "byClock")
            .Edge("byHand", "shared").Edge("byCall", "shared").Edge("byClock", "shared")
            .ToJson();
        var (flowId, url) = await TriggerFlows.CreateActiveWebhookAsync(client, json);
        var due = NextBoundary(await ActivatedAtAsync(server, flowId), Minute);

        var called = await anonymous.PostAsync(url, null);
        var byCall = await TriggerFlows.FinishedRunAsync(client, (await called.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>());
        var pressed = await client.PostAsJsonAsync($"/api/flows/{flowId}/runs", new { input = new { } });
        var byHand = await TriggerFlows.FinishedRunAsync(client, (await pressed.Content.ReadFromJsonAsync<JsonObject>())!["runId"]!.GetValue<Guid>());
        Assert.Equal(1, await server.App.Services.GetRequiredService<ScheduleFirer>().FireDueAsync(due + TimeSpan.FromSeconds(1), CancellationToken.None));
        var byClockId = (await TriggerFlows.RunsOfAsync(client, flowId)).Select(r => r!["id"]!.GetValue<Guid>())
            .Single(id => id != byCall["id"]!.GetValue<Guid>() && id != byHand["id"]!.GetValue<Guid>());
        var byClock = await TriggerFlows.FinishedRunAsync(client, byClockId);

        Assert.Equal(HttpStatusCode.Accepted, called.StatusCode);
        Assert.Equal(
            ["byCall:Succeeded", "byClock:Skipped", "byHand:Skipped", "clock:Skipped", "hook:Succeeded", "manual:Skipped", "shared:Succeeded"],
            StatusesOf(byCall));
        Assert.Equal(
            ["byCall:Skipped", "byClock:Skipped", "byHand:Succeeded", "clock:Skipped", "hook:Skipped", "manual:Succeeded", "shared:Succeeded"],
            StatusesOf(byHand));
        Assert.Equal(
            ["byCall:Skipped", "byClock:Succeeded", "byHand:Skipped", "clock:Succeeded", "hook:Skipped", "manual:Skipped", "shared:Succeeded"],
            StatusesOf(byClock));
        Assert.All([byCall, byHand, byClock], r => Assert.Equal("Succeeded", r["status"]!.GetValue<string>()));
    }

    private static string[] StatusesOf(JsonObject run) =>
        [.. run["nodes"]!.AsArray().Select(n => $"{n!["nodeId"]!.GetValue<string>()}:{n["status"]!.GetValue<string>()}").Order(StringComparer.Ordinal)];

    [Theory]
    [InlineData("{\"cron\":\"61 * * * *\"}", "cron")]
    [InlineData("{\"cron\":\"0 9 * * *\",\"timeZone\":\"Nowhere/Special\"}", "timeZone")]
    [InlineData("{\"everyMs\":10}", "everyMs")]
    [InlineData("{\"everyMs\":60000,\"missed\":\"sometimes\"}", "missed")]
    public async Task Save_BadScheduleConfig_400NamingNodeAndField(string config, string field)
    {
        await using var server = await TestServer.StartAsync("--Schedules:Enabled=false");
        using var client = await server.CreateUserClientAsync();
        var json = new FlowBuilder("bad").Node("clock", "trigger.schedule", JsonNode.Parse(config)).ToJson();

        var saved = await client.PostAsync("/api/flows", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, saved.StatusCode);
        var error = (await saved.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![0]!;
        Assert.Equal("clock", error["nodeId"]!.GetValue<string>());
        Assert.Equal($"nodes[0].data.config.{field}", error["field"]!.GetValue<string>());
    }

    private static async Task<HttpClient> SignInAsync(TestServer server, string email)
    {
        using var anonymous = server.CreateClient();
        var response = await anonymous.PostAsJsonAsync("/api/auth/token", new { email, password = "correct horse battery" });
        response.EnsureSuccessStatusCode();
        return server.CreateClient((await response.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>());
    }

    private static async Task<DateTimeOffset> ActivatedAtAsync(TestServer server, Guid flowId)
    {
        var store = server.App.Services.GetRequiredService<ITriggerStore>();
        var flow = (await store.ListActiveFlowsAsync(1_000, CancellationToken.None)).Single(f => f.FlowId == flowId);
        return flow.ActivatedAt;
    }

    /// <summary>The first multiple of <paramref name="step"/> since the Unix epoch after <paramref name="time"/>.</summary>
    private static DateTimeOffset NextBoundary(DateTimeOffset time, TimeSpan step)
    {
        var ticks = time.UtcTicks - DateTime.UnixEpoch.Ticks;
        return new DateTimeOffset((((ticks / step.Ticks) + 1) * step.Ticks) + DateTime.UnixEpoch.Ticks, TimeSpan.Zero);
    }
}
