package dev.pikodb.redis;

/**
 * The scripts that list and unlist tables in the catalog ({@code {<prefix>}:tables}, see {@link KeySpace}) and
 * empty the buckets of a deleted table's generation. Each script's first argument is the clock argument of
 * {@link Scripts}.
 */
final class CatalogScripts {

    /** How many of its last drop marks a bucket remembers (see {@link #DROP}). */
    static final int REMEMBERED_MARKS = 8;

    /**
     * ARGV: now, dropped generation, change stream. Empties a bucket of a dropped generation: {@code UNLINK} (the
     * server frees the records in a background thread, so this is quick whatever the bucket holds),
     * then marks the bucket with a number between the dropped generation and the next one the table can
     * get (the unlisting raised the counter by 2, so neither number is ever a generation): dropped + 1
     * when a write of the dropped generation had landed in the bucket, dropped + 2 when none had. Writers
     * that still believe in the dropped generation are refused. Does nothing to a bucket already marked
     * or on a newer generation. With a change stream, the call that empties the bucket appends the
     * table's deletion to the bucket's stream (which stays, capped as always). Returns 1 when a write of
     * the dropped generation had landed in the bucket (whichever call emptied it), else 0: the deletion
     * that unlisted the table learns from it whether the table existed.
     *
     * <p>The mark is also kept, with the bucket's previous ones (the last {@value #REMEMBERED_MARKS},
     * newest first), in the entries hash's field {@code ""}, where no write changes it: the state's mark
     * is replaced by the next generation's first write. The deletion that unlisted the table can reach
     * a bucket after another call (a writer that found the deletion unfinished) emptied every bucket,
     * listed the table again and wrote into this one; it then finds its answer among the kept marks
     * instead of reading "not written" from a newer generation. Only a bucket that went through more
     * than {@value #REMEMBERED_MARKS} deletions during that one call would have lost the mark.
     */
    static final Scripts.Script DROP = Scripts.script("drop", Scripts.OPEN + """
            local dropped = tonumber(ARGV[2])
            local g, epoch, seq = bucket_state(redis.call('HGET', KEYS[1], ''))
            local marks = redis.call('HGET', KEYS[4], '') or ''
            if g and g > dropped then
              if g == dropped + 1 then return 1 end
              if g == dropped + 2 then return 0 end
              for m in string.gmatch(marks, '%d+') do
                m = tonumber(m)
                if m == dropped + 1 then return 1 end
                if m == dropped + 2 then return 0 end
              end
              return 0
            end
            local written = 0
            if g == dropped then written = 1 end
            redis.call('UNLINK', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
            local mark = dropped + 2 - written
            if ARGV[3] and ARGV[3] ~= '' then
              seq = seq + 1
              append(ARGV[3], seq, 't', '', dropped, 0, mark)
            end
            redis.call('HSET', KEYS[1], '', state(mark, 0, seq))
            sentinels()
            local kept, n = fmt(mark), 1
            for m in string.gmatch(marks, '%d+') do
              if n >= REMEMBERED_MARKS then break end
              kept = kept .. ' ' .. m
              n = n + 1
            end
            redis.call('HSET', KEYS[4], '', kept)
            return written
            """.replace("REMEMBERED_MARKS", Integer.toString(REMEMBERED_MARKS)));

    /**
     * On the catalog (KEYS[1]) and the stream of listed tables (KEYS[2]); ARGV: now, table, change
     * stream. Lists a table: returns {0, generation} when it is listed, {1, generation} when this call
     * listed it with a new generation (with a change stream, also appended to KEYS[2], so that readers
     * find every table listed, even one deleted before they list the catalog), {-1, generation} when a
     * deletion of it is still emptying its buckets (the caller finishes that first).
     */
    static final Scripts.Script LIST = Scripts.script("list", """
            local d = redis.call('HGET', KEYS[1], '\0' .. ARGV[2])
            if d then return {-1, tonumber(d)} end
            local g = redis.call('HGET', KEYS[1], ARGV[2])
            if g then return {0, tonumber(g)} end
            g = redis.call('HINCRBY', KEYS[1], '', 1)
            redis.call('HSET', KEYS[1], ARGV[2], g)
            if ARGV[3] and ARGV[3] ~= '' then
              local maxlen = string.match(ARGV[3], '^(%d+) ')
              redis.call('XADD', KEYS[2], 'MAXLEN', '~', maxlen, '*', 't', ARGV[2], 'g', fmt(g))
            end
            return {1, g}
            """);

    /**
     * On the catalog (KEYS[1]) and the table's index definitions (KEYS[2]); ARGV: now, table. Unlists a
     * table and notes its generation as being dropped, in one step, and removes its index definitions;
     * raises the generation counter by 2, so the marks {@link #DROP} leaves (dropped + 1 and + 2) are
     * never a generation of the table: returns {1, generation} for the one call that did it,
     * {0, generation} when a deletion is already emptying its buckets, {0, 0} when the table is not
     * listed.
     */
    static final Scripts.Script UNLIST = Scripts.script("unlist", """
            redis.call('DEL', KEYS[2])
            local g = redis.call('HGET', KEYS[1], ARGV[2])
            if not g then
              local d = redis.call('HGET', KEYS[1], '\0' .. ARGV[2])
              if d then return {0, tonumber(d)} end
              return {0, 0}
            end
            redis.call('HDEL', KEYS[1], ARGV[2])
            redis.call('HSET', KEYS[1], '\0' .. ARGV[2], g)
            redis.call('HINCRBY', KEYS[1], '', 2)
            return {1, tonumber(g)}
            """);

    /** On the catalog (KEYS[1]); ARGV: now, table, generation. Clears the note of a finished drop. */
    static final Scripts.Script DROPPED = Scripts.script("dropped", """
            if redis.call('HGET', KEYS[1], '\0' .. ARGV[2]) == ARGV[3] then
              redis.call('HDEL', KEYS[1], '\0' .. ARGV[2])
            end
            return 0
            """);

    private CatalogScripts() {
    }
}
