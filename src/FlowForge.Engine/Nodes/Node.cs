using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using FlowForge.Engine.Expressions;

namespace FlowForge.Engine.Nodes;

/// <summary>
/// Base class for node types: metadata from <see cref="NodeTypeAttribute"/>, the config JSON Schema
/// generated from <typeparamref name="TSettings"/>, behaviour in one method. String config values may
/// hold <c>{{ }}</c> expressions; they are resolved before the settings are bound.
/// </summary>
public abstract class Node<TSettings> : INodeType
    where TSettings : class
{
    private static readonly JsonSerializerOptions SettingsOptions = CreateSettingsOptions();

    private readonly Lazy<NodeDescriptor> _descriptor;

    protected Node() => _descriptor = new Lazy<NodeDescriptor>(BuildDescriptor);

    public NodeDescriptor Descriptor => _descriptor.Value;

    public IReadOnlyList<ConfigProblem> ValidateConfig(JsonNode? config)
    {
        if (!TryBind(config, out var settings, out var problem))
        {
            return [problem!];
        }

        return [.. ValidateSettings(settings!)];
    }

    public async Task<NodeResult> ExecuteAsync(NodeContext context, CancellationToken cancellationToken)
    {
        JsonNode? resolved;
        try
        {
            resolved = ExpressionResolver.ResolveTemplates(context.Config, ExpressionScope.From(context), "config");
        }
        catch (ExpressionException ex)
        {
            return NodeResult.Fail(ex.Message);
        }

        if (!TryBind(resolved, out var settings, out var problem))
        {
            return NodeResult.Fail($"config is invalid at {problem!.Path}: {problem.Message}");
        }

        // Values written as expressions are only known now, so the rules are checked again.
        if (ValidateSettings(settings!).FirstOrDefault() is { } rule)
        {
            return NodeResult.Fail($"config is invalid at {rule.Path}: {rule.Message}");
        }

        return await ExecuteAsync(settings!, context, cancellationToken).ConfigureAwait(false);
    }

    protected abstract Task<NodeResult> ExecuteAsync(TSettings settings, NodeContext context, CancellationToken cancellationToken);

    /// <summary>Rules the schema cannot express (ranges, exclusive fields). Paths are JSON paths inside the config.</summary>
    protected virtual IEnumerable<ConfigProblem> ValidateSettings(TSettings settings) => [];

    /// <summary>Lets a node type refine its generated schema (descriptions, minimums) for the editor.</summary>
    protected virtual void RefineSchema(JsonObject schema)
    {
    }

    private static bool TryBind(JsonNode? config, out TSettings? settings, out ConfigProblem? problem)
    {
        problem = null;
        settings = null;
        if (config is null && typeof(TSettings) == typeof(NoSettings))
        {
            settings = (TSettings)(object)new NoSettings();
            return true;
        }

        if (config is not JsonObject)
        {
            problem = new ConfigProblem("$", config is null ? "config is required" : "config must be a JSON object");
            return false;
        }

        try
        {
            settings = config.Deserialize<TSettings>(SettingsOptions);
            if (settings is null)
            {
                problem = new ConfigProblem("$", "config must be a JSON object");
                return false;
            }

            return true;
        }
        catch (JsonException ex)
        {
            problem = new ConfigProblem(ex.Path ?? "$", FirstSentence(ex.Message));
            return false;
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private NodeDescriptor BuildDescriptor()
    {
        var attribute = GetType().GetCustomAttribute<NodeTypeAttribute>()
            ?? throw new InvalidOperationException($"{GetType().Name} needs a [NodeType] attribute.");
        var schema = JsonSchemaExporter.GetJsonSchemaAsNode(SettingsOptions, typeof(TSettings), new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
        }).AsObject();
        RefineSchema(schema);
        return new NodeDescriptor(attribute.Id, attribute.DisplayName, attribute.Category, attribute.Description, schema, attribute.Outputs);
    }

    private static JsonSerializerOptions CreateSettingsOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
