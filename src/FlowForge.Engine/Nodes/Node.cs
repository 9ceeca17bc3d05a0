using System.ComponentModel;
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

    public IReadOnlyList<string> OutputsFor(JsonNode? config)
    {
        // A config that cannot be bound is reported on its own; its edges are checked against the fixed ports.
        if (!Descriptor.DynamicOutputs || !TryBind(config, out var settings, out _))
        {
            return Descriptor.Outputs;
        }

        var ports = new List<string>(Descriptor.Outputs);
        foreach (var port in DynamicOutputs(settings!))
        {
            if (!ports.Contains(port, StringComparer.Ordinal))
            {
                ports.Add(port);
            }
        }

        return ports;
    }

    /// <summary>
    /// Not an async method: the type's own task is handed back as it is, so a node that finishes at once costs one task,
    /// not two. Whatever throws before that task exists ends in the task, as it would from an async method.
    /// </summary>
    public Task<NodeResult> ExecuteAsync(NodeContext context, CancellationToken cancellationToken)
    {
        try
        {
            JsonNode? resolved;
            try
            {
                // A config-less node (noop, merge) has nothing to resolve: no scope is made for it.
                resolved = context.Config is null ? null : ExpressionResolver.ResolveConfig(context.Config, ExpressionScope.From(context), "config");
            }
            catch (ExpressionException ex)
            {
                return Task.FromResult(NodeResult.Fail(ex.Message));
            }

            // A config a type reads as it is (its resolved copy is this execution's own) skips the serializer's round trip.
            var settings = resolved is JsonObject own ? BindResolved(own) : null;
            if (settings is null && !TryBind(resolved, out settings, out var problem))
            {
                return Task.FromResult(NodeResult.Fail($"config is invalid at {problem!.Path}: {problem.Message}"));
            }

            // Values written as expressions are only known now, so the rules are checked again.
            if (ValidateSettings(settings!).FirstOrDefault() is { } rule)
            {
                return Task.FromResult(NodeResult.Fail($"config is invalid at {rule.Path}: {rule.Message}"));
            }

            return ExecuteAsync(settings!, context, cancellationToken);
        }
        catch (Exception ex)
        {
            return Thrown(ex);
        }
    }

    /// <summary>The exception in a task as an async method would have put it there (a cancellation as a cancelled task).</summary>
    private static async Task<NodeResult> Thrown(Exception exception)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception);
        return null!;
    }

    protected abstract Task<NodeResult> ExecuteAsync(TSettings settings, NodeContext context, CancellationToken cancellationToken);

    /// <summary>
    /// The settings of a resolved config, taken from it without the serializer (which writes the config out and reads it
    /// back), or null to bind it as usual. Return settings only for a config the usual binding would give the same
    /// settings for; <paramref name="config"/> is this execution's own copy, so its parts may become the settings.
    /// </summary>
    protected virtual TSettings? BindResolved(JsonObject config) => null;

    /// <summary>Rules the schema cannot express (ranges, exclusive fields). Paths are JSON paths inside the config.</summary>
    protected virtual IEnumerable<ConfigProblem> ValidateSettings(TSettings settings) => [];

    /// <summary>The ports a node's config adds to <see cref="NodeTypeAttribute.Outputs"/>, for types with <see cref="NodeTypeAttribute.DynamicOutputs"/>.</summary>
    protected virtual IEnumerable<string> DynamicOutputs(TSettings settings) => [];

    /// <summary>Lets a node type refine its generated schema (descriptions, minimums) for the editor.</summary>
    protected virtual void RefineSchema(JsonObject schema)
    {
    }

    private bool TryBind(JsonNode? config, out TSettings? settings, out ConfigProblem? problem)
    {
        problem = null;
        settings = null;
        if (config is null && typeof(TSettings) == typeof(NoSettings))
        {
            settings = (TSettings)(object)new NoSettings();
            return true;
        }

        // No config is an empty one: settings whose members all have defaults need none.
        config ??= new JsonObject();
        if (config is not JsonObject)
        {
            problem = new ConfigProblem("$", "config must be a JSON object");
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
            var path = ex.Path ?? "$";
            problem = new ConfigProblem(path, Explain(ex.Message, path));
            return false;
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException or OverflowException or NotSupportedException or TargetInvocationException)
        {
            // A converter or a settings constructor refused a value: that is bad config, not a server fault.
            var reason = ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;
            problem = new ConfigProblem("$", $"the config cannot be used: {reason.Message.TrimEnd('.')}");
            return false;
        }
    }

    // The serializer's messages name .NET types; users should read what the setting needs instead.
    private string Explain(string message, string path)
    {
        const string Including = "missing required properties including: ";
        var including = message.IndexOf(Including, StringComparison.Ordinal);
        if (including >= 0)
        {
            return $"required setting {message[(including + Including.Length)..].TrimEnd('.', ' ')} is missing; add it";
        }

        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return $"{SettingName(path)} is not a setting of this node type; remove it";
        }

        if (message.Contains("could not be converted", StringComparison.Ordinal) || message.Contains("doesn't allow null", StringComparison.Ordinal))
        {
            return SchemaAt(Descriptor.ConfigSchema, path)?["type"] switch
            {
                JsonValue type when type.GetValueKind() == JsonValueKind.String => $"{SettingName(path)} must be {Describe(type.GetValue<string>())}",
                JsonArray types => $"{SettingName(path)} must be {string.Join(" or ", types.Select(t => Describe(t!.GetValue<string>())))}",
                _ => $"{SettingName(path)} has the wrong type for this setting",
            };
        }

        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static string SettingName(string path)
    {
        var name = path[(path.LastIndexOf('.') + 1)..];
        return name is "$" or "" ? "the config" : $"'{name}'";
    }

    private static JsonNode? SchemaAt(JsonNode? schema, string path)
    {
        foreach (var step in path.TrimStart('$').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = step.IndexOf('[', StringComparison.Ordinal);
            schema = schema?["properties"]?[bracket < 0 ? step : step[..bracket]];
            for (var i = bracket; i >= 0 && schema is not null; i = step.IndexOf('[', i + 1))
            {
                schema = schema["items"];
            }
        }

        return schema;
    }

    private static string Describe(string schemaType) => schemaType switch
    {
        "integer" => "a whole number",
        "number" => "a number",
        "string" => "text",
        "boolean" => "true or false",
        "object" => "an object",
        "array" => "a list",
        "null" => "null",
        _ => schemaType,
    };

    private NodeDescriptor BuildDescriptor()
    {
        var attribute = GetType().GetCustomAttribute<NodeTypeAttribute>()
            ?? throw new InvalidOperationException($"{GetType().Name} needs a [NodeType] attribute.");
        var schema = JsonSchemaExporter.GetJsonSchemaAsNode(SettingsOptions, typeof(TSettings), new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = DescribeFromAttribute,
        }).AsObject();
        RefineSchema(schema);
        ConfigSchemaAnnotations.Apply(schema);
        return new NodeDescriptor(attribute.Id, attribute.DisplayName, attribute.Category, attribute.Description, schema, attribute.Outputs)
        {
            Icon = attribute.Icon,
            Inputs = attribute.Inputs ?? (attribute.Category == NodeCategory.Trigger ? [] : [NodePorts.Main]),
            DefaultTimeoutMs = attribute.TimeoutMs,
            DynamicOutputs = attribute.DynamicOutputs,
            ManualStart = attribute.ManualStart,
            Provider = attribute.Provider,
            Pure = attribute.Pure,
            PassesRunInput = attribute.Pure && attribute.PassesRunInput,
        };
    }

    // A settings member (or its constructor parameter) may carry [Description]; RefineSchema can still override it.
    private static JsonNode DescribeFromAttribute(JsonSchemaExporterContext context, JsonNode schema)
    {
        var description = context.PropertyInfo?.AssociatedParameter?.AttributeProvider?.GetCustomAttributes(typeof(DescriptionAttribute), inherit: false).OfType<DescriptionAttribute>().FirstOrDefault()
            ?? context.PropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(DescriptionAttribute), inherit: false).OfType<DescriptionAttribute>().FirstOrDefault();
        if (description is not null && schema is JsonObject node)
        {
            node["description"] = description.Description;
        }

        return schema;
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
