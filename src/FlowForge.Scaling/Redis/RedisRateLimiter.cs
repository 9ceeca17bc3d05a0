using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FlowForge.Engine.Limits;
using StackExchange.Redis;

namespace FlowForge.Scaling.Redis;

/// <summary>
/// Token buckets in Redis, shared by every process. One Lua script refills and takes tokens atomically, on the
/// Redis server's clock (TIME), so the clocks of the processes do not matter. A bucket's key expires when it
/// would be full again: a missing key is a full bucket. Reservations book tokens ahead in the same bucket, so every
/// worker shares one queue per key, served in the order it was booked.
/// </summary>
public sealed class RedisRateLimiter(IConnectionMultiplexer redis, RedisOptions options) : IRateLimiter
{
    // KEYS[1] bucket; ARGV capacity, tokens per second, cost. Sets now (the server's clock) and the bucket's tokens,
    // refilled since it was saved; a missing key is a full bucket.
    private const string Refill = """
        local capacity = tonumber(ARGV[1])
        local rate = tonumber(ARGV[2])
        local cost = tonumber(ARGV[3])
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
        local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
        local tokens = tonumber(state[1])
        local at = tonumber(state[2])
        if tokens == nil or at == nil then
          tokens = capacity
        elseif now > at then
          tokens = math.min(capacity, tokens + (now - at) * rate)
        end
        """;

    // Saves tokens as of now, expiring when the bucket would be full again (then the key is not needed).
    private const string Save = """
        local untilFull = math.ceil((capacity - tokens) / rate * 1000)
        if untilFull > 0 then
          redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', now))
          redis.call('PEXPIRE', KEYS[1], string.format('%d', untilFull))
        else
          redis.call('DEL', KEYS[1])
        end
        """;

    // KEYS[1] bucket; ARGV capacity, tokens per second, cost. Returns { allowed (1/0), tokens left, seconds to wait }.
    internal const string Script = Refill + "\n" + """
        local allowed = 0
        local wait = 0
        if tokens >= cost then
          tokens = tokens - cost
          allowed = 1
        else
          wait = (cost - tokens) / rate
        end
        """ + "\n" + Save + "\n" + """
        return { allowed, string.format('%.17g', tokens), string.format('%.17g', wait) }
        """;

    // KEYS[1] bucket; ARGV capacity, tokens per second, cost, most seconds to wait. The same bucket as Script, which
    // may go below zero here: the debt is the callers booked ahead. Returns { reserved (1/0), seconds to wait, slot
    // (seconds since the epoch on the server's clock) }.
    internal const string ReserveScript = Refill + "\n" + """
        local maxWait = tonumber(ARGV[4])
        local wait = 0
        if tokens < cost then
          wait = (cost - tokens) / rate
        end
        if wait > maxWait then
          return { 0, string.format('%.17g', wait), string.format('%.17g', now + wait) }
        end
        tokens = tokens - cost
        """ + "\n" + Save + "\n" + """
        return { 1, string.format('%.17g', wait), string.format('%.17g', now + wait) }
        """;

    // EVALSHA names a script by the SHA-1 of its text (CA5350 is off for this file in .editorconfig).
    internal static readonly byte[] ScriptHash = SHA1.HashData(Encoding.UTF8.GetBytes(Script));

    internal static readonly byte[] ReserveScriptHash = SHA1.HashData(Encoding.UTF8.GetBytes(ReserveScript));

    private readonly string _prefix = options.KeyPrefix + "rate:";

    public async ValueTask<RateLimitDecision> TryAcquireAsync(string key, RateLimitPolicy policy, int cost, CancellationToken cancellationToken)
    {
        var result = await EvaluateAsync(ScriptHash, Script, key, policy, cost, [], cancellationToken).ConfigureAwait(false);
        var allowed = (long)result[0] == 1;
        var wait = Number(result[2]);
        return new RateLimitDecision(allowed, Number(result[1]), allowed ? TimeSpan.Zero : TimeSpan.FromSeconds(wait));
    }

    public async ValueTask<RateLimitReservation> ReserveAsync(string key, RateLimitPolicy policy, int cost, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var result = await EvaluateAsync(ReserveScriptHash, ReserveScript, key, policy, cost, [Math.Max(0, maxWait.TotalSeconds)], cancellationToken).ConfigureAwait(false);
        var reserved = (long)result[0] == 1;
        var slot = Number(result[2]);
        return new RateLimitReservation(reserved, TimeSpan.FromSeconds(Number(result[1])), DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(slot * TimeSpan.TicksPerSecond)));
    }

    private static double Number(RedisResult value) => double.Parse((string)value!, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static void Check(RateLimitPolicy policy, int cost)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cost);
        ArgumentOutOfRangeException.ThrowIfLessThan(policy.Capacity, 1, nameof(policy));
        if (!double.IsFinite(policy.TokensPerSecond) || policy.TokensPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy.TokensPerSecond, "A bucket must refill at a positive, finite rate.");
        }
    }

    /// <summary>Runs one of the bucket scripts on <paramref name="key"/> with the policy and cost, then <paramref name="more"/> arguments.</summary>
    private async Task<RedisResult[]> EvaluateAsync(
        byte[] hash, string script, string key, RateLimitPolicy policy, int cost, RedisValue[] more, CancellationToken cancellationToken)
    {
        Check(policy, cost);
        RedisKey[] keys = [_prefix + key];
        RedisValue[] arguments = [policy.Capacity, policy.TokensPerSecond, cost, .. more];
        var database = redis.GetDatabase();
        RedisResult result;
        try
        {
            result = await database.ScriptEvaluateAsync(hash, keys, arguments).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            // The server has not seen the script yet (first use, a restart, SCRIPT FLUSH): EVAL runs and caches it.
            result = await database.ScriptEvaluateAsync(script, keys, arguments).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        return (RedisResult[])result!;
    }
}
