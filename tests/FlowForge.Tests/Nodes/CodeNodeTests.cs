using System.Text.Json.Nodes;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Nodes.Core;
using FlowForge.Nodes.Core.Code;
using Microsoft.Extensions.Options;

namespace FlowForge.Tests.Nodes;

public sealed class CodeNodeTests
{
    private static CodeNode NodeWith(Action<CodeOptions>? configure = null, long maxOutputBytes = 16 * 1024 * 1024)
    {
        var options = new CodeOptions();
        configure?.Invoke(options);
        return new CodeNode(Options.Create(options), Options.Create(new EngineOptions { MaxOutputBytes = maxOutputBytes }));
    }

    private static Task<NodeResult> RunAsync(
        string source,
        JsonNode? input = null,
        IReadOnlyDictionary<string, JsonNode?>? upstream = null,
        CodeNode? node = null,
        JsonNode? runInput = null,
        CancellationToken cancellationToken = default) =>
        ((INodeType)(node ?? NodeWith())).ExecuteAsync(
            NodeContexts.For(new JsonObject { ["source"] = source }, input: input, runInput: runInput, upstream: upstream), cancellationToken);

    private static IReadOnlyList<ConfigProblem> Validate(string source, CodeNode? node = null) =>
        ((INodeType)(node ?? NodeWith())).ValidateConfig(new JsonObject { ["source"] = source });

    private static void AssertFailed(NodeResult result, params string[] fragments)
    {
        Assert.Equal(NodeResultKind.Failed, result.Kind);
        Assert.False(result.Retryable);
        foreach (var fragment in fragments)
        {
            Assert.True(result.Error?.Contains(fragment, StringComparison.Ordinal) == true, $"'{fragment}' not in: {result.Error}");
        }
    }

    [Fact]
    public async Task ExecuteAsync_ReturnsObject_KeepsTypes()
    {
        var result = await RunAsync("""return { text: "a", whole: 3, fraction: 1.5, yes: true, nothing: null, list: [1, "b", false], nested: { deep: [ { x: 1 } ] } };""");

        Assert.Equal(NodeResultKind.Succeeded, result.Kind);
        Assert.Equal([NodePorts.Main], result.Ports);
        Assert.Equal(
            """{"text":"a","whole":3,"fraction":1.5,"yes":true,"nothing":null,"list":[1,"b",false],"nested":{"deep":[{"x":1}]}}""",
            result.Output!.ToJsonString());
    }

    [Theory]
    [InlineData("return [1, 2, 3];", "[1,2,3]")]
    [InlineData("return 42;", "42")]
    [InlineData("return -0.25;", "-0.25")]
    [InlineData("return 'text';", "\"text\"")]
    [InlineData("return false;", "false")]
    [InlineData("return [undefined, NaN, Infinity];", "[null,null,null]")]
    [InlineData("return { gone: undefined, kept: 1 };", """{"kept":1}""")]
    [InlineData("return new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 6));", "\"2025-01-02T03:04:05.006Z\"")]
    public async Task ExecuteAsync_ReturnsArraysAndPrimitives_AsJson(string source, string json)
    {
        var result = await RunAsync(source);

        Assert.Equal(NodeResultKind.Succeeded, result.Kind);
        Assert.Equal(json, result.Output!.ToJsonString());
    }

    [Theory]
    [InlineData("return undefined;")]
    [InlineData("const x = 1;")]
    [InlineData("return null;")]
    public async Task ExecuteAsync_NothingReturned_OutputsNull(string source)
    {
        var result = await RunAsync(source);

        Assert.Equal(NodeResultKind.Succeeded, result.Kind);
        Assert.Null(result.Output);
    }

