namespace FlowForge.Server.Tests.Testing;

/// <summary>The system clock moved by a fixed offset: a server that lived in the past, for keys that must look old.</summary>
public sealed class ShiftedTimeProvider(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
}
