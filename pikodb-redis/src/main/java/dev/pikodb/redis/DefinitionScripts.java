package dev.pikodb.redis;

/**
 * The scripts on a table's index definitions hash ({@code {<prefix>}:indexes:<table>}, see {@link KeySpace}):
 * defining an index with a new id and epoch, marking it ready once built, noting that a record has
 * several values at its path, and removing it. A definition is {@code "<id> <state> <path>"}; the
 * states are {@code b} (being built), {@code s} (ready, no record ever had several values at the path),
 * and {@code B} and {@code r}, the same two once such a record was noted. The field {@code ""} holds
 * the definitions epoch. Each script's first argument is the clock argument of {@link Scripts}.
 */
final class DefinitionScripts {

    /**
     * On the catalog (KEYS[1]) and a table's index definitions (KEYS[2]); ARGV: now, name, path.
     * Defines an index, being built, with a new id that is also the new definitions epoch: returns
     * {1, definition, epoch}; or {0, the existing definition, the current epoch} when the name is taken.
     */
    static final Scripts.Script DEFINE = Scripts.script("define", """
            local cur = redis.call('HGET', KEYS[2], ARGV[2])
            if cur then return {0, cur, tonumber(redis.call('HGET', KEYS[2], '') or '0')} end
            local id = redis.call('HINCRBY', KEYS[1], '', 1)
            local def = fmt(id) .. ' b ' .. ARGV[3]
            redis.call('HSET', KEYS[2], ARGV[2], def, '', fmt(id))
            return {1, def, id}
            """);

    /**
     * On a table's index definitions (KEYS[1]); ARGV: now, name, definition. Marks a built index ready
     * when the name still holds that index (same id and path) being built: {@code s} when no record
     * was marked as having several values at its path ({@code b}), else {@code r} ({@code B}).
     */
    static final Scripts.Script READY = Scripts.script("ready", """
            local cur = redis.call('HGET', KEYS[1], ARGV[2])
            if not cur then return 0 end
            local id, state, path = string.match(cur, '^(%d+) ([bB]) (.*)$')
            local built, builtPath = string.match(ARGV[3], '^(%d+) [bB] (.*)$')
            if id and id == built and path == builtPath then
              redis.call('HSET', KEYS[1], ARGV[2], id .. (state == 'b' and ' s ' or ' r ') .. path)
              return 1
            end
            return 0
            """);

    /**
     * On a table's index definitions (KEYS[1]); ARGV: now, name, id. Notes that a record has several
     * values at the index's path: {@code b} becomes {@code B}, {@code s} becomes {@code r} (a query
     * then checks each bucket's entry count, see {@link QueryScripts#MEMBERS}). Returns 1 when the name
     * holds that index, else 0 (dropped meanwhile).
     */
    static final Scripts.Script SEVERAL = Scripts.script("several", """
            local cur = redis.call('HGET', KEYS[1], ARGV[2])
            if not cur then return 0 end
            local id, state, path = string.match(cur, '^(%d+) (%a) (.*)$')
            if id ~= ARGV[3] then return 0 end
            if state == 'b' then
              redis.call('HSET', KEYS[1], ARGV[2], id .. ' B ' .. path)
            elseif state == 's' then
              redis.call('HSET', KEYS[1], ARGV[2], id .. ' r ' .. path)
            end
            return 1
            """);

    /**
     * On the catalog (KEYS[1]) and a table's index definitions (KEYS[2]); ARGV: now, name. Removes a
     * definition and raises the epoch: returns {1, definition, epoch}, or {0} when there was none.
     */
    static final Scripts.Script UNDEFINE = Scripts.script("undefine", """
            local cur = redis.call('HGET', KEYS[2], ARGV[2])
            if not cur then return {0} end
            local epoch = redis.call('HINCRBY', KEYS[1], '', 1)
            redis.call('HDEL', KEYS[2], ARGV[2])
            redis.call('HSET', KEYS[2], '', fmt(epoch))
            return {1, cur, epoch}
            """);

    private DefinitionScripts() {
    }
}