    [Fact]
    public async Task ExecuteAsync_ReadsInputNodesAndRun()
    {
        var input = JsonNode.Parse("""{ "items": [ { "price": 2 }, { "price": 3.5 } ], "name": "Ada" }""");
        var upstream = new Dictionary<string, JsonNode?> { ["fetch"] = JsonNode.Parse("""{ "status": 200, "body": { "id": "A-1" } }"""), ["empty"] = null };

        var result = await RunAsync(
            """
            const total = input.items.reduce((sum, item) => sum + item.price, 0);
            return { total, who: input.name, id: nodes.fetch.output.body.id, status: nodes.fetch.output.status, empty: nodes.empty.output, attempt: run.attempt, node: run.nodeId, hasRunId: typeof run.id === 'string', runInput: run.input };
            """,
            input,
            upstream,
            runInput: JsonNode.Parse("""{ "order": 7 }"""));

        Assert.Equal(NodeResultKind.Succeeded, result.Kind);
        Assert.Equal("""{"total":5.5,"who":"Ada","id":"A-1","status":200,"empty":null,"attempt":1,"node":"node","hasRunId":true,"runInput":{"order":7}}""", result.Output!.ToJsonString());
    }

    [Fact]
    public async Task ExecuteAsync_ChangingInput_LeavesTheContextsInputAlone()
    {
        var input = JsonNode.Parse("""{ "n": 1 }""");

        var result = await RunAsync("input.n = 99; return input;", input);

        Assert.Equal("""{"n":99}""", result.Output!.ToJsonString());
        Assert.Equal("""{"n":1}""", input!.ToJsonString());
    }

    [Fact]
    public async Task ExecuteAsync_ReturnedPromise_IsSettled()
    {
        var result = await RunAsync("return (async () => { const v = await Promise.resolve(20); return { v: v + 1 }; })();");

        Assert.Equal(NodeResultKind.Succeeded, result.Kind);
        Assert.Equal("""{"v":21}""", result.Output!.ToJsonString());
    }

    [Fact]
    public async Task ExecuteAsync_RejectedPromise_FailsWithTheReason()
    {
        var result = await RunAsync("return Promise.reject(new Error('no stock'));");

        AssertFailed(result, "rejected", "no stock");
    }

    [Fact]
    public async Task ExecuteAsync_PromiseThatNeverSettles_FailsNamingTheTimeout()
    {
        var result = await RunAsync("return new Promise(() => { });", node: NodeWith(o => o.Timeout = TimeSpan.FromMilliseconds(200)));

        AssertFailed(result, "did not settle", "Code:Timeout");
    }

    [Fact]
    public async Task ExecuteAsync_InfiniteLoop_StoppedByTimeout_FailureNamesTheSetting()
    {
        var node = NodeWith(o =>
        {
            o.Timeout = TimeSpan.FromMilliseconds(200);
            o.MaxStatements = int.MaxValue;
        });

        var result = await RunAsync("while (true) { }", node: node);

        AssertFailed(result, "Code:Timeout", "200 ms");
    }

    [Fact]
    public async Task ExecuteAsync_InfiniteLoop_StoppedByStatementLimit_FailureNamesTheSetting()
    {
        var node = NodeWith(o => o.MaxStatements = 10_000);

        var result = await RunAsync("let i = 0; while (true) { i++; }", node: node);

        AssertFailed(result, "Code:MaxStatements", "10,000");
    }

