namespace FlowForge.Engine.Json;

/// <summary>
/// Why a JSON document was refused by <see cref="JsonPolicy"/>: <see cref="Path"/> names the value at fault
/// (<c>$</c> for the whole document, otherwise <c>a.b[2]</c>), <see cref="Message"/> says what to change.
/// </summary>
public sealed record JsonRejection(string Path, string Message, long? Line = null, long? Position = null);
