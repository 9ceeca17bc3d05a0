namespace FlowForge.Engine.Storage;

/// <summary>
/// The store could not be reached or gave up on a transient failure (server down, failover, connection lost, pool
/// exhausted): the same call may succeed shortly. Stores throw it so that callers need not know database types;
/// the API answers 503 with Retry-After.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception innerException) : Exception(message, innerException);
