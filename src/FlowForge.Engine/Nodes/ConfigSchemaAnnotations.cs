using System.Text;
using System.Text.Json.Nodes;

namespace FlowForge.Engine.Nodes;

/// <summary>
/// Completes a node type's config schema so the editor can build its form without special cases: every
/// property gets a <c>title</c> (from its name unless the type gave one), and every value whose strings
/// <see cref="Node{TSettings}"/> resolves as <c>{{ }}</c> templates is marked <c>"x-expression": true</c>.
/// </summary>
public static class ConfigSchemaAnnotations
{
    /// <summary>The keyword marking a value that may hold <c>{{ }}</c> expressions.</summary>
    public const string ExpressionKeyword = "x-expression";

    public static void Apply(JsonObject schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Annotate(schema, depth: 0);
    }

    /// <summary>"timeoutMs" becomes "Timeout ms", "url" becomes "Url".</summary>
    public static string TitleFrom(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var title = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (i == 0)
            {
                title.Append(char.ToUpperInvariant(c));
            }
            else if (char.IsUpper(c) && !char.IsUpper(name[i - 1]))
            {
                title.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                title.Append(c);
            }
        }

        return title.ToString();
    }

    // Settings records are shallow; the bound keeps a self-referencing schema from recursing without end.
    private static void Annotate(JsonObject schema, int depth)
    {
        if (depth > 16)
        {
            return;
        }

        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, value) in properties)
            {
                if (value is JsonObject property)
                {
                    property["title"] ??= TitleFrom(name);
                    Annotate(property, depth + 1);
                }
            }
        }

        if (schema["items"] is JsonObject items)
        {
            Annotate(items, depth + 1);
        }

        if (schema["additionalProperties"] is JsonObject additional)
        {
            Annotate(additional, depth + 1);
        }

        if (depth > 0 && AcceptsExpressions(schema))
        {
            schema[ExpressionKeyword] = true;
        }
    }

    // Templates are resolved in every string of the config, so any value that is or may contain text accepts them:
    // text fields and free-form JSON (an object without declared properties, or a value of any type).
    private static bool AcceptsExpressions(JsonObject schema)
    {
        var types = schema["type"] switch
        {
            JsonValue one => [one.GetValue<string>()],
            JsonArray many => many.Select(t => t!.GetValue<string>()).ToArray(),
            _ => null,
        };
        if (types is null)
        {
            return schema["enum"] is null && schema["properties"] is null && schema["items"] is null;
        }

        return types.Contains("string") || (types.Contains("object") && schema["properties"] is null && schema["additionalProperties"] is null);
    }
}
