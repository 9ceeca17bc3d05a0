using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FlowForge.Engine.Json;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Runs;
using FlowForge.Nodes.Core.Code;
using Jint;
using Jint.Native;
using Jint.Native.Json;
using JsonParser = Jint.Native.Json.JsonParser;
using Jint.Runtime;
using Microsoft.Extensions.Options;

namespace FlowForge.Nodes.Core;

[NodeType("core.code", "Code", Icon = "code", Category = NodeCategory.Logic,
    Description = "Runs JavaScript: the code is the body of a function that reads input (what the node before produced), nodes (upstream outputs, nodes.<id>.output) and run ({ id, attempt, nodeId, input: the run's input }), and whose return value is the output. It runs in a sandbox with no network, files or timers, within the time, memory and statement limits of the Code settings; console output is kept with the attempt.")]
public sealed class CodeNode : Node<CodeNode.Settings>
{
    private readonly CodeOptions _options;
    private readonly long _maxOutputBytes;
    private readonly CodeScriptCache _scripts;

    public CodeNode(IOptions<CodeOptions> options, IOptions<EngineOptions> engine)
    {
        _options = options.Value;
        _maxOutputBytes = engine.Value.MaxOutputBytes;
        _scripts = new CodeScriptCache(_options.MaxCachedScripts);
    }

    public sealed record Settings(string Source);

    /// <summary>The parsed scripts kept for reuse (exposed for tests and diagnostics).</summary>
    public CodeScriptCache Scripts => _scripts;

