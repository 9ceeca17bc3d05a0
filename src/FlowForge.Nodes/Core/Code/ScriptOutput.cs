using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FlowForge.Engine.Json;
using Jint;
using Jint.Native;
using Jint.Native.Object;
using Jint.Native.Symbol;
using Jint.Runtime;

namespace FlowForge.Nodes.Core.Code;

/// <summary>
/// Turns what a script returned into JSON, the way <c>JSON.stringify</c> would, but refusing what it would silently
/// drop or fail on late: functions, symbols and BigInts are errors naming their path, as are cycles, nesting deeper
/// than <see cref="JsonPolicy.MaxDepth"/> and more than <c>maxBytes</c> of JSON. <c>undefined</c> is <c>null</c> at the
/// top and in arrays and is left out of objects; NaN and the infinities are <c>null</c>; a Date is its ISO text.
/// </summary>
public static class ScriptOutput
{
    public static JsonNode? ToJson(JsValue value, long maxBytes) => new Writer(maxBytes).Write(value, "$", 0);

    private sealed class Writer(long maxBytes)
    {
        private readonly HashSet<ObjectInstance> _open = new(ReferenceEqualityComparer.Instance);
        private long _bytes;

        public JsonNode? Write(JsValue value, string path, int depth)
        {
            switch (value.Type)
            {
                case Types.Undefined or Types.Null or Types.Empty:
                    Count(4, path);
                    return null;
                case Types.Boolean:
                    Count(5, path);
                    return JsonValue.Create(value.AsBoolean());
                case Types.Number:
                    return Number(value.AsNumber(), path);
                case Types.String:
                    var text = value.AsString();
                    Count(Encoding.UTF8.GetByteCount(text) + 2, path);
                    return JsonValue.Create(text);
                case Types.Symbol:
                    throw new ScriptOutputException($"the returned value holds a symbol at {path}; return data only (text, numbers, true/false, null, objects, arrays)");
                case Types.BigInt:
                    throw new ScriptOutputException($"the returned value holds a BigInt at {path}, which JSON cannot hold; convert it with String() or Number()");
            }

            if (value is Jint.Native.Function.Function)
            {
                throw new ScriptOutputException($"the returned value holds a function at {path}; return data only (text, numbers, true/false, null, objects, arrays)");
            }

            if (value.IsDate())
            {
                var date = value.AsDate();
                if (date.DateValue is double.NaN)
                {
                    Count(4, path);
                    return null;
                }

                var iso = date.ToDateTime().ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                Count(iso.Length + 2, path);
                return JsonValue.Create(iso);
            }

            var obj = value.AsObject();
            if (depth >= JsonPolicy.MaxDepth)
            {
                throw new ScriptOutputException($"the returned value nests deeper than {JsonPolicy.MaxDepth} levels at {path}; return flatter data");
            }

            if (!_open.Add(obj))
            {
                throw new ScriptOutputException($"the returned value refers to itself at {path} (a cycle), which JSON cannot hold; return a copy without the loop");
            }

            try
            {
                return value.IsArray() ? Array(obj, path, depth) : Object(obj, path, depth);
            }
            finally
            {
                _open.Remove(obj);
            }
        }

        private JsonArray Array(ObjectInstance array, string path, int depth)
        {
            var length = (long)TypeConverter.ToNumber(array.Get("length"));
            var result = new JsonArray();
            Count(2, path);
            for (long i = 0; i < length; i++)
            {
                var item = array.Get(JsNumber.Create(i));
                var itemPath = string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]");
                Count(1, itemPath);
                result.Add(item.IsUndefined() ? null : Write(item, itemPath, depth + 1));
            }

            return result;
        }

        private JsonObject Object(ObjectInstance obj, string path, int depth)
        {
            var result = new JsonObject();
            Count(2, path);
            foreach (var key in obj.GetOwnPropertyKeys(Types.String))
            {
                var descriptor = obj.GetOwnProperty(key);
                if (descriptor == PropertyDescriptorUndefined || !descriptor.Enumerable)
                {
                    continue;
                }

                var name = key.AsString();
                var item = obj.Get(key);
                if (item.IsUndefined())
                {
                    continue;
                }

                var itemPath = $"{path}.{name}";
                Count(Encoding.UTF8.GetByteCount(name) + 4, itemPath);
                result[name] = Write(item, itemPath, depth + 1);
            }

            return result;
        }

        private JsonValue? Number(double number, string path)
        {
            if (double.IsNaN(number) || double.IsInfinity(number))
            {
                Count(4, path);
                return null;
            }

            if (number == Math.Floor(number) && Math.Abs(number) <= 9_007_199_254_740_991d)
            {
                var whole = (long)number;
                Count(whole.ToString(CultureInfo.InvariantCulture).Length, path);
                return JsonValue.Create(whole);
            }

            Count(number.ToString("R", CultureInfo.InvariantCulture).Length, path);
            return JsonValue.Create(number);
        }

        private void Count(long bytes, string path)
        {
            _bytes += bytes;
            if (_bytes > maxBytes)
            {
                throw new ScriptOutputException(string.Create(CultureInfo.InvariantCulture,
                    $"the returned value is over {maxBytes:N0} bytes of JSON (reached at {path}; Engine:MaxOutputBytes); return less data"));
            }
        }

        private static readonly Jint.Runtime.Descriptors.PropertyDescriptor PropertyDescriptorUndefined = Jint.Runtime.Descriptors.PropertyDescriptor.Undefined;
    }
}
