namespace FlowForge.Engine.Storage;

/// <summary>A document kept in the <see cref="IBlobStore"/> for a run: its id and its size in UTF-8 bytes.</summary>
public sealed record BlobReference(Guid RunId, Guid Id, long Bytes);
