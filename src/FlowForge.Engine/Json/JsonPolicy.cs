using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowForge.Engine.Json;

/// <summary>
/// The one way FlowForge reads JSON, for request bodies, flows, node configs and stored documents alike.
/// A document is refused when it is not valid UTF-8 or not valid JSON, repeats a property name in one object,
/// holds a lone UTF-16 surrogate (<c>"\ud800"</c>) or a NUL character, holds a number no double can hold
/// (<c>1e999999</c>), or nests deeper than <see cref="MaxDepth"/>. Everything FlowForge stores passes this
/// check first, so every stored document reads back with the same options.
/// </summary>
public static class JsonPolicy
{
    /// <summary>
    /// The deepest nesting of objects and arrays accepted or written. Fixed rather than configurable: lowering
    /// it would make documents already stored unreadable.
    /// </summary>
    public const int MaxDepth = 64;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _lengthBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _lengthWriter;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Options for reading documents that already passed the policy (stored flows, inputs, outputs).</summary>
    public static JsonDocumentOptions DocumentOptions { get; } = new()
    {
        MaxDepth = MaxDepth,
        AllowDuplicateProperties = false,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        MaxDepth = MaxDepth,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    /// <summary>Checks and parses UTF-8 bytes (a leading byte order mark is skipped).</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out JsonNode? node, out JsonRejection? rejection) =>
        TryParseKeeping(utf8.ToArray(), out node, out rejection);

    /// <summary>
    /// Like <see cref="TryParse(ReadOnlySpan{byte}, out JsonNode?, out JsonRejection?)"/>, without copying
    /// <paramref name="utf8"/>: the document keeps it, so the caller hands it over and never changes it afterwards
    /// (a request body read into an array of its own, parsed where it lies).
    /// </summary>
    public static bool TryParseKeeping(ReadOnlyMemory<byte> utf8, out JsonNode? node, out JsonRejection? rejection)
    {
        node = null;
        if (utf8.Span.StartsWith("\uFEFF"u8))
        {
            utf8 = utf8[3..];
        }

        if (!System.Text.Unicode.Utf8.IsValid(utf8.Span))
        {
            rejection = new JsonRejection("$", "The text is not valid UTF-8; send JSON encoded as UTF-8.");
            return false;
        }

        rejection = Check(utf8.Span);
        if (rejection is not null)
        {
            return false;
        }

        // As JsonNode.Parse builds it (a node over the parsed document), minus its copy of the text.
        var root = JsonDocument.Parse(utf8, DocumentOptions).RootElement;
        node = root.ValueKind switch
        {
            JsonValueKind.Object => JsonObject.Create(root),
            JsonValueKind.Array => JsonArray.Create(root),
            JsonValueKind.Null => null,
            _ => JsonValue.Create(root),
        };
        return true;
    }

    /// <summary>Checks and parses JSON text.</summary>
    public static bool TryParse(string text, out JsonNode? node, out JsonRejection? rejection)
    {
        byte[] utf8;
        try
        {
            utf8 = StrictUtf8.GetBytes(text);
        }
        catch (EncoderFallbackException)
        {
            node = null;
            rejection = new JsonRejection("$", "The text holds a lone UTF-16 surrogate; send valid Unicode text.");
            return false;
        }

        return TryParseKeeping(utf8, out node, out rejection);
    }

    /// <summary>
    /// Checks a document built in memory (a node's output, a run input) before it is stored. Text holding a lone
    /// surrogate cannot come from a request (it is refused there); built by code, it is written as U+FFFD.
    /// </summary>
    public static JsonRejection? Check(JsonNode? node) => TrySerialize(node, out _, out var rejection) ? null : rejection;

    /// <summary>
    /// Serializes a document built in memory the way FlowForge stores it, after checking that it reads back
    /// under the policy; null stays null.
    /// </summary>
    public static bool TrySerialize(JsonNode? node, out string? json, out JsonRejection? rejection)
    {
        json = null;
        rejection = null;
        if (node is null)
        {
            return true;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = 1_000 }))
        {
            try
            {
                node.WriteTo(writer);
            }
            catch (InvalidOperationException)
            {
                rejection = new JsonRejection("$", Invariant($"The document nests objects and arrays deeper than {MaxDepth} levels; flatten it."));
                return false;
            }
            catch (ArgumentException)
            {
                rejection = new JsonRejection("$", "The document holds text that is not valid Unicode (a lone UTF-16 surrogate); send valid Unicode text.");
                return false;
            }
        }

