using System.Globalization;
using System.Text;
using Jint;
using JsEngine = Jint.Engine;
using Jint.Native;
using Jint.Native.Json;
using Jint.Runtime;
using Jint.Runtime.Descriptors;
using Jint.Runtime.Interop;

namespace FlowForge.Nodes.Core.Code;

/// <summary>
/// The <c>console</c> a script sees: <c>log</c>, <c>info</c>, <c>warn</c>, <c>error</c> and <c>debug</c> write lines
/// into a buffer of at most <c>maxBytes</c> UTF-8 bytes, which becomes the attempt's log. Past the limit the output
/// is cut at a character boundary and a last line says so; later writes are dropped.
/// </summary>
public sealed class CodeConsole(int maxBytes)
{
    private readonly StringBuilder _text = new();
    private int _bytes;
    private bool _cut;

    /// <summary>The captured output, or null when the script wrote nothing.</summary>
    public string? Text => _text.Length == 0 ? null : _text.ToString();

    public bool IsCut => _cut;

    /// <summary>Adds one line; <paramref name="level"/> prefixes it unless it is <c>log</c>.</summary>
    public void WriteLine(string level, string line)
    {
        if (_cut)
        {
            return;
        }

        var prefix = level == "log" ? "" : $"[{level}] ";
        var separator = _text.Length == 0 ? "" : "\n";
        var entry = separator + prefix + line;
        var bytes = Encoding.UTF8.GetByteCount(entry);
        if (_bytes + bytes <= maxBytes)
        {
            _text.Append(entry);
            _bytes += bytes;
            return;
        }

        _cut = true;
        var room = maxBytes - _bytes;
        var kept = 0;
        var used = 0;
        foreach (var rune in entry.EnumerateRunes())
        {
            if (used + rune.Utf8SequenceLength > room)
            {
                break;
            }

            used += rune.Utf8SequenceLength;
            kept += rune.Utf16SequenceLength;
        }

        _text.Append(entry, 0, kept);
        _text.Append(string.Create(CultureInfo.InvariantCulture,
            $"\n… console output cut at {maxBytes:N0} bytes ({CodeOptions.Section}:{nameof(CodeOptions.MaxLogBytes)})"));
    }

    /// <summary>The script's <c>console</c> object, bound to this buffer.</summary>
    public JsValue CreateObject(JsEngine engine)
    {
        var console = new JsObject(engine);
        foreach (var level in (string[])["log", "info", "warn", "error", "debug"])
        {
            var write = new ClrFunction(engine, level, (_, arguments) =>
            {
                if (!_cut)
                {
                    WriteLine(level, Format(engine, arguments));
                }

                return JsValue.Undefined;
            });
            console.FastSetProperty(level, new PropertyDescriptor(write, writable: false, enumerable: true, configurable: false));
        }

        return console;
    }

    // Strings are written as they are; other values as JSON where they have one, else as JavaScript prints them.
    private static string Format(JsEngine engine, JsValue[] arguments)
    {
        var parts = new string[arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            var value = arguments[i];
            parts[i] = value.Type switch
            {
                Types.String => value.AsString(),
                Types.Object when value is not Jint.Native.Function.Function => Json(engine, value),
                _ => value.ToString(),
            };
        }

        return string.Join(' ', parts);
    }

    private static string Json(JsEngine engine, JsValue value)
    {
        try
        {
            var json = new JsonSerializer(engine).Serialize(value);
            return json.IsUndefined() ? value.ToString() : json.AsString();
        }
        catch (JavaScriptException)
        {
            // A cycle or a BigInt: the object is still worth a line.
            return value.ToString();
        }
    }
}
