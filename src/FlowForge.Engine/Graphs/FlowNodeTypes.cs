using System.Text;
using System.Text.Json;

namespace FlowForge.Engine.Graphs;

/// <summary>
/// The node types a stored flow document uses, read by one forward pass over its JSON without building the
/// document: listings show them for every flow of a page.
/// </summary>
public static class FlowNodeTypes
{
    /// <summary>Each <c>nodes[].type</c> once, in document order; what cannot be read (malformed JSON) ends the list early.</summary>
    public static IReadOnlyList<string> Read(string json)
    {
        var types = new List<string>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            // Depths: 0 the document object, 1 its "nodes" array, 2 a node object, 3 a node's property value.
            var inNodes = false;
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    if (inNodes && reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == 1)
                    {
                        inNodes = false;
                    }

                    continue;
                }

                if (reader.CurrentDepth == 1 && reader.ValueTextEquals("nodes"u8))
                {
                    reader.Read();
                    inNodes = reader.TokenType == JsonTokenType.StartArray;
                    if (!inNodes)
                    {
                        reader.Skip();
                    }
                }
                else if (inNodes && reader.CurrentDepth == 3 && reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && reader.GetString() is { Length: > 0 } type && !types.Contains(type, StringComparer.Ordinal))
                    {
                        types.Add(type);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.CurrentDepth is 1 or 3)
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Stored documents were valid when saved; a damaged one still lists with what was read.
        }

        return types;
    }
}