        rejection = Check(buffer.WrittenSpan);
        if (rejection is not null)
        {
            return false;
        }

        json = Encoding.UTF8.GetString(buffer.WrittenSpan);
        return true;
    }

    /// <summary>The size of a document in bytes of compact UTF-8 JSON, as limits count it (non-ASCII text unescaped).</summary>
    public static long Utf8Length(JsonNode node)
    {
        // Validation measures every node's config: one buffer and writer per thread, reset between uses.
        var buffer = _lengthBuffer ??= new ArrayBufferWriter<byte>();
        var writer = _lengthWriter ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = 1_000 });
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        try
        {
            node.WriteTo(writer);
            writer.Flush();
            return buffer.WrittenCount;
        }
        finally
        {
            if (buffer.Capacity > 1024 * 1024)
            {
                _lengthBuffer = null;
                _lengthWriter = null;
            }
        }
    }

    /// <summary>Parses a document that was checked before it was stored.</summary>
    public static JsonNode? ParseStored(string json) => JsonNode.Parse(json, documentOptions: DocumentOptions);

    /// <summary>Parses a document that was checked before it was stored, as an element that outlives the parse.</summary>
    public static JsonElement ParseStoredElement(string json)
    {
        using var document = JsonDocument.Parse(json, DocumentOptions);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Checks UTF-8 JSON against the policy. Walks it without making a string of each property name (names are compared
    /// as the bytes they are, unless escaped) and with frames kept per thread: every node output is checked here.
    /// </summary>
    public static JsonRejection? Check(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        var frames = _frames ??= new FrameStack();
        frames.Clear();
        try
        {
            while (reader.Read())
            {
                var frame = frames.Count > 0 ? frames.Top : null;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        string? escaped = null;
                        if (reader.ValueIsEscaped || !System.Text.Unicode.Utf8.IsValid(reader.ValueSpan))
                        {
                            escaped = ReadString(ref reader, utf8, frames, out var bad);
                            if (bad is not null)
                            {
                                return bad;
                            }
                        }

                        // Unescaped, the name's bytes are the token's, after its opening quote.
                        frame!.SetProperty((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, escaped);
                        if (!frame.AddName(utf8))
                        {
                            return new JsonRejection(PathOf(frames, utf8), $"The property '{Shorten(frame.PropertyName(utf8))}' appears twice in the same object; keep one.");
                        }

                        continue;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        Advance(frame);
                        frames.Push(reader.TokenType == JsonTokenType.StartArray);
                        continue;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.Pop();
                        continue;
                }

                Advance(frame);
                if (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped)
                {
                    ReadString(ref reader, utf8, frames, out var bad);
                    if (bad is not null)
                    {
                        return bad;
                    }
                }
                else if (reader.TokenType == JsonTokenType.Number && (!reader.TryGetDouble(out var number) || !double.IsFinite(number)))
                {
                    return new JsonRejection(PathOf(frames, utf8), "The number is too large to hold; send it as a string or a smaller number.");
                }
            }
        }
        catch (JsonException) when (reader.CurrentDepth >= MaxDepth - 1)
        {
            return new JsonRejection(PathOf(frames, utf8), Invariant($"The document nests objects and arrays deeper than {MaxDepth} levels; flatten it."));
        }
        catch (JsonException ex)
        {
            return new JsonRejection(PathOf(frames, utf8), Invariant($"The JSON is invalid at line {(ex.LineNumber ?? 0) + 1}, position {(ex.BytePositionInLine ?? 0) + 1}: {Reason(ex)}."), ex.LineNumber + 1, ex.BytePositionInLine + 1);
        }
        finally
        {
            frames.Clear();
        }

        return null;
    }

    private static string? ReadString(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, FrameStack frames, out JsonRejection? rejection)
    {
        rejection = null;
        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            rejection = new JsonRejection(PathOf(frames, utf8, reader.TokenType == JsonTokenType.PropertyName), "The text holds a lone UTF-16 surrogate (such as \\ud800); send valid Unicode text.");
            return null;
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            rejection = new JsonRejection(PathOf(frames, utf8, reader.TokenType == JsonTokenType.PropertyName), "The text holds a NUL character (\\u0000), which FlowForge does not store; remove it.");
            return null;
        }

        return text;
    }

    private static void Advance(Frame? frame)
    {
        if (frame is { IsArray: true })
        {
            frame.Index++;
        }
    }

    private static string PathOf(FrameStack frames, ReadOnlySpan<byte> utf8, bool propertyName = false)
    {
        var path = new StringBuilder();
        for (var i = 0; i < frames.Count; i++)
        {
            var frame = frames[i];
            if (frame.IsArray)
            {
                if (frame.Index >= 0)
                {
                    path.Append(CultureInfo.InvariantCulture, $"[{frame.Index}]");
                }
            }
            else if (frame.HasProperty && !(propertyName && i == frames.Count - 1))
            {
                var name = frame.PropertyName(utf8);
                if (IsPlainName(name))
                {
                    path.Append(path.Length == 0 ? "" : ".").Append(name);
                }
                else
                {
                    path.Append("['").Append(Shorten(name).Replace("'", "\\'", StringComparison.Ordinal)).Append("']");
                }
            }
        }

        return path.Length == 0 ? "$" : path.ToString();
    }

    private static bool IsPlainName(string name) =>
        name.Length is > 0 and <= 40 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '$');

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");

    private static string Reason(JsonException ex)
    {
        var reason = ex.Message;
        var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut > 0)
        {
            reason = reason[..cut];
        }

        return reason.TrimEnd('.', ' ');
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    [ThreadStatic]
    private static FrameStack? _frames;

    /// <summary>The open objects and arrays, innermost last; frames are reused from one document to the next.</summary>
    private sealed class FrameStack
    {
        private readonly List<Frame> _frames = [];

        public int Count { get; private set; }

        public Frame Top => _frames[Count - 1];

        public Frame this[int index] => _frames[index];

        public void Push(bool isArray)
        {
            if (Count == _frames.Count)
            {
                _frames.Add(new Frame());
            }

            _frames[Count++].Reset(isArray);
        }

        public void Pop() => Count--;

        public void Clear() => Count = 0;
    }

    private sealed class Frame
    {
        // Most objects have few properties: their names are compared one by one until a set pays for itself.
        private const int MaxListedNames = 8;

        private readonly Name[] _listed = new Name[MaxListedNames];
        private int _listedCount;
        private HashSet<string>? _names;
        private Name _property;

        public bool IsArray { get; private set; }

        public int Index { get; set; } = -1;

        public bool HasProperty { get; private set; }

        public void Reset(bool isArray)
        {
            IsArray = isArray;
            Index = -1;
            HasProperty = false;
            _property = default;
            _listedCount = 0;
            Array.Clear(_listed);
            _names = null;
        }

        /// <summary>The name just read: where its bytes are in the document, or its text when it was escaped.</summary>
        public void SetProperty(int start, int length, string? text)
        {
            _property = new Name(start, length, text);
            HasProperty = true;
        }

        public string PropertyName(ReadOnlySpan<byte> utf8) => _property.Text(utf8);

        /// <summary>False when the object already has a property of the name just read.</summary>
        public bool AddName(ReadOnlySpan<byte> utf8)
        {
            var name = _property;
            if (_names is not null)
            {
                return _names.Add(name.Text(utf8));
            }

            for (var i = 0; i < _listedCount; i++)
            {
                if (_listed[i].SameAs(name, utf8))
                {
                    return false;
                }
            }

            if (_listedCount < MaxListedNames)
            {
                _listed[_listedCount++] = name;
                return true;
            }

            _names = new HashSet<string>(MaxListedNames * 2, StringComparer.Ordinal);
            for (var i = 0; i < _listedCount; i++)
            {
                _names.Add(_listed[i].Text(utf8));
            }

            return _names.Add(name.Text(utf8));
        }
    }

    /// <summary>A property name: the bytes of an unescaped one in the document, or the text of an escaped one.</summary>
    private readonly record struct Name(int Start, int Length, string? Escaped)
    {
        public string Text(ReadOnlySpan<byte> utf8) => Escaped ?? Encoding.UTF8.GetString(utf8.Slice(Start, Length));

        public bool SameAs(Name other, ReadOnlySpan<byte> utf8) =>
            Escaped is null && other.Escaped is null
                ? utf8.Slice(Start, Length).SequenceEqual(utf8.Slice(other.Start, other.Length))
                : string.Equals(Text(utf8), other.Text(utf8), StringComparison.Ordinal);
    }
}
