namespace FlowForge.Engine.Limits;

/// <summary>
/// The answer to a reservation: whether tokens were booked, how long from now until they are available
/// (<see cref="TimeSpan.Zero"/> when at once), and when that is on the limiter's own clock. Callers are served in the
/// order their reservations were booked: each later one gets a later slot once the bucket is empty. When
/// <see cref="Reserved"/> is false nothing was booked and <see cref="Wait"/> says how far ahead the bucket is booked.
/// </summary>
public readonly record struct RateLimitReservation(bool Reserved, TimeSpan Wait, DateTimeOffset SlotAt);