    [Fact]
    public async Task ExecuteAsync_CancelledToken_Throws()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var node = NodeWith(o => o.MaxStatements = int.MaxValue);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync("while (true) { }", node: node, cancellationToken: cancel.Token));
    }

    [Fact]
    public async Task ExecuteAsync_DeepRecursion_Stopped_FailureNamesTheSetting()
    {
        var result = await RunAsync("function down(n) { return down(n + 1) + 1; } return down(0);", node: NodeWith(o => o.MaxRecursion = 100));

        AssertFailed(result, "Code:MaxRecursion", "100");
    }

    [Fact]
    public async Task ExecuteAsync_HugeArray_Stopped_FailureNamesTheSetting()
    {
        var result = await RunAsync("const a = []; for (let i = 0; ; i++) { a.push(i); }", node: NodeWith(o => o.MaxArrayLength = 50_000));

        AssertFailed(result, "Code:MaxArrayLength");
    }

    [Fact]
    public async Task ExecuteAsync_StringBomb_Stopped_FailureNamesTheMemorySetting()
    {
        var result = await RunAsync("let s = 'x'; const parts = []; while (true) { s = s + s.length; parts.push(s); }", node: NodeWith(o => o.MaxMemoryBytes = 4 * 1024 * 1024));

        AssertFailed(result, "Code:MaxMemoryBytes");
    }

    [Fact]
    public async Task ExecuteAsync_CatastrophicRegex_Stopped_FailureNamesTheSetting()
    {
        var result = await RunAsync("return /(a+)+$/.test('a'.repeat(40) + '!');", node: NodeWith(o => o.RegexTimeout = TimeSpan.FromMilliseconds(50)));

        AssertFailed(result, "Code:RegexTimeout");
    }

    [Theory]
    [InlineData("return System.IO.File.ReadAllText('/etc/passwd');", "System is not defined")]
    [InlineData("return importNamespace('System.IO');", "importNamespace is not defined")]
    [InlineData("return require('fs');", "require is not defined")]
    [InlineData("return fetch('http://127.0.0.1/');", "fetch is not defined")]
    [InlineData("setTimeout(() => {}, 1);", "setTimeout is not defined")]
    [InlineData("return eval('1 + 1');", "line 1, column")]
    [InlineData("return new Function('return 1')();", "line 1, column")]
    [InlineData("return ({}).constructor.constructor('return 1')();", "line 1, column")]
    [InlineData("return console.log.constructor('return this')();", "line 1, column")]
    public async Task ExecuteAsync_HostAccess_IsRefused(string source, string error)
    {
        var result = await RunAsync(source);

        AssertFailed(result, error);
    }

    [Fact]
    public async Task ExecuteAsync_GlobalsAreOnlyJavaScripts()
    {
        var result = await RunAsync("return Object.getOwnPropertyNames(globalThis).filter(n => /clr|host|system|import|require|process/i.test(n));");

        Assert.Equal("[]", result.Output!.ToJsonString());
    }

    [Theory]
    [InlineData("return { f: function () { } };", "function at $.f")]
    [InlineData("return [1, Symbol('s')];", "symbol at $[1]")]
    [InlineData("return { big: 10n };", "BigInt at $.big")]
    [InlineData("const a = { name: 'a' }; a.self = a; return a;", "cycle")]
    [InlineData("return () => 1;", "function at $")]
    public async Task ExecuteAsync_ReturnsWhatJsonCannotHold_FailsNamingThePath(string source, string error)
    {
        var result = await RunAsync(source);

        AssertFailed(result, error);
    }

    [Fact]
    public async Task ExecuteAsync_OutputOverEngineLimit_FailsNamingTheSetting()
    {
        var result = await RunAsync("return Array.from({ length: 1000 }, (_, i) => 'item ' + i);", node: NodeWith(maxOutputBytes: 1000));

        AssertFailed(result, "Engine:MaxOutputBytes");
    }

    [Fact]
    public async Task ExecuteAsync_RuntimeError_FailsWithLineAndColumn()
    {
        var result = await RunAsync("const order = input;\n\nreturn order.customer.name;", JsonNode.Parse("{}"));

        AssertFailed(result, "line 3, column 23: TypeError", "name");
    }

    [Fact]
    public async Task ExecuteAsync_ThrownError_FailsWithLineColumnAndMessage()
    {
        var result = await RunAsync("if (true) {\n  throw new Error('out of stock');\n}");

        AssertFailed(result, "line 2, column 9: Error: out of stock");
    }

    [Fact]
    public async Task ExecuteAsync_Console_IsCapturedIntoTheLogs()
    {
        var result = await RunAsync("console.log('start', 1, { a: [1] }); console.warn('careful'); console.error('bad'); console.info('fyi'); return 1;");

        Assert.Equal(NodeResultKind.Succeeded, result.Kind);
        Assert.Equal("start 1 {\"a\":[1]}\n[warn] careful\n[error] bad\n[info] fyi", result.Logs);
    }

    [Fact]
    public async Task ExecuteAsync_ConsoleThenFailure_KeepsTheLogs()
    {
        var result = await RunAsync("console.log('before'); null.x;");

        AssertFailed(result, "line 1, column");
        Assert.Equal("before", result.Logs);
    }

    [Fact]
    public async Task ExecuteAsync_ConsoleOverLimit_IsCutWithAMarker()
    {
        var result = await RunAsync("for (let i = 0; i < 1000; i++) console.log('line ' + i + ' é'); return 1;", node: NodeWith(o => o.MaxLogBytes = 200));

        Assert.Equal(NodeResultKind.Succeeded, result.Kind);
        Assert.StartsWith("line 0 é\nline 1 é", result.Logs, StringComparison.Ordinal);
        Assert.EndsWith("console output cut at 200 bytes (Code:MaxLogBytes)", result.Logs, StringComparison.Ordinal);
        var logs = result.Logs!;
        var kept = logs[..logs.LastIndexOf('\n')];
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(kept) <= 200, $"kept {kept.Length} characters");
        Assert.DoesNotContain("line 999", result.Logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_NoConsoleOutput_HasNoLogs()
    {
        var result = await RunAsync("return 1;");

        Assert.Null(result.Logs);
    }

    [Fact]
    public async Task ExecuteAsync_SameSourceTwice_ParsesOnce()
    {
        var node = NodeWith();

        await RunAsync("return input.n * 2;", JsonNode.Parse("""{ "n": 1 }"""), node: node);
        var second = await RunAsync("return input.n * 2;", JsonNode.Parse("""{ "n": 4 }"""), node: node);

        Assert.Equal("8", second.Output!.ToJsonString());
        Assert.Equal(1, node.Scripts.Count);
    }

    [Fact]
    public async Task ExecuteAsync_ManySources_CacheStaysWithinItsBound()
    {
        var node = NodeWith(o => o.MaxCachedScripts = 3);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), (await RunAsync($"return {i};", node: node)).Output!.ToJsonString());
        }

        Assert.InRange(node.Scripts.Count, 1, 3);
    }

    [Theory]
    [InlineData("return { a: ", "line 1, column 13: Unexpected end of input")]
    [InlineData("const x = 1;\n  x = ;", "line 2, column 7")]
    [InlineData("}); (function () { return 7", "line 1, column 1")]
    [InlineData("with (input) { }", "line 1, column 1")]
    public void ValidateConfig_SyntaxError_NamesSourceLineAndColumn(string source, string position)
    {
        var problem = Assert.Single(Validate(source));

        Assert.Equal("$.source", problem.Path);
        Assert.True(problem.Message.Contains(position, StringComparison.Ordinal), $"'{position}' not in: {problem.Message}");
    }

    [Fact]
    public void ValidateConfig_ValidSource_HasNoProblems()
    {
        Assert.Empty(Validate("const x = input?.a ?? 1;\nreturn { x };"));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("return '{{ input.a }}';", "line 1, column 9")]
    public void ValidateConfig_EmptyOrTemplate_IsRefused(string source, string message)
    {
        var problem = Assert.Single(Validate(source));

        Assert.Equal("$.source", problem.Path);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateConfig_SourceOverLimit_NamesTheSetting()
    {
        var problem = Assert.Single(Validate("return 1;" + new string(' ', 100), NodeWith(o => o.MaxSourceLength = 50)));

        Assert.Contains("Code:MaxSourceLength", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateConfig_NestingTooDeep_IsAProblemNotACrash()
    {
        var problem = Assert.Single(Validate("return " + new string('(', 20_000) + "1" + new string(')', 20_000) + ";"));

        Assert.Contains("nests too deeply", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Descriptor_IsLogicNodeWithSourceSchema()
    {
        var descriptor = NodeWith().Descriptor;

        Assert.Equal("core.code", descriptor.Id);
        Assert.Equal(NodeCategory.Logic, descriptor.Category);
        Assert.Equal("string", descriptor.ConfigSchema["properties"]!["source"]!["type"]!.GetValue<string>());
        Assert.Contains("source", descriptor.ConfigSchema["required"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Fact]
    public void Validate_CodeOptionsOutOfRange_NamesEachSetting()
    {
        var result = new CodeOptionsValidator().Validate(null, new CodeOptions { Timeout = TimeSpan.Zero, MaxStatements = 0, MaxLogBytes = -1 });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith("Code:Timeout", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Code:MaxStatements", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Code:MaxLogBytes", StringComparison.Ordinal));
        Assert.True(new CodeOptionsValidator().Validate(null, new CodeOptions()).Succeeded);
    }
}