    protected override Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken) =>
        Task.FromResult(Run(settings.Source, context, cancellationToken));

    protected override IEnumerable<ConfigProblem> ValidateSettings(Settings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.Source))
        {
            yield return new ConfigProblem("$.source", "source is empty; write the body of a function that returns the output, such as: return { total: input.a + input.b };");
            yield break;
        }

        if (settings.Source.Length > _options.MaxSourceLength)
        {
            yield return new ConfigProblem("$.source", string.Create(CultureInfo.InvariantCulture,
                $"source is {settings.Source.Length:N0} characters, over the limit of {_options.MaxSourceLength:N0} ({CodeOptions.Section}:{nameof(CodeOptions.MaxSourceLength)})"));
            yield break;
        }

        var braces = settings.Source.IndexOf("{{", StringComparison.Ordinal);
        if (braces >= 0)
        {
            // Text settings resolve {{ }} before a node runs; values pasted into code would change what it does.
            var (line, column) = Position(settings.Source, braces);
            yield return new ConfigProblem("$.source", $"line {line}, column {column}: code cannot contain '{{{{', which starts an expression in settings; read values through input and nodes instead, and write '{{' + '{{' if the characters are needed");
            yield break;
        }

        if (!_scripts.TryGet(settings.Source, out _, out var problem))
        {
            yield return new ConfigProblem("$.source", problem!);
        }
    }

    protected override void RefineSchema(JsonObject schema)
    {
        if (schema["properties"]?["source"] is JsonObject source)
        {
            source["description"] = "JavaScript, the body of a function: read input, nodes.<id>.output and run, and return the output, e.g. return { total: input.items.length };";
            source["minLength"] = 1;
            source["maxLength"] = _options.MaxSourceLength;
            source["format"] = "javascript";
        }
    }

    private NodeResult Run(string source, NodeContext context, CancellationToken cancellationToken)
    {
        if (!_scripts.TryGet(source, out var script, out var problem))
        {
            return NodeResult.Fail($"source: {problem}");
        }

        var console = new CodeConsole(_options.MaxLogBytes);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.Timeout);
        try
        {
            var engine = CreateEngine(deadline.Token);
            engine.SetValue("console", console.CreateObject(engine));
            var parser = new JsonParser(engine);
            var input = Parse(parser, context.Input);
            var nodes = new StringBuilder("{");
            foreach (var (id, upstream) in context.Upstream)
            {
                nodes.Append(nodes.Length > 1 ? "," : "").Append(System.Text.Json.JsonSerializer.Serialize(id)).Append(":{\"output\":")
                    .Append(upstream?.ToJsonString() ?? "null").Append('}');
            }

            var run = new StringBuilder("{\"id\":\"").Append(context.RunId).Append("\",\"attempt\":").Append(context.Attempt.ToString(CultureInfo.InvariantCulture))
                .Append(",\"nodeId\":").Append(System.Text.Json.JsonSerializer.Serialize(context.NodeId))
                .Append(",\"input\":").Append(context.RunInput?.ToJsonString() ?? "null").Append('}');
            var function = engine.Evaluate(script);
            var value = engine.Invoke(function, input, parser.Parse(nodes.Append('}').ToString()), parser.Parse(run.ToString()));
            if (value.IsPromise())
            {
                value = value.UnwrapIfPromise(deadline.Token);
            }

            var output = ScriptOutput.ToJson(value, _maxOutputBytes);
            return NodeResult.Success(output) with { Logs = console.Text };
        }
        catch (ExecutionCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run was cancelled or the attempt timed out: the engine says which.
            throw new OperationCanceledException(cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // With no I/O and no timers, a promise still pending once its jobs have run never settles.
            return NodeResult.Fail(Limit($"returned a promise that did not settle within {Format(_options.Timeout)}", nameof(CodeOptions.Timeout))) with { Logs = console.Text };
        }
        catch (Exception ex) when (Explain(ex) is { } error)
        {
            return NodeResult.Fail(error) with { Logs = console.Text };
        }
    }

    private Jint.Engine CreateEngine(CancellationToken deadline) => new(o =>
    {
        o.Strict()
            .TimeoutInterval(_options.Timeout)
            .MaxStatements(_options.MaxStatements)
            .LimitMemory(_options.MaxMemoryBytes)
            .LimitRecursion(_options.MaxRecursion)
            .CancellationToken(deadline);
        o.Constraints.MaxArraySize = (uint)_options.MaxArrayLength;
        o.Constraints.RegexTimeout = _options.RegexTimeout;
        // eval and new Function would be sandboxed too, but code that writes code is harder to reason about.
        o.Host.StringCompilationAllowed = false;
        o.Json.MaxParseDepth = JsonPolicy.MaxDepth + 2;
        o.Interop.Enabled = false;
    });

    private static JsValue Parse(JsonParser parser, JsonNode? value) =>
        value is null ? JsValue.Null : parser.Parse(value.ToJsonString());

    /// <summary>The failure a script's exception means, naming the limit or the line and column; null for host faults.</summary>
    private string? Explain(Exception exception) => exception switch
    {
        // A regex timeout is a TimeoutException too, so it is told apart first.
        RegexMatchTimeoutException =>
            Limit($"ran a regular expression longer than {Format(_options.RegexTimeout)}", nameof(CodeOptions.RegexTimeout)),
        ExecutionCanceledException or TimeoutException =>
            Limit($"ran longer than {Format(_options.Timeout)}", nameof(CodeOptions.Timeout)),
        PromiseRejectedException rejected =>
            $"the returned promise was rejected: {rejected.RejectedValue}",
        StatementsCountOverflowException =>
            Limit($"executed more than {_options.MaxStatements:N0} statements", nameof(CodeOptions.MaxStatements)),
        MemoryLimitExceededException memory when memory.Message.Contains("array size", StringComparison.OrdinalIgnoreCase) =>
            Limit($"made an array longer than {_options.MaxArrayLength:N0} items", nameof(CodeOptions.MaxArrayLength)),
        MemoryLimitExceededException =>
            Limit($"allocated more than {_options.MaxMemoryBytes:N0} bytes", nameof(CodeOptions.MaxMemoryBytes)),
        RecursionDepthOverflowException or InsufficientExecutionStackException =>
            Limit($"nested function calls deeper than {_options.MaxRecursion:N0}", nameof(CodeOptions.MaxRecursion)),
        JavaScriptException script => AtLocation(script),
        ScriptOutputException output => output.Message,
        JintException other => $"the code failed: {other.Message}",
        _ => null,
    };

    private static string Limit(string what, string setting) =>
        $"the code {what} and was stopped ({CodeOptions.Section}:{setting}); make it do less or raise the setting";

    private static string AtLocation(JavaScriptException exception)
    {
        var error = exception.Error.ToString();
        var line = CodeScriptCache.SourceLine(exception.Location.Start.Line);
        return line >= 1 && exception.Location.SourceFile == CodeScriptCache.ScriptName
            ? string.Create(CultureInfo.InvariantCulture, $"line {line}, column {exception.Location.Start.Column + 1}: {error}")
            : error;
    }

    private static string Format(TimeSpan time) => time.TotalSeconds >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0.###} s")
        : string.Create(CultureInfo.InvariantCulture, $"{time.TotalMilliseconds:0} ms");

    private static (int Line, int Column) Position(string text, int index)
    {
        var line = 1;
        var start = 0;
        for (var i = 0; i < index; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                start = i + 1;
            }
        }

        return (line, index - start + 1);
    }
}
