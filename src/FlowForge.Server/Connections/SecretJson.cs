using System.Text.Json.Serialization;

namespace FlowForge.Server.Connections;

[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class SecretJson : JsonSerializerContext;
