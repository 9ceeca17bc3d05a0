using System.Text.Json.Serialization;

namespace FlowForge.Server.Connections;

/// <summary>The answer of a connection test: whether it works, the provider's HTTP status when it was asked, and what to do.</summary>
internal sealed record ConnectionTestResult(
    bool Ok,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Status,
    string Message);
