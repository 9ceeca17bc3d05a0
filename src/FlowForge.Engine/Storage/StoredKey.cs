namespace FlowForge.Engine.Storage;

/// <summary>
/// Key material kept for every process of a deployment: <paramref name="Purpose"/> groups the keys of one use (token
/// signing, the data-protection key ring), <paramref name="Id"/> names one key within it. The material is stored as given:
/// callers protect secrets before they store them.
/// </summary>
public sealed record StoredKey(string Purpose, string Id, string Material, DateTimeOffset CreatedAt);
