using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FlowForge.Engine.Nodes;

namespace FlowForge.Nodes.Core;

[NodeType("core.switch", "Switch", Icon = "split", Category = NodeCategory.Logic, Pure = true, Outputs = [Default], DynamicOutputs = true,
    Description = "Compares a value such as {{ input.status }} with each case in order and sends its input on through the port of the first case that equals it, or through 'default' when none does. Ports not taken are skipped, and so is everything only they lead to.")]
public sealed class SwitchNode : Node<SwitchNode.Settings>
{
    public const string Default = "default";

    /// <summary>Port names edges use as handles; long enough for a word or two.</summary>
    public const int MaxPortLength = 100;

    public sealed record Settings(JsonNode? Value, IReadOnlyList<Case?> Cases);

    /// <param name="Port">The output port this case fires; a plain name, fixed when the flow is saved.</param>
    /// <param name="Match">Compared with the value as JSON: types matter (1 is not "1"), numbers by value, objects field by field.</param>
    public sealed record Case(string Port, [property: JsonPropertyName("equals")] JsonNode? Match);

    protected override Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken)
    {
        var port = settings.Cases.FirstOrDefault(c => c is not null && JsonNode.DeepEquals(settings.Value, c.Match))?.Port ?? Default;
        return Task.FromResult(NodeResult.To(port, context.Input?.DeepClone()));
    }

    protected override IEnumerable<string> DynamicOutputs(Settings settings) =>
        settings.Cases.Where(c => c is not null && c.Port.Length > 0).Select(c => c!.Port);

    protected override IEnumerable<ConfigProblem> ValidateSettings(Settings settings)
    {
        if (settings.Cases.Count == 0)
        {
            yield return new ConfigProblem("$.cases", "cases must hold at least one { \"port\", \"equals\" }; without any, use a plain edge instead of a switch");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < settings.Cases.Count; i++)
        {
            var item = Invariant($"$.cases[{i}]");
            if (settings.Cases[i] is not { } c)
            {
                yield return new ConfigProblem(item, "a case must be an object { \"port\", \"equals\" }");
                continue;
            }

            // Reported on the case, not on its port: a problem on a {{ }} value would be left for run time.
            if (c.Port.Contains("{{", StringComparison.Ordinal))
            {
                yield return new ConfigProblem(item, "port must be a plain name, not an expression: edges are connected to it when the flow is saved");
            }
            else if (string.IsNullOrWhiteSpace(c.Port) || c.Port.Length > MaxPortLength)
            {
                yield return new ConfigProblem(item + ".port", Invariant($"port must have 1 to {MaxPortLength} characters, not only spaces"));
            }
            else if (c.Port is Default or NodePorts.Error)
            {
                yield return new ConfigProblem(item + ".port", $"port '{c.Port}' is reserved; name the case's port something else");
            }
            else if (!seen.Add(c.Port))
            {
                yield return new ConfigProblem(item + ".port", $"port '{c.Port}' is used by an earlier case; each case needs its own port");
            }
        }
    }

    protected override void RefineSchema(JsonObject schema)
    {
        if (schema["properties"] is not JsonObject properties)
        {
            return;
        }

        properties["value"] = new JsonObject { ["description"] = "The value to compare, usually one {{ expression }}." };
        if (properties["cases"] is JsonObject cases)
        {
            cases["minItems"] = 1;
            cases["description"] = "Checked in order; the first case whose 'equals' equals the value fires its port.";
            if (cases["items"] is JsonObject item && item["properties"] is JsonObject caseProperties)
            {
                item["type"] = "object";
                caseProperties["port"] = new JsonObject
                {
                    ["type"] = "string",
                    ["minLength"] = 1,
                    ["maxLength"] = MaxPortLength,
                    ["description"] = "The output port this case fires; edges connect to it. Not 'default' or 'error'.",
                };
                caseProperties["equals"] = new JsonObject { ["description"] = "Compared with the value as JSON: 1 is not \"1\"." };
            }
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
