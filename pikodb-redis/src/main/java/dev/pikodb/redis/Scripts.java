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
 * the sorted set of expirations, {@code KEYS[3]} the sorted set of index entries, {@code KEYS[4]} the
 * hash of each record's entries, {@code KEYS[5]} the stream of its changes; see {@link KeySpace} for
 * the layout; the field {@code ""} of the records hash holds the bucket's state: generation,
 * definitions epoch and change sequence number). A record's index entries are
 * computed by the caller (exactly, from the value's JSON, see {@link IndexDefinitions}) and handed to
 * the script that writes the record; every script that removes a record (delete, read or cleanup of
 * an expired one, overwrite) removes the entries listed for it in the same step, the catalog scripts the
 * catalog hash alone; every script takes, as {@code ARGV[1]}, the current time in epoch milliseconds,
 * or an empty string for "the server's {@code TIME}". Records are parsed only in their header
 * ({@code {"v":..,"t":..,"x":..}}, see {@link RecordFormat}); the value's JSON is never decoded.
 *
 * <p>The scripts that change records take a "change stream" argument: empty when the database keeps
 * no change stream, else {@code "<max length> <instance id>"}; then each change is appended, in the
 * same step, to the bucket's stream ({@code XADD ... MAXLEN ~}) as fields {@code s} (the stream's
 * sequence number, kept in the bucket's state, which the script raises in the same step), {@code e} (kind: {@code w} written, {@code d} deleted,
 * {@code x} expired, {@code t} table deleted), {@code k} (key), {@code p} (previous version, for
 * {@code t} the dropped generation), {@code v} (version), {@code o} (the instance) and {@code g} (the
 * bucket's generation when the change was made); see {@link ChangeStream}.
 *
 * <p>The scripts on a table's index definitions are in {@link DefinitionScripts}, those of queries
 * in {@link QueryScripts}, those that index a table's stored records or remove an index's entries in
 * {@link IndexEntryScripts}, those of the catalog and of table deletion in {@link CatalogScripts}.
 */
final class Scripts {

    /** A script's source and its SHA-1 digest. */
    record Script(String name, byte[] source, String sha) {
    }

    /** The clock and number formatting, which every script uses. */
    private static final String BASE = """
            if redis.replicate_commands then redis.replicate_commands() end
            local function now_ms()
              if ARGV[1] ~= '' then return tonumber(ARGV[1]) end
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            local function fmt(n) return string.format('%.0f', n) end
            """;

    /** A record's expiration, read from its header. */
    private static final String EXPIRY = """
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
            """;

    /** Adds index members, 500 per call. */
    private static final String ZADD_ALL = """
            local function zadd_all(members)
              for i = 1, #members, 500 do
                local args = {}
                for j = i, math.min(i + 499, #members) do args[#args + 1] = 0; args[#args + 1] = members[j] end
                redis.call('ZADD', KEYS[3], unpack(args))
              end
            end
            """;

    /** Removes a record's listed index entries (and the list): what a write that replaces them needs. */
    private static final String UNLIST_ENTRIES = """
            local function zrem_listed(listed)
              local members = cmsgpack.unpack(listed)
              for i = 1, #members, 500 do
                redis.call('ZREM', KEYS[3], unpack(members, i, math.min(i + 499, #members)))
              end
            end
            local function unlist(key)
              local listed = redis.call('HGET', KEYS[4], key)
              if listed then
                zrem_listed(listed)
                redis.call('HDEL', KEYS[4], key)
              end
            end
            """;

    /** Adding and removing a record's index entries. */
    private static final String ENTRIES_OF = ZADD_ALL + UNLIST_ENTRIES + """
            local function unindex(key)
              redis.call('ZREM', KEYS[3], '00000000:' .. key)
              unlist(key)
            end
            """;

    /**
     * The bucket's state, its records hash's field {@code ""}: {@code "<generation> <epoch> <sequence>"},
     * the last two left out while 0 (see {@link KeySpace}); a generation of 0 means none yet. And the
     * appending of one change to the bucket's change stream.
     */
    private static final String STATE = """
            local function bucket_state(f)
              if not f then return nil, 0, 0 end
              local g, e, n = string.match(f, '^(%d+) ?(%d*) ?(%d*)$')
              g = tonumber(g)
              if g == 0 then g = nil end
              return g, tonumber(e) or 0, tonumber(n) or 0
            end
            local function state(g, e, n)
              local text = fmt(g or 0)
              if e > 0 or n > 0 then text = text .. ' ' .. fmt(e) end
              if n > 0 then text = text .. ' ' .. fmt(n) end
              return text
            end
            local function append(spec, seq, kind, key, previous, version, gen)
              local maxlen, origin = string.match(spec, '^(%d+) (.*)$')
              redis.call('XADD', KEYS[5], 'MAXLEN', '~', maxlen, '*', 's', fmt(seq), 'e', kind, 'k', key,
                'p', fmt(previous), 'v', fmt(version), 'o', origin, 'g', fmt(gen or 0))
            end
            """;

    /**
     * Publishing from a script that removes records: the first change reads the bucket's state, and
     * {@code published()} stores its raised sequence number before the script returns.
     */
    private static final String PUBLISH = """
            local change = nil
            local function publish(spec, kind, key, previous, version)
              if spec == nil or spec == '' then return end
              if change == nil then
                local g, e, n = bucket_state(redis.call('HGET', KEYS[1], ''))
                change = {g, e, n}
              end
              change[3] = change[3] + 1
              append(spec, change[3], kind, key, previous, version, change[1])
            end
            local function published()
              if change ~= nil then redis.call('HSET', KEYS[1], '', state(change[1], change[2], change[3])) end
            end
            """;

    private static final String COMMON = BASE + EXPIRY + ENTRIES_OF + STATE + PUBLISH;

    /** Creates a bucket's other keys, each with its sentinel member (see {@link KeySpace}). */
    static final String OPEN = """
            local function sentinels()
              redis.call('ZADD', KEYS[2], 'inf', '')
              redis.call('ZADD', KEYS[3], 0, '')
              redis.call('HSET', KEYS[4], '', '')
            end
            """;

    /**
     * ARGV: key, json, generation, the write's timestamp, then, each left out when it and all after it
     * are at their defaults (a plain write sends these four alone): expiration ('' for none), expected
     * version (-1: none), definitions epoch (0), dictionary fragment (''), now ('' for the server's
     * {@code TIME}), change stream ('' for none, else "<max length> <instance>": see
     * {@link ChangeStream}); a write with secondary index members sends all ten, then the members.
     * KEYS: the bucket's first four keys, and its stream only with a change stream. Returns
     * one integer: the new version; 0 when the expected version did not match, -1 when the generation
     * is stale, -2 when the definitions epoch is (nothing changed in these three cases); and, when the
     * write replaced an expired record (its new version is then 1), {@code -2 - v} for that record's
     * version {@code v} (so -3 or less). An integer is the cheapest reply to make and to read.
     *
     * <p>The record's timestamp is {@code now} when given (a configured clock), else the server's
     * {@code TIME} when the script needs it anyway, else the timestamp argument: the caller's reckoning
     * of the server's time (see {@link ServerTime}). The server's clock is asked only when the old record
     * has an expiration, which is judged by it; a write over a record without one, or of a new key,
     * makes no {@code TIME} call.
     *
     * <p>The old record's index entries are replaced by the new ones, unless they are the same (a session
     * saved with the same principal changes no entry: one {@code HGET} reads the old list, which is
     * compared with the new one and, only when they differ, removed). The
     * bucket's state (generation, epoch, change sequence) and the old record are read with one
     * {@code HMGET} (a state that is the generation alone, as most are, is compared with the generation
     * argument as text, not parsed), and the record is stored with the state, when that changes, in one
     * {@code HSET}; an overwrite looks up the old record's listed entries only in a bucket that has seen
     * index definitions (epoch above 0), removes its expiration entry only when it had an expiration,
     * and keeps its key-index member (every record has one). An expiration entry's score is at or before
     * its record's expiration, not always equal to it: an overwrite that keeps or postpones the
     * expiration (a session renewed by each request) leaves the entry as it is, and {@link #CLEANUP},
     * finding the record still live when the entry falls due, scores it again with the record's
     * expiration; an earlier expiration is scored at once. A write that stores nothing
     * leaves the bucket as it was: a bucket holds a generation only once a write of it landed there
     * (see {@link CatalogScripts#DROP}). The script defines only the helpers it calls, and only on the path that
     * calls them: each argument and each step costs the server time on every write.
     */
    static final Script WRITE = compile("write", """
            local key, n = ARGV[1], #ARGV
            local x = ARGV[5] or ''
            local expected = n >= 6 and tonumber(ARGV[6]) or -1
            local wanted = n >= 7 and tonumber(ARGV[7]) or 0
            local dict = ARGV[8] or ''
            local stamp, now = ARGV[4], nil
            if n >= 9 and ARGV[9] ~= '' then
              stamp = ARGV[9]
              now = tonumber(stamp)
            end
            local spec = ARGV[10] or ''
            local got = redis.call('HMGET', KEYS[1], '', key)
            local f, old = got[1], got[2]
            local gen, g, epoch, seq = ARGV[3], ARGV[3], 0, 0
            if f ~= gen then
              gen = tonumber(gen)
              g = nil
              if f then
                local a, b, c = string.match(f, '^(%d+) ?(%d*) ?(%d*)$')
                g = tonumber(a)
                if g == 0 then g = nil end
                epoch = tonumber(b) or 0
                seq = tonumber(c) or 0
              end
              if g and gen < g then return -1 end
            end
            if epoch > wanted then return -2 end
            local current, removed, replaced, old_x = 0, 0, 0, nil
            if old then
              local v, ox = string.match(old, '^{"v":(%d+),"t":%-?%d+,"x":(%-?%d*)')
              v = tonumber(v)
              old_x = tonumber(ox)
              if old_x ~= nil then
                if now == nil then
                  local t = redis.call('TIME')
                  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
                  stamp = string.format('%.0f', now)
                end
                if now > old_x then removed = 1; replaced = v else current = v end
              else
                current = v
              end
            end
            if expected >= 0 and expected ~= current then return 0 end
            local changes = 0
            if spec ~= '' then changes = 1 + removed end
            if not g then
              redis.call('ZADD', KEYS[2], 'inf', '')
              redis.call('ZADD', KEYS[3], 0, '')
              redis.call('HSET', KEYS[4], '', '')
            end
            local version = current + 1
            local shown = x
            if x == '' then shown = 'null' end
            local rec = '{"v":' .. string.format('%.0f', version) .. ',"t":' .. stamp .. ',"x":' .. shown .. dict
              .. ',"d":' .. ARGV[2] .. '}'
            if g ~= gen or epoch < wanted or changes > 0 then
              if epoch < wanted then epoch = wanted end
              local state = ARGV[3]
              if epoch > 0 or seq + changes > 0 then state = state .. ' ' .. string.format('%.0f', epoch) end
              if seq + changes > 0 then state = state .. ' ' .. string.format('%.0f', seq + changes) end
              redis.call('HSET', KEYS[1], key, rec, '', state)
            else
              redis.call('HSET', KEYS[1], key, rec)
            end
            if x ~= '' then
              if old_x == nil or tonumber(x) < old_x then redis.call('ZADD', KEYS[2], x, key) end
            elseif old_x ~= nil then
              redis.call('ZREM', KEYS[2], key)
            end
            if n > 10 or (old and epoch > 0) then
            """ + ZADD_ALL + UNLIST_ENTRIES + """
              if n <= 10 then
                unlist(key)
              else
                local members = {}
                for i = 11, n do members[#members + 1] = ARGV[i] end
                local packed = cmsgpack.pack(members)
                local listed = old and redis.call('HGET', KEYS[4], key)
                if listed ~= packed then
                  if listed then zrem_listed(listed) end
                  zadd_all(members)
                  redis.call('HSET', KEYS[4], key, packed)
                end
              end
            end
            if not old then redis.call('ZADD', KEYS[3], 0, '00000000:' .. key) end
            if changes > 0 then
              local maxlen, origin = string.match(spec, '^(%d+) (.*)$')
              if removed == 1 then
                seq = seq + 1
                redis.call('XADD', KEYS[5], 'MAXLEN', '~', maxlen, '*', 's', string.format('%.0f', seq), 'e', 'x',
                  'k', key, 'p', string.format('%.0f', replaced), 'v', '0', 'o', origin, 'g', ARGV[3])
              end
              redis.call('XADD', KEYS[5], 'MAXLEN', '~', maxlen, '*', 's', string.format('%.0f', seq + 1), 'e', 'w',
                'k', key, 'p', string.format('%.0f', current), 'v', string.format('%.0f', version), 'o', origin,
                'g', ARGV[3])
            end
            if removed == 1 then return -2 - replaced end
            return version
            """);

    /**
     * ARGV: now, key, change stream. Returns nil when missing, the record's version (a number) when it
     * was expired (and is now removed), the record.
     */
    static final Script READ = script("read", """
            local rec = redis.call('HGET', KEYS[1], ARGV[2])
            if not rec then return false end
            if expired(rec, nil) then
              redis.call('HDEL', KEYS[1], ARGV[2])
              redis.call('ZREM', KEYS[2], ARGV[2])
              unindex(ARGV[2])
              local v = tonumber(string.match(rec, '^{"v":(%d+)'))
              publish(ARGV[3], 'x', ARGV[2], v, 0)
              published()
              return v
            end
            return rec
            """);

    /**
     * ARGV: now, key, change stream. Returns {0, 0} when missing, {1, version} when a live record was removed,
     * {2, version} when an expired one was. The bucket's keys stay (their sentinels remain).
     */
    static final Script DELETE = script("delete", """
            local rec = redis.call('HGET', KEYS[1], ARGV[2])
            if not rec then return {0, 0} end
            redis.call('HDEL', KEYS[1], ARGV[2])
            redis.call('ZREM', KEYS[2], ARGV[2])
            unindex(ARGV[2])
            local v = tonumber(string.match(rec, '^{"v":(%d+)'))
            if expired(rec, nil) then
              publish(ARGV[3], 'x', ARGV[2], v, 0)
              published()
              return {2, v}
            end
            publish(ARGV[3], 'd', ARGV[2], v, 0)
            published()
            return {1, v}
            """);

    /**
     * ARGV: now, limit, change stream. Removes up to {@code limit} expired records of the bucket, and
     * scores each due expiration entry whose record turns out live (postponed since, see {@link #WRITE})
     * with the record's expiration; returns {removed,
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
                unindex(key)
                removed = removed + 1
                gone[#gone + 1] = key
                gone[#gone + 1] = tonumber(string.match(rec, '^{"v":(%d+)'))
                publish(ARGV[3], 'x', key, gone[#gone], 0)
              else
                local x = expiration(rec)
                if x then redis.call('ZADD', KEYS[2], x, key) else redis.call('ZREM', KEYS[2], key) end
              end
            end
            published()
            local more = 0
            if #due == limit then more = 1 end
            local left = redis.call('HLEN', KEYS[1])
            if left > 0 then left = left - 1 end
            local reply = {removed, more, left}
            for _, item in ipairs(gone) do reply[#reply + 1] = item end
            return reply
            """);

    /**
     * On one bucket; ARGV: now (unused), generation, definitions epoch, then for each record: key, the
     * whole stored record ({@link RecordFormat}), expiration or '', n, and its n secondary index
     * members. Stores each record as given, with its version and timestamp, replacing what the key held
     * and its index entries (copying a database in). Returns 1 when the generation is stale, 2 when the
     * epoch is (nothing stored: the caller reads the catalog or the definitions again), else 0.
     */
    static final Script IMPORT = script("import", OPEN + """
            local gen, wanted = tonumber(ARGV[2]), tonumber(ARGV[3])
            local g, epoch, seq = bucket_state(redis.call('HGET', KEYS[1], ''))
            if g and gen < g then return 1 end
            if epoch > wanted then return 2 end
            if not g then sentinels() end
            if g ~= gen or epoch < wanted then
              if epoch < wanted then epoch = wanted end
              redis.call('HSET', KEYS[1], '', state(gen, epoch, seq))
            end
            local i = 4
            while i <= #ARGV do
              local key, n = ARGV[i], tonumber(ARGV[i + 3])
              redis.call('HSET', KEYS[1], key, ARGV[i + 1])
              if ARGV[i + 2] ~= '' then
                redis.call('ZADD', KEYS[2], ARGV[i + 2], key)
              else
                redis.call('ZREM', KEYS[2], key)
              end
              unindex(key)
              local members = {'00000000:' .. key}
              for j = i + 4, i + 3 + n do members[#members + 1] = ARGV[j] end
              zadd_all(members)
              if n > 0 then
                table.remove(members, 1)
                redis.call('HSET', KEYS[4], key, cmsgpack.pack(members))
              end
              i = i + 4 + n
            end
            return 0
            """);

    /** ARGV: now. Returns the time the scripts of this table use, in epoch milliseconds. */
    static final Script NOW = script("now", """
            return now_ms()
            """);

    private Scripts() {
    }

    /** A script with the functions every record script shares ({@code now_ms}, {@code expired}, ...). */
    static Script script(String name, String body) {
        return compile(name, COMMON + body);
    }

    /** A script of exactly this text. */
    static Script compile(String name, String text) {
        byte[] source = text.getBytes(StandardCharsets.UTF_8);
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
