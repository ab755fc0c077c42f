package dev.pikodb.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts that make each record operation atomic on the table's master, run with
 * {@code EVALSHA} and, when the server does not have a script cached yet ({@code NOSCRIPT}: a new,
 * restarted or failed-over server), with {@code EVAL}, which caches it. A {@code NOSCRIPT} reply
 * means nothing ran, so the fallback never applies a write twice.
 *
 * <p>The record scripts take one bucket's keys ({@code KEYS[1]} the records hash, {@code KEYS[2]}
 * the sorted set of expirations; see {@link KeySpace} for the layout), the catalog scripts the
 * catalog hash alone; every script takes, as {@code ARGV[1]}, the current time in epoch milliseconds,
 * or an empty string for "the server's {@code TIME}". Records are parsed only in their header
 * ({@code {"v":..,"t":..,"x":..}}, see {@link RecordFormat}); the value's JSON is never decoded.
 */
final class Scripts {

    /** A script's source and its SHA-1 digest. */
    record Script(String name, byte[] source, String sha) {
    }

    private static final String COMMON = """
            if redis.replicate_commands then redis.replicate_commands() end
            local function now_ms()
              if ARGV[1] ~= '' then return tonumber(ARGV[1]) end
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            local function expiration(rec)
              local x = string.match(rec, '^{"v":%d+,"t":%-?%d+,"x":(%-?%d+)')
              if x then return tonumber(x) end
              return nil
            end
            local function expired(rec, now)
              local x = expiration(rec)
              if x == nil then return false end
              if now == nil then now = now_ms() end
              return now > x
            end
            local function fmt(n) return string.format('%.0f', n) end
            """;

    /**
     * Opens the bucket for a write of generation {@code gen}: creates it (both keys, with their
     * sentinels) when missing, refuses a generation older than the bucket's (returns false: the
     * writer's view of the catalog is stale), and moves the bucket on to a newer one (whose buckets
     * were emptied when the older generation was dropped).
     */
    private static final String OPEN = """
            local function open_bucket(gen)
              local g = redis.call('HGET', KEYS[1], '')
              if not g then
                redis.call('HSET', KEYS[1], '', fmt(gen))
                redis.call('ZADD', KEYS[2], 'inf', '')
                return true
              end
              g = tonumber(g)
              if gen < g then return false end
              if gen > g then redis.call('HSET', KEYS[1], '', fmt(gen)) end
              return true
            end
            """;

    /**
     * ARGV: now, key, json, expiration or '', dictionary fragment or '', expected version (-1: none),
     * generation. Returns {new version (0: the expected version did not match, or the generation is
     * stale), 1 when the generation is stale, 1 when an expired record was replaced, that record's
     * version}.
     */
    static final Script WRITE = script("write", OPEN + """
            local now = now_ms()
            local key = ARGV[2]
            if not open_bucket(tonumber(ARGV[7])) then return {0, 1, 0, 0} end
            local current, removed, replaced = 0, 0, 0
            local old = redis.call('HGET', KEYS[1], key)
            if old then
              local v = tonumber(string.match(old, '^{"v":(%d+)'))
              if expired(old, now) then removed = 1; replaced = v else current = v end
            end
            local expected = tonumber(ARGV[6])
            if expected >= 0 and expected ~= current then return {0, 0, 0, 0} end
            local version = current + 1
            local x = ARGV[4]
            local shown = x
            if x == '' then shown = 'null' end
            redis.call('HSET', KEYS[1], key,
              '{"v":' .. fmt(version) .. ',"t":' .. fmt(now) .. ',"x":' .. shown .. ARGV[5] .. ',"d":' .. ARGV[3] .. '}')
            if x ~= '' then
              redis.call('ZADD', KEYS[2], x, key)
            elseif old then
              redis.call('ZREM', KEYS[2], key)
            end
            return {version, 0, removed, replaced}
            """);

    /**
     * ARGV: now, key. Returns {} when missing, {1, its version} when it was expired (and is now
     * removed), {record}.
     */
    static final Script READ = script("read", """
            local rec = redis.call('HGET', KEYS[1], ARGV[2])
            if not rec then return {} end
            if expired(rec, nil) then
              redis.call('HDEL', KEYS[1], ARGV[2])
              redis.call('ZREM', KEYS[2], ARGV[2])
              return {1, tonumber(string.match(rec, '^{"v":(%d+)'))}
            end
            return {rec}
            """);

    /**
     * ARGV: now, key. Returns {0, 0} when missing, {1, version} when a live record was removed,
     * {2, version} when an expired one was. The bucket's keys stay (their sentinels remain).
     */
    static final Script DELETE = script("delete", """
            local rec = redis.call('HGET', KEYS[1], ARGV[2])
            if not rec then return {0, 0} end
            redis.call('HDEL', KEYS[1], ARGV[2])
            redis.call('ZREM', KEYS[2], ARGV[2])
            local v = tonumber(string.match(rec, '^{"v":(%d+)'))
            if expired(rec, nil) then return {2, v} end
            return {1, v}
            """);

