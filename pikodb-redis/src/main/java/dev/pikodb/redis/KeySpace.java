package dev.pikodb.redis;

import io.lettuce.core.cluster.SlotHash;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The Redis keys of one database (one key prefix).
 *
 * <p><b>Database keys</b>, under the tag {@code {<prefix>}} (one slot for all of them):
 * <ul>
 * <li>{@code {<prefix>}:catalog} – a hash: table name to the table's current generation; the field
 *     {@code ""} is the counter that numbers generations (across all tables), and a field
 *     {@code "\0" + name} notes the generation a table deletion is still emptying the buckets of
 *     (table names are non-empty and hold no NUL). One key, so the catalog scripts are single-key;</li>
 * <li>{@code {<prefix>}:dictionaries} – a hash: dictionary name to its deflate mapping as JSON;</li>
 * <li>{@code {<prefix>}:cleanup} – the lease of the instance that runs the shared cleanup;</li>
 * <li>{@code {<prefix>}:tables} – with a change stream, a stream of the tables as they are listed
 *     (fields {@code t} the table, {@code g} its generation), appended by the script that lists one
 *     and capped as the change streams are: the readers of the change streams find every table in it,
 *     also one listed and deleted between two of their rounds;</li>
 * <li>{@code {<prefix>}:readers:<escaped instance id>} – with a change stream and a configured
 *     instance id, a hash of where that instance's reader stands in each stream (see
 *     {@link ReaderPositions}), so that it resumes there after a restart.</li>
 * </ul>
 *
 * <p><b>Buckets.</b> A table's records are spread over {@value #BUCKETS} buckets by a hash of the
 * record key. Bucket {@code b} of table {@code T} has its own hash tag
 * {@code {<prefix>:<escaped T>:<b>.<salt>}}, whose salt (the smallest number that does it) puts the
 * tag's slot in the {@code b}-th sixteenth of the 16384 slots: a table's buckets sit in 16 evenly
 * spread slots, so a table with more than a handful of records has records on every master of any
 * cluster whose masters serve contiguous ranges (as {@code redis-cli --cluster create} assigns them).
 * Every per-record script touches one bucket: one slot, atomic. A bucket's keys:
 * <ul>
 * <li>{@code <tag>:r} – a hash: field = record key, value = the record; the field {@code ""} (never
 *     a record key: keys are non-empty) holds the bucket's state, {@code "<generation> <epoch>
 *     <sequence>"}: its generation (0 while no write has stored a record), the definitions epoch it
 *     has seen (a write computed under an older set of index definitions is refused and redone), and
 *     the sequence number of the last entry of its change stream; the last two are left out while 0.
 *     One field, so a write reads all three and the record it replaces with one {@code HMGET}, and
 *     stores them with the record in one {@code HSET};</li>
 * <li>{@code <tag>:x} – a sorted set of the bucket's expiring keys, each scored at or before its
 *     record's expiration (an overwrite that postpones it leaves the score, which the cleanup corrects
 *     when it falls due; see {@link Scripts#WRITE}), plus the member {@code ""} scored {@code +inf}
 *     (never due);</li>
 * <li>{@code <tag>:i} – a sorted set (all scores 0) of the bucket's index entries, in byte order
 *     ({@code ZRANGEBYLEX}): for every record of the bucket its key-index member and one member per
 *     value per secondary index (see {@link IndexCodec}), plus the sentinel member {@code ""};</li>
 * <li>{@code <tag>:e} – a hash: field = record key, value = the record's secondary index members
 *     (a MessagePack array), so the script that overwrites, deletes or expires the record removes
 *     exactly them; the field {@code ""} is its sentinel: empty, or, once the bucket was emptied by a
 *     table deletion, the marks of its last deletions (see {@link CatalogScripts#DROP});</li>
 * <li>{@code <tag>:c} – with a change stream ({@link RedisStorage.Builder#changeStream}), a stream of
 *     the bucket's changes, appended by the script that makes each change and capped at the configured
 *     length (see {@link ChangeStream}); it is created by the first change published, and a table
 *     deletion appends to it instead of removing it (so the readers' positions go on; its sequence
 *     numbers go on in the records hash's state, which the deletion carries over).</li>
 * </ul>
 * The keys are created together, by the first write into the bucket, and are never removed
 * separately: a bucket's keys all exist or none does, so while its slot migrates a script naming them
 * meets a half-moved bucket only between two {@code MIGRATE} batches ({@code TRYAGAIN}, retried), never
 * for the whole migration (an index created on a table with empty buckets creates their {@code r}
 * hash alone, to hold the epoch in its state, with generation 0).
 *
 * <p><b>Index definitions</b> of table {@code T}: {@code {<prefix>}:indexes:<escaped T>}, a hash
 * under the catalog's tag: field = index name, value = {@code "<id> <state> <path>"} (state
 * {@code b} while the existing records are being indexed, {@code s} when ready; {@code B} and
 * {@code r} once a record had several values at the path, see {@link IndexDefinitions}); the field
 * {@code ""} holds the definitions epoch. Index ids and epochs come from the catalog's counter, so
 * they are never reused; deleting the table removes the hash in the script that unlists it.
 *
 * <p><b>Generations.</b> A table's name is bound in the catalog to a generation, a number from the
 * counter, when its first write lists it. Each bucket's {@code ""} field says which generation its
 * records belong to; a write names the generation it believes current, and the bucket refuses one
 * older than its own (the writer re-reads the catalog), so an instance that has not heard of a
 * deletion never writes into a deleted table. Deleting a table removes it from the catalog and notes
 * it as being dropped in one script (the instant of the deletion), then empties each bucket with
 * {@code UNLINK} (the server frees the memory in the background) and marks it with the dropped
 * generation + 1 when a write of that generation had been stored in it, + 2 when none had (the
 * unlisting raised the counter by 2, so neither mark is ever a generation), then clears the note. A
 * bucket takes a generation only from a write that stores a record, so the deletion that unlisted the
 * table learns from the marks whether the table existed (a first write that had listed it but not yet
 * stored its record is refused and lists the table again). A table is not listed again while a note
 * stands: the first writer finishes the emptying first, so a listed table's buckets hold only its
 * current generation's records.
 *
 * <p><b>Escaping.</b> In a table name, the bytes {@code %}, <code>{</code>, <code>}</code> and
 * {@code :} are written as {@code %XX} (their UTF-8 code in hex). An escaped name thus contains no
 * brace (it cannot end a hash tag early) and no colon, so the last two colons inside a tag separate
 * the prefix, the table and the bucket: two different (prefix, table, bucket) triples never give the
 * same key, and a bucket key never equals a database key (their suffixes differ; the key prefix may
 * not contain a brace).
 */
final class KeySpace {

    /** Buckets per table: part of the layout, fixed. */
    static final int BUCKETS = 16;
    private static final int SLOTS = 16384;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final String prefix;
    private final byte[] catalog;
    private final byte[] dictionaries;
    private final byte[] cleanupLease;
    private final byte[] tablesStream;
    private final ConcurrentMap<String, byte[][][]> buckets = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, byte[][][]> withoutStream = new ConcurrentHashMap<>();

    KeySpace(String prefix) {
        this.prefix = prefix;
        this.catalog = bytes("{" + prefix + "}:catalog");
        this.dictionaries = bytes("{" + prefix + "}:dictionaries");
        this.cleanupLease = bytes("{" + prefix + "}:cleanup");
        this.tablesStream = bytes("{" + prefix + "}:tables");
    }

    /**
     * Checks a key prefix.
     *
     * @param prefix the prefix
     * @throws IllegalArgumentException when it is empty or holds a brace
     */
    static void checkPrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException("keyPrefix must be a non-empty string, e.g. \"pikodb\"");
        }
        if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
            throw new IllegalArgumentException("keyPrefix '" + prefix + "' must not contain '{' or '}': "
                    + "PikoDB puts the prefix inside Redis Cluster hash tags");
        }
    }

    String prefix() {
        return prefix;
    }

    byte[] catalogKey() {
        return catalog;
    }

    /** The hash of dictionaries kept with the data. */
    byte[] dictionariesKey() {
        return dictionaries;
    }

    /** The hash of a table's index definitions (under the catalog's tag, see the class comment). */
    byte[] indexesKey(String table) {
        return bytes("{" + prefix + "}:indexes:" + escape(table));
    }

    /** With a change stream, the stream of tables as they are listed (see the class comment). */
    byte[] tablesStreamKey() {
        return tablesStream;
    }

    /** With a change stream, where the reader of the instance with this configured id stands. */
    byte[] readerPositionsKey(String instance) {
        return bytes("{" + prefix + "}:readers:" + escape(instance));
    }

    /** The lease of the shared cleanup. */
    byte[] cleanupLeaseKey() {
        return cleanupLease;
    }

    /**
     * The bucket a record key belongs to.
     *
     * @param key the record key
     * @return 0 to {@value #BUCKETS} - 1
     */
    static int bucketOf(String key) {
        int h = key.hashCode();
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return Math.floorMod(h, BUCKETS);
    }

    /**
     * The keys of one bucket of a table, in the order the scripts take them: the records hash, the
     * sorted set of expirations, the sorted set of index entries, the hash of each record's entries,
     * the stream of changes.
     *
     * @param table a valid table name
     * @param bucket the bucket
     * @return the five keys
     */
    byte[][] bucket(String table, int bucket) {
        return buckets(table)[bucket];
    }

    /**
     * The first four keys of one bucket of a table, without its stream: what the write script takes
     * when the database keeps no change stream.
     *
     * @param table a valid table name
     * @param bucket the bucket
     * @return the four keys
     */
    byte[][] bucketWithoutStream(String table, int bucket) {
        byte[][][] known = withoutStream.get(table);
        if (known == null) {
            if (withoutStream.size() > 100_000) {
                withoutStream.clear();
            }
            byte[][][] all = buckets(table);
            known = new byte[BUCKETS][][];
            for (int b = 0; b < BUCKETS; b++) {
                known[b] = java.util.Arrays.copyOf(all[b], 4);
            }
            withoutStream.put(table, known);
        }
        return known[bucket];
    }

    /** The keys of every bucket of a table, indexed by bucket (computed once per table). */
    byte[][][] buckets(String table) {
        byte[][][] known = buckets.get(table);
        if (known != null) {
            return known;
        }
        if (buckets.size() > 100_000) {
            buckets.clear();
        }
        byte[][][] computed = new byte[BUCKETS][][];
        String base = prefix + ":" + escape(table) + ":";
        int rotation = Math.floorMod(table.hashCode(), BUCKETS);
        for (int b = 0; b < BUCKETS; b++) {
            computed[b] = keysOf("{" + tagIn(base, b, (b + rotation) % BUCKETS) + "}");
        }
        buckets.put(table, computed);
        return computed;
    }

    /** The tag of a bucket: the first salt whose slot lies in the given share of the slots. */
    private static String tagIn(String base, int bucket, int share) {
        int low = SLOTS * share / BUCKETS;
        int high = SLOTS * (share + 1) / BUCKETS;
        for (int salt = 0; ; salt++) {
            String tag = base + bucket + "." + salt;
            int slot = SlotHash.getSlot(bytes(tag));
            if (slot >= low && slot < high) {
                return tag;
            }
        }
    }

    private static byte[][] keysOf(String tag) {
        return new byte[][] {bytes(tag + ":r"), bytes(tag + ":x"), bytes(tag + ":i"), bytes(tag + ":e"),
            bytes(tag + ":c")};
    }

    /**
     * Escapes a table name for use inside a hash tag (see the class comment).
     *
     * @param table the table name
     * @return the escaped name
     */
    static String escape(String table) {
        byte[] utf8 = bytes(table);
        ByteArrayOutputStream out = new ByteArrayOutputStream(utf8.length + 8);
        for (byte b : utf8) {
            if (b == '%' || b == '{' || b == '}' || b == ':') {
                out.write('%');
                out.write(HEX[(b >> 4) & 0xF]);
                out.write(HEX[b & 0xF]);
            } else {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
