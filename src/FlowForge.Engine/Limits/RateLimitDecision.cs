namespace FlowForge.Engine.Limits;

/// <summary>Whether tokens were taken; when not, how long until enough will have been refilled.</summary>
public readonly record struct RateLimitDecision(bool Allowed, double Remaining, TimeSpan RetryAfter);
