namespace FlowForge.Engine.Storage;

/// <summary>A cursor that this store did not issue; the API answers 400 naming the <c>cursor</c> parameter.</summary>
public sealed class InvalidCursorException(string message) : Exception(message);
