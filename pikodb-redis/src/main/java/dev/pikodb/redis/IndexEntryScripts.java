package dev.pikodb.redis;

/**
 * The bucket scripts that build and drop secondary indexes apart from record writes: adding the entries
 * of stored records (an index being built), raising a bucket's definitions epoch, and removing an index's
 * entries in steps. They run with the record scripts' shared functions ({@link Scripts#script}); each
 * script's first argument is the clock argument of {@link Scripts}.
 */
final class IndexEntryScripts {

    /**
     * ARGV: now, then per record: key, the record's stored bytes before its value, n, n members.
     * Adds the members to each record's entries when the record still is the one they were computed
     * from (same header: version, time, expiration, dictionary). Returns how many records it indexed.
     */
    static final Scripts.Script ADD_ENTRIES = Scripts.script("add_entries", """
            local i = 2
            local added = 0
            while i <= #ARGV do
              local key, header, n = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
              local rec = redis.call('HGET', KEYS[1], key)
              if rec and string.sub(rec, 1, #header) == header then
                local listed = redis.call('HGET', KEYS[4], key)
                local members, seen, fresh = {}, {}, {}
                if listed then
                  for _, m in ipairs(cmsgpack.unpack(listed)) do members[#members + 1] = m; seen[m] = true end
                end
                for j = i + 3, i + 2 + n do
                  if not seen[ARGV[j]] then
                    seen[ARGV[j]] = true
                    members[#members + 1] = ARGV[j]
                    fresh[#fresh + 1] = ARGV[j]
                  end
                end
                zadd_all(fresh)
                redis.call('HSET', KEYS[4], key, cmsgpack.pack(members))
                added = added + 1
              end
              i = i + 3 + n
            end
            return added
            """);

    /**
     * ARGV: now, epoch. Raises the bucket's definitions epoch: from then on it refuses writes computed
     * under older index definitions.
     */
    static final Scripts.Script EPOCH = Scripts.script("epoch", """
            local g, epoch, seq = bucket_state(redis.call('HGET', KEYS[1], ''))
            local wanted = tonumber(ARGV[2])
            if epoch < wanted then redis.call('HSET', KEYS[1], '', state(g, wanted, seq)) end
            return 0
            """);

    /** ARGV: now, min, max, count. Removes up to {@code count} index members in a lex range; returns how many. */
    static final Scripts.Script REMOVE_ENTRIES = Scripts.script("remove_entries", """
            local members = redis.call('ZRANGEBYLEX', KEYS[3], ARGV[2], ARGV[3], 'LIMIT', 0, tonumber(ARGV[4]))
            if #members > 0 then redis.call('ZREM', KEYS[3], unpack(members)) end
            return #members
            """);

    private IndexEntryScripts() {
    }
}
