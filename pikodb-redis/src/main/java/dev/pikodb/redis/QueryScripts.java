package dev.pikodb.redis;

/**
 * The scripts queries run on one bucket's keys (see {@link Scripts} for the keys, the clock argument
 * and the change stream argument): reading index members with the bucket's entry count checked, and
 * reading records by key, judging each one's expiry on the server.
 *
 * <p>An expired record {@link #RECORDS} meets is removed with its index entries (and its removal appended to
 * the bucket's change stream), and given in the reply as {@code 'x' .. version}; a missing record as
 * an empty string.
 */
final class QueryScripts {

    /** A record by key, judged live on the server's clock (or the given one), an expired one removed. */
    private static final String LIVE = """
            local function live(key, now)
              local rec = redis.call('HGET', KEYS[1], key)
              if not rec then return '' end
              if expired(rec, now) then
                redis.call('HDEL', KEYS[1], key)
                redis.call('ZREM', KEYS[2], key)
                unindex(key)
                local v = string.match(rec, '^{"v":(%d+)')
                publish(ARGV[2], 'x', key, tonumber(v), 0)
                return 'x' .. v
              end
              return rec
            end
            """;

    /**
     * ARGV: min, max, count, '1' for descending, and optionally an index's id prefix
     * ({@code "0000002a:"}). Reads up to {@code count} index members of the bucket in a lex range, and
     * no record: returns {member, ...}. With the fifth argument the reply ends with one more element, 1
     * when the bucket holds as many entries of that index as records (each record has one value at its
     * path, or none), else 0: a {@code ZLEXCOUNT}, O(log n), against {@code HLEN} (the bucket's state
     * field {@code ""} left out). Reads only, with no clock: expiry is judged when the records are read.
     */
    static final Scripts.Script MEMBERS = Scripts.compile("members", """
            local members
            if ARGV[4] == '1' then
              members = redis.call('ZREVRANGEBYLEX', KEYS[3], ARGV[2], ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
            else
              members = redis.call('ZRANGEBYLEX', KEYS[3], ARGV[1], ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
            end
            if ARGV[5] then
              local entries = redis.call('ZLEXCOUNT', KEYS[3], '[' .. ARGV[5], '(' .. ARGV[5] .. '\\255')
              local records = redis.call('HLEN', KEYS[1])
              if records > 0 then records = records - 1 end
              if entries == records then members[#members + 1] = 1 else members[#members + 1] = 0 end
            end
            return members
            """);

    /**
     * ARGV: now, change stream ('' when off), then keys. Returns, for each key in turn, its live record,
     * '' when missing, or 'x' .. version when it was expired (and is now removed).
     */
    static final Scripts.Script RECORDS = Scripts.script("records", LIVE + """
            local now = now_ms()
            local reply = {}
            for i = 3, #ARGV do reply[#reply + 1] = live(ARGV[i], now) end
            published()
            return reply
            """);

    private QueryScripts() {
    }
}