    /**
     * ARGV: now, limit. Removes up to {@code limit} expired records of the bucket; returns {removed,
     * more (1 when the limit was reached), records left in the bucket, then each removed key and its
     * version}.
     */
    static final Script CLEANUP = script("cleanup", """
            local now = now_ms()
            local limit = tonumber(ARGV[2])
            local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. fmt(now), 'LIMIT', 0, limit)
            local removed = 0
            local gone = {}
            for _, key in ipairs(due) do
              local rec = redis.call('HGET', KEYS[1], key)
              if not rec then
                redis.call('ZREM', KEYS[2], key)
              elseif expired(rec, now) then
                redis.call('HDEL', KEYS[1], key)
                redis.call('ZREM', KEYS[2], key)
                removed = removed + 1
                gone[#gone + 1] = key
                gone[#gone + 1] = tonumber(string.match(rec, '^{"v":(%d+)'))
              else
                local x = expiration(rec)
                if x then redis.call('ZADD', KEYS[2], x, key) else redis.call('ZREM', KEYS[2], key) end
              end
            end
            local more = 0
            if #due == limit then more = 1 end
            local left = redis.call('HLEN', KEYS[1])
            if left > 0 then left = left - 1 end
            local reply = {removed, more, left}
            for _, item in ipairs(gone) do reply[#reply + 1] = item end
            return reply
            """);

    /**
     * ARGV: now, dropped generation. Empties a bucket of a dropped generation: {@code UNLINK} (the
     * server frees the records in a background thread, so this is quick whatever the bucket holds),
     * then marks the bucket with the next generation, so that writers that still believe in the dropped
     * one are refused. Does nothing to a bucket already on a newer generation. Returns 1 when it
     * emptied the bucket.
     */
    static final Script DROP = script("drop", """
            local dropped = tonumber(ARGV[2])
            local g = redis.call('HGET', KEYS[1], '')
            if g and tonumber(g) > dropped then return 0 end
            redis.call('UNLINK', KEYS[1], KEYS[2])
            redis.call('HSET', KEYS[1], '', fmt(dropped + 1))
            redis.call('ZADD', KEYS[2], 'inf', '')
            return 1
            """);

    /**
     * On the catalog (KEYS[1]); ARGV: now, table. Lists a table: returns {0, generation} when it is
     * listed, {1, generation} when this call listed it with a new generation, {-1, generation} when a
     * deletion of it is still emptying its buckets (the caller finishes that first).
     */
    static final Script LIST = script("list", """
            local d = redis.call('HGET', KEYS[1], '\0' .. ARGV[2])
            if d then return {-1, tonumber(d)} end
            local g = redis.call('HGET', KEYS[1], ARGV[2])
            if g then return {0, tonumber(g)} end
            g = redis.call('HINCRBY', KEYS[1], '', 1)
            redis.call('HSET', KEYS[1], ARGV[2], g)
            return {1, g}
            """);

    /**
     * On the catalog (KEYS[1]); ARGV: now, table. Unlists a table and notes its generation as being
     * dropped, in one step: returns {1, generation} for the one call that did it, {0, generation} when a
     * deletion is already emptying its buckets, {0, 0} when the table is not listed.
     */
    static final Script UNLIST = script("unlist", """
            local g = redis.call('HGET', KEYS[1], ARGV[2])
            if not g then
              local d = redis.call('HGET', KEYS[1], '\0' .. ARGV[2])
              if d then return {0, tonumber(d)} end
              return {0, 0}
            end
            redis.call('HDEL', KEYS[1], ARGV[2])
            redis.call('HSET', KEYS[1], '\0' .. ARGV[2], g)
            return {1, tonumber(g)}
            """);

    /** On the catalog (KEYS[1]); ARGV: now, table, generation. Clears the note of a finished drop. */
    static final Script DROPPED = script("dropped", """
            if redis.call('HGET', KEYS[1], '\0' .. ARGV[2]) == ARGV[3] then
              redis.call('HDEL', KEYS[1], '\0' .. ARGV[2])
            end
            return 0
            """);

    /**
     * On one bucket; ARGV: now (unused), generation, then for each record: key, the whole stored
     * record ({@link RecordFormat}), expiration or ''. Stores each record as given, with its version and
     * timestamp, replacing what the key held (copying a database in). Returns 1 when the generation is
     * stale (nothing stored: the table was deleted since the caller read the catalog), else 0.
     */
    static final Script IMPORT = script("import", OPEN + """
            if not open_bucket(tonumber(ARGV[2])) then return 1 end
            for i = 3, #ARGV, 3 do
              redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
              if ARGV[i + 2] ~= '' then
                redis.call('ZADD', KEYS[2], ARGV[i + 2], ARGV[i])
              else
                redis.call('ZREM', KEYS[2], ARGV[i])
              end
            end
            return 0
            """);

    /** ARGV: now. Returns the time the scripts of this table use, in epoch milliseconds. */
    static final Script NOW = script("now", """
            return now_ms()
            """);

    private Scripts() {
    }

    private static Script script(String name, String body) {
        byte[] source = (COMMON + body).getBytes(StandardCharsets.UTF_8);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source);
            return new Script(name, source, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is not available", e);
        }
    }

    /**
     * Runs a script by its digest, or by its source when the server does not know the digest.
     *
     * @param commands where to run it
     * @param script the script
     * @param type the reply type
     * @param keys the table's keys
     * @param args the arguments
     * @param <T> the reply type
     * @return the reply
     */
    static <T> RedisFuture<T> send(RedisClusterAsyncCommands<byte[], byte[]> commands, Script script,
            ScriptOutputType type, byte[][] keys, byte[]... args) {
        return commands.evalsha(script.sha(), type, keys, args);
    }

    static <T> T run(RedisClusterCommands<byte[], byte[]> commands, Script script, ScriptOutputType type,
            byte[][] keys, byte[]... args) {
        try {
            return commands.evalsha(script.sha(), type, keys, args);
        } catch (RedisNoScriptException e) {
            return commands.eval(script.source(), type, keys, args);
        }
    }
}
