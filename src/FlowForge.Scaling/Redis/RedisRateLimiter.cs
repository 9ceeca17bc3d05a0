using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FlowForge.Engine.Limits;
using StackExchange.Redis;

namespace FlowForge.Scaling.Redis;

/// <summary>
/// Token buckets in Redis, shared by every process. One Lua script refills and takes tokens atomically, on the
/// Redis server's clock (TIME), so the clocks of the processes do not matter. A bucket's key expires when it
/// would be full again: a missing key is a full bucket.
/// </summary>
public sealed class RedisRateLimiter(IConnectionMultiplexer redis, RedisOptions options) : IRateLimiter
{
    // KEYS[1] bucket; ARGV capacity, tokens per second, cost. Returns { allowed (1/0), tokens left, seconds to wait }.
    internal const string Script = """
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
        local allowed = 0
        local wait = 0
        if tokens >= cost then
          tokens = tokens - cost
          allowed = 1
        else
          wait = (cost - tokens) / rate
        end
        local untilFull = math.ceil((capacity - tokens) / rate * 1000)
        if untilFull > 0 then
          redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', now))
          redis.call('PEXPIRE', KEYS[1], string.format('%d', untilFull))
        else
          redis.call('DEL', KEYS[1])
        end
        return { allowed, string.format('%.17g', tokens), string.format('%.17g', wait) }
        """;

    // EVALSHA names a script by the SHA-1 of its text (CA5350 is off for this file in .editorconfig).
    internal static readonly byte[] ScriptHash = SHA1.HashData(Encoding.UTF8.GetBytes(Script));

    private readonly string _prefix = options.KeyPrefix + "rate:";

    public async ValueTask<RateLimitDecision> TryAcquireAsync(string key, RateLimitPolicy policy, int cost, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cost);
        ArgumentOutOfRangeException.ThrowIfLessThan(policy.Capacity, 1, nameof(policy));
        if (!double.IsFinite(policy.TokensPerSecond) || policy.TokensPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy.TokensPerSecond, "A bucket must refill at a positive, finite rate.");
        }

        RedisKey[] keys = [_prefix + key];
        RedisValue[] arguments = [policy.Capacity, policy.TokensPerSecond, cost];
        var result = (RedisResult[])(await EvaluateAsync(keys, arguments).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        var allowed = (long)result[0] == 1;
        var remaining = double.Parse((string)result[1]!, NumberStyles.Float, CultureInfo.InvariantCulture);
        var wait = double.Parse((string)result[2]!, NumberStyles.Float, CultureInfo.InvariantCulture);
        return new RateLimitDecision(allowed, remaining, allowed ? TimeSpan.Zero : TimeSpan.FromSeconds(wait));
    }

    private async Task<RedisResult> EvaluateAsync(RedisKey[] keys, RedisValue[] arguments)
    {
        var database = redis.GetDatabase();
        try
        {
            return await database.ScriptEvaluateAsync(ScriptHash, keys, arguments).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            // The server has not seen the script yet (first use, a restart, SCRIPT FLUSH): EVAL runs and caches it.
            return await database.ScriptEvaluateAsync(Script, keys, arguments).ConfigureAwait(false);
        }
    }
}
