using System.Text.Json.Serialization;

namespace FlowForge.Storage.Sql.Mapping;

[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class PortListJson : JsonSerializerContext;
