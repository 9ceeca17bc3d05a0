using FlowForge.Engine.Limits;
using FlowForge.Scaling.Tests.Compliance;

namespace FlowForge.Scaling.Tests.InProcess;

public sealed class MemoryRateLimiterTests : RateLimiterCompliance
{
    private readonly MemoryRateLimiter _limiter = new(TimeProvider.System);

    protected override Task<IRateLimiter> CreateLimiterAsync() => Task.FromResult<IRateLimiter>(_limiter);
}
