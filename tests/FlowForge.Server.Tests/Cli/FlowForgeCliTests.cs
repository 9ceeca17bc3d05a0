using System.Text.Json.Nodes;
using FlowForge.Server.Cli;
using FlowForge.Server.Tests.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FlowForge.Server.Tests.Cli;

public sealed class FlowForgeCliTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("flowforge-cli-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string Write(string name, JsonObject flow)
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllText(path, flow.ToJsonString());
        return path;
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await FlowForgeCli.RunAsync(args, output, error, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Validate_ValidFlow_ExitsZero()
    {
        var (exit, output, _) = await RunAsync("validate", Write("ok.flow.json", Flows.Diamond()));

        Assert.Equal(0, exit);
        Assert.Contains("is valid (5 nodes, 5 edges)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BrokenFlow_PrintsEveryProblemAndExitsOne()
    {
        var flow = Flows.Diamond();
        flow["nodes"]!.AsArray().Add(Flows.Node("lonely", "core.noop"));
        flow["nodes"]!.AsArray().Add(Flows.Node("odd", "core.unknown"));

        var (exit, output, _) = await RunAsync("validate", Write("bad.flow.json", flow));

        Assert.Equal(1, exit);
        Assert.Contains("unreachable_node [node 'lonely'", output, StringComparison.Ordinal);
        Assert.Contains("unknown_node_type [node 'odd'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SucceedingFlow_ShowsEachNodeAndExitsZero()
    {
        var flow = Flows.Chain("greet", ("hello", "core.set", new JsonObject { ["values"] = new JsonObject { ["text"] = "hello {{ input.name }}" } }));

        var (exit, output, _) = await RunAsync("run", Write("greet.flow.json", flow), "--input", "{\"name\":\"Ada\"}");

        Assert.Equal(0, exit);
        Assert.Contains("trigger", output, StringComparison.Ordinal);
        Assert.Contains("Succeeded", output, StringComparison.Ordinal);
        Assert.Contains("\"text\":\"hello Ada\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FailingFlow_ExitsOneNamingTheNode()
    {
        var flow = Flows.Chain("fails", ("boom", "core.error", new JsonObject { ["message"] = "nope" }));

        var (exit, output, error) = await RunAsync("run", Write("fails.flow.json", flow));

        Assert.Equal(1, exit);
        Assert.Contains("Failed", output, StringComparison.Ordinal);
        Assert.Contains("boom", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadInput_ExitsTwo()
    {
        var (exit, _, error) = await RunAsync("run", Write("x.flow.json", Flows.Diamond()), "--input", "[1,2]");

        Assert.Equal(2, exit);
        Assert.Contains("--input must be a JSON object", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SeveralManualTriggersNoneNamed_ExitsTwoAskingForTrigger()
    {
        var flow = new FlowBuilder("two ways in").Node("first", "trigger.manual").Node("second", "trigger.manual").Node("a", "core.noop")
            .Chain("first", "a").Chain("second", "a").ToJsonObject();

        var (exit, _, error) = await RunAsync("run", Write("two.flow.json", flow));

        Assert.Equal(2, exit);
        Assert.Contains("with --trigger, one of: 'first', 'second'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NamedTrigger_StartsThereAndSkipsTheOther()
    {
        var flow = new FlowBuilder("two ways in").Node("first", "trigger.manual").Node("second", "trigger.manual")
            .Node("onlyFirst", "core.noop").Node("a", "core.noop")
            .Chain("first", "onlyFirst", "a").Chain("second", "a").ToJsonObject();

        var (exit, output, _) = await RunAsync("run", Write("two.flow.json", flow), "--trigger", "second");

        Assert.Equal(0, exit);
        Assert.Matches(@"onlyFirst\s+Skipped", output);
    }

    [Theory]
    [InlineData("if-merge", "{\"approved\":true,\"reviewer\":\"Ada\"}", "notify reject")]
    [InlineData("switch-default", "{\"status\":\"lost\"}", "onPaid onRefunded")]
    [InlineData("filter-stops", "{\"large\":false}", "after notify")]
    [InlineData("code-transform", "{\"order\":\"A-7\",\"items\":[{\"sku\":\"pen\",\"price\":2.5,\"quantity\":4}]}", "")]
    [InlineData("webhook-echo", "{\"method\":\"POST\",\"body\":{\"name\":\"Ada\"}}", "")]
    [InlineData("schedule-every-ten-seconds", "{\"dueAt\":\"2030-01-01T08:00:00Z\",\"missed\":false}", "")]
    public async Task Run_NodeLibraryFixture_SkipsTheBranchesNotTakenAndSucceeds(string fixture, string input, string skipped)
    {
        var (exit, output, error) = await RunAsync("run", WriteFixture(fixture), "--input", input);

        Assert.True(exit == 0, $"{fixture}: exit {exit}: {error}{output}");
        var skippedNodes = skipped.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var node in FixtureNodeIds(fixture))
        {
            Assert.Matches($@"(?m)^\s*{node}\s+{(skippedNodes.Contains(node) ? "Skipped" : "Succeeded")}", output);
        }
    }

    [Fact]
    public async Task Run_HttpFetchFixtureWithGuardOpened_CallsTheLocalServerAndSucceeds()
    {
        await using var local = await LocalHttpServer.StartAsync(app => app.MapPost("/orders/lookup", () => Results.Json(new { id = "o-42", lineCount = 3 })));
        var input = new JsonObject { ["orderId"] = "o-42", ["url"] = local.Address.ToString() }.ToJsonString();

        var guarded = await RunAsync("run", WriteFixture("http-fetch"), "--input", input);
        var opened = await RunAsync("run", WriteFixture("http-fetch"), "--input", input, "--Http:AllowPrivateNetworks=true");

        Assert.Equal(1, guarded.Exit);
        Assert.Contains("Requests to internal addresses are refused", guarded.Output + guarded.Error, StringComparison.Ordinal);
        Assert.Contains("Http:AllowPrivateNetworks", guarded.Output + guarded.Error, StringComparison.Ordinal);
        Assert.True(opened.Exit == 0, opened.Error + opened.Output);
        Assert.Matches(@"(?m)^\s*fetch\s+Succeeded", opened.Output);
    }

    private string WriteFixture(string fixture)
    {
        var path = Path.Combine(_folder.FullName, fixture + ".flow.json");
        File.WriteAllText(path, FlowBuilder.FixtureJson(fixture));
        return path;
    }

    private static IEnumerable<string> FixtureNodeIds(string fixture) =>
        JsonNode.Parse(FlowBuilder.FixtureJson(fixture))!["nodes"]!.AsArray().Select(n => n!["id"]!.GetValue<string>());

    [Fact]
    public async Task Help_Root_ListsEveryCommandAndHowToGiveSettings()
    {
        var (exit, output, _) = await RunAsync("--help");

        Assert.Equal(0, exit);
        foreach (var command in (string[])["serve", "migrate", "validate", "run", "health", "completion"])
        {
            Assert.Matches($@"(?m)^\s+{command}\b", output);
        }

        Assert.Contains("--Section:Key=value", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_NoArguments_ShowsUsageAndExitsZero()
    {
        var (exit, output, _) = await RunAsync();

        Assert.Equal(0, exit);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_AsACommand_ShowsTheRootHelp()
    {
        var (exit, output, _) = await RunAsync("help");

        Assert.Equal(0, exit);
        Assert.Contains("Commands:", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("serve", "--store-connection <CS>")]
    [InlineData("serve", "--log-format <text|json>")]
    [InlineData("serve", "--role <all|api|worker>")]
    [InlineData("migrate", "--store <sqlite|postgres|mysql>")]
    [InlineData("validate", "<FILE>")]
    [InlineData("run", "--input <JSON>")]
    [InlineData("run", "--trigger <NODE>")]
    [InlineData("health", "--url <URL>")]
    [InlineData("completion", "<bash|zsh>")]
    public async Task Help_EachCommand_DescribesItsArgumentsAndOptions(string command, string expected)
    {
        var (exit, output, _) = await RunAsync(command, "--help");

        Assert.Equal(0, exit);
        Assert.Matches($@"Usage:\s+\S+ {command}\b", output);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_UnknownOption_IsAUsageErrorNamingIt()
    {
        var (exit, output, error) = await RunAsync("serve", "--data", _folder.FullName, "--bogus");

        Assert.Equal(FlowForgeCli.UsageError, exit);
        Assert.Contains("'--bogus'", error, StringComparison.Ordinal);
        Assert.Contains("flowforge serve --help", error, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public async Task RunAsync_UnknownCommand_IsAUsageError()
    {
        var (exit, _, error) = await RunAsync("frobnicate");

        Assert.Equal(FlowForgeCli.UsageError, exit);
        Assert.Contains("'frobnicate'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MissingFile_IsAUsageError()
    {
        var (exit, _, error) = await RunAsync("validate");

        Assert.Equal(FlowForgeCli.UsageError, exit);
        Assert.Contains("flowforge validate --help", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_UnsupportedStore_IsAUsageErrorListingTheChoices()
    {
        var (exit, _, error) = await RunAsync("serve", "--data", _folder.FullName, "--store", "oracle");

        Assert.Equal(FlowForgeCli.UsageError, exit);
        Assert.Contains("--store 'oracle' is not supported; use sqlite, postgres, mysql.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_StateShardsNotANumber_IsAUsageError()
    {
        var (exit, _, error) = await RunAsync("serve", "--data", _folder.FullName, "--state-shards", "many");

        Assert.Equal(FlowForgeCli.UsageError, exit);
        Assert.Contains("--state-shards", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Engine:WorkerParallelism=0", "Engine:WorkerParallelism must be between 1 and 65536; it is 0.")]
    [InlineData("--Engine:LeaseDuration=-00:00:05", "Engine:LeaseDuration must be between 00:00:01 and 1.00:00:00; it is -00:00:05.")]
    [InlineData("--Storage:Provider=oracle", "Storage:Provider (--store) is 'oracle'")]
    [InlineData("--Auth:MinPasswordLength=4", "Auth:MinPasswordLength must be between 8 and 1024; it is 4.")]
    [InlineData("--Logging:Format=xml", "Logging:Format (--log-format) is 'xml'")]
    [InlineData("--Engine:WorkerParallelism=lots", "Engine:WorkerParallelism")]
    [InlineData("--Cache:Provider=redis", "Cache:ConnectionString is required")]
    [InlineData("--Queue:Provider=rabbitmq", "Queue:ConnectionString must be an AMQP URI")]
    [InlineData("--Storage:Shards=0", "Storage:Shards is 0; use a number from 1 to 1024.")]
    public async Task Serve_InvalidSetting_ExitsNonZeroNamingTheSettingWithoutAStackTrace(string setting, string expected)
    {
        var (exit, output, error) = await RunAsync("serve", "--data", _folder.FullName, "--urls", "http://127.0.0.1:0", setting);

        Assert.Equal(FlowForgeCli.UsageError, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("is running", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_SettingWithSeparateValue_StillReachesConfiguration()
    {
        var (exit, _, error) = await RunAsync("serve", "--data", _folder.FullName, "--Engine:WorkerParallelism", "0");

        Assert.Equal(FlowForgeCli.UsageError, exit);
        Assert.Contains("Engine:WorkerParallelism must be between 1 and 65536; it is 0.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_InvalidSetting_ExitsNonZeroNamingTheSetting()
    {
        var (exit, _, error) = await RunAsync("migrate", "--data", _folder.FullName, "--Flows:MaxNodes=0");

        Assert.Equal(FlowForgeCli.UsageError, exit);
        Assert.Contains("Flows:MaxNodes must be between 1 and 100000; it is 0.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_FreshFolder_CreatesTheStore()
    {
        var (exit, output, _) = await RunAsync("migrate", "--data", _folder.FullName);

        Assert.Equal(0, exit);
        Assert.Contains("up to date", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_folder.FullName, "flowforge.db")));
    }

    [Fact]
    public async Task Run_SettingOverride_ReachesTheEngineConfiguration()
    {
        var (exit, output, _) = await RunAsync("run", Write("big.flow.json", Flows.Diamond()), "--Flows:MaxNodes=2");

        Assert.Equal(1, exit);
        Assert.Contains("too_many_nodes", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NotATerminal_PrintsOneRowPerNodeWithoutCursorCodes()
    {
        var (exit, output, _) = await RunAsync("run", Write("diamond.flow.json", Flows.Diamond()), "--input", "{\"order\":42}");

        Assert.Equal(0, exit);
        Assert.DoesNotContain('\u001b', output);
        var rows = output.Split('\n').Select(l => l.Trim()).ToList();
        foreach (var node in (string[])["trigger", "a", "b", "c", "d"])
        {
            var row = Assert.Single(rows, l => l.StartsWith(node + " ", StringComparison.Ordinal));
            Assert.Contains("Succeeded", row, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Run_FailedFlow_ShowsEveryNodeOnceIncludingTheOnesNeverReached()
    {
        var flow = Flows.Chain("stops", ("boom", "core.error", new JsonObject { ["message"] = "nope" }), ("after", "core.noop", null));

        var (exit, output, _) = await RunAsync("run", Write("stops.flow.json", flow));

        Assert.Equal(1, exit);
        var rows = output.Split('\n').Select(l => l.Trim()).ToList();
        Assert.Contains("Failed", Assert.Single(rows, l => l.StartsWith("boom ", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Single(rows, l => l.StartsWith("after ", StringComparison.Ordinal));
        Assert.Single(rows, l => l.StartsWith("trigger ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Completion_Bash_PrintsAScriptThatAsksFlowforge()
    {
        var (exit, output, _) = await RunAsync("completion", "bash");

        Assert.Equal(0, exit);
        Assert.Contains("complete -o default -F _flowforge_complete flowforge", output, StringComparison.Ordinal);
        Assert.Contains("[suggest:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Completion_SuggestDirective_OffersTheValuesOfAnOption()
    {
        var (exit, output, _) = await RunAsync("[suggest:23]", "flowforge serve --role ");

        Assert.Equal(0, exit);
        Assert.Equal(["all", "api", "worker"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
