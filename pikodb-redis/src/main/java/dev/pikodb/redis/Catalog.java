package dev.pikodb.redis;

import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The list of tables and their generations (see {@link KeySpace}): listing a table for its first
 * write, unlisting it for its deletion, and emptying a dropped generation's buckets. Each instance
 * remembers the generations it used; a bucket refuses a write of an older generation than its own, and
 * the writer then asks the catalog again ({@link #forget}), so this memory needs no round trip per
 * write and is never trusted for longer than a bucket agrees with it.
 */
final class Catalog {

    private static final Logger log = LoggerFactory.getLogger(Catalog.class);
    private static final int REMEMBERED = 100_000;

    private final KeySpace keys;
    /** The change stream argument of the scripts (see {@link Scripts}). */
    private final byte[] changeStream;
    private final Commands commands;
    private final Supplier<byte[]> now;
    private final Map<String, Long> generations = new ConcurrentHashMap<>();

    Catalog(KeySpace keys, Commands commands, Supplier<byte[]> now, byte[] changeStream) {
        this.changeStream = changeStream;
        this.keys = keys;
        this.commands = commands;
        this.now = now;
    }

    /**
     * The generation to write a table with, listing the table when it is not listed (after finishing a
     * deletion of it that is still emptying its buckets).
     */
    long generationForWrite(String table, String operation) {
        Long known = generations.get(table);
        if (known != null) {
            return known;
        }
        while (true) {
            boolean[] confirmed = {true};
            List<Object> reply = commands.onMaster(keys.catalogKey(), master -> {
                List<Object> listed = commands.command(() -> Scripts.run(master, CatalogScripts.LIST,
                        ScriptOutputType.MULTI, new byte[][] {keys.catalogKey(), keys.tablesStreamKey()}, now.get(),
                        utf8(table), changeStream));
                confirmed[0] = commands.replicasConfirm(master, "listing of table '" + table + "'");
                return listed;
            });
            long state = (Long) reply.get(0);
            long generation = (Long) reply.get(1);
            if (state >= 0) {
                // A listing the replicas did not confirm is not remembered: the next write lists the table
                // again (finding it listed) and waits for the replicas again.
                if (confirmed[0]) {
                    remember(table, generation);
                }
                return generation;
            }
            finishDrop(table, generation, operation);
        }
    }

    /**
     * The generation of a listed table, or null when it is not listed (without listing it). When the
     * table is not listed because a deletion of it is still emptying its buckets, that deletion is
     * finished first: the caller answers as if the table were gone (a conditional write fails), so no
     * read after that answer may find a record of the deleted generation in a bucket not emptied yet.
     */
    Long listedGeneration(String table, String operation) {
        Long known = generations.get(table);
        if (known != null) {
            return known;
        }
        Long generation = stored(table, operation);
        if (generation != null) {
            remember(table, generation);
        }
        return generation;
    }

    /** Forgets the generation of a table: a bucket said it is stale. */
    void forget(String table) {
        generations.remove(table);
    }

    /**
     * Whether a table is listed, asking the catalog; a deletion of it still emptying its buckets is
     * finished first, as for {@link #listedGeneration}.
     */
    boolean isListed(String table, String operation) {
        return stored(table, operation) != null;
    }

    /**
     * The listed tables, sorted; one command. The deletions still emptying buckets are finished first,
     * as for {@link #listedGeneration}: once a table is missing from the answer, no read finds its records.
     */
    List<String> list(String operation) {
        Map<byte[], byte[]> all = commands.command(() -> commands.sync().hgetall(keys.catalogKey()));
        dropNotes(all).forEach((table, generation) -> finishDrop(table, generation, operation));
        List<String> names = new ArrayList<>();
        for (byte[] field : all.keySet()) {
            if (field.length > 0 && field[0] != 0) {
                names.add(new String(field, StandardCharsets.UTF_8));
            }
        }
        names.sort(null);
        return names;
    }

    /**
     * The stored generation of a listed table, or null after finishing the deletion of it that is still
     * emptying its buckets, if any. Both fields are read with one {@code HMGET} of the catalog.
     */
    private Long stored(String table, String operation) {
        List<KeyValue<byte[], byte[]>> stored = commands.command(
                () -> commands.sync().hmget(keys.catalogKey(), utf8(table), utf8("\0" + table)));
        byte[] listed = stored.get(0).getValueOrElse(null);
        if (listed != null) {
            return generation(listed);
        }
        byte[] dropping = stored.get(1).getValueOrElse(null);
        if (dropping != null) {
            finishDrop(table, generation(dropping), operation);
        }
        return null;
    }

    /**
     * Deletes a table: unlists it, then empties its buckets. Returns true for the one call that unlisted
     * it, when a write of the dropped generation had landed in one of its buckets: a table listed by a
     * first write whose record was not stored yet did not exist, and that write, refused by the emptied
     * bucket, lists the table again after this deletion. A call that finds a deletion still emptying the
     * buckets helps finish it before returning false, so that after any deleteTable call returns, no
     * bucket holds the deleted records. The marks of the emptied buckets tell this call what another
     * call emptied first, also when the table was listed again and written before this call reached
     * them (a bucket keeps its last marks, see {@link CatalogScripts#DROP}).
     */
    boolean unlist(String table, String operation) {
        generations.remove(table);
        List<Object> reply = commands.change(keys.catalogKey(), operation, master -> commands.command(
                () -> Scripts.run(master, CatalogScripts.UNLIST, ScriptOutputType.MULTI,
                        new byte[][] {keys.catalogKey(), keys.indexesKey(table)}, now.get(),
                        utf8(table))));
        long generation = (Long) reply.get(1);
        boolean written = generation > 0 && finishDrop(table, generation, operation);
        return (Long) reply.get(0) == 1 && written;
    }

    /** Finishes the deletions that are still emptying buckets (left by a process that stopped midway). */
    int finishDrops(String operation) {
        Map<String, Long> notes = dropNotes(commands.command(() -> commands.sync().hgetall(keys.catalogKey())));
        notes.forEach((table, generation) -> {
            log.info("Finishing the deletion of table '{}' (generation {}) that another call left midway", table,
                    generation);
            finishDrop(table, generation, operation);
        });
        return notes.size();
    }

    /** The deletions still emptying buckets that the catalog's fields note: table, generation. */
    private static Map<String, Long> dropNotes(Map<byte[], byte[]> catalog) {
        Map<String, Long> notes = new TreeMap<>();
        for (Map.Entry<byte[], byte[]> entry : catalog.entrySet()) {
            byte[] field = entry.getKey();
            if (field.length > 1 && field[0] == 0) {
                notes.put(new String(field, 1, field.length - 1, StandardCharsets.UTF_8),
                        generation(entry.getValue()));
            }
        }
        return notes;
    }

    /**
     * Empties every bucket of a dropped generation, then clears the note; true when a write of that
     * generation had landed in one of them (see {@link CatalogScripts#DROP}).
     */
    private boolean finishDrop(String table, long generation, String operation) {
        byte[][][] buckets = keys.buckets(table);
        byte[] dropped = utf8(Long.toString(generation));
        boolean written = false;
        if (commands.waitsForReplicas()) {
            for (byte[][] bucket : buckets) {
                written |= commands.change(bucket[0], operation, master -> commands.command(
                        () -> Scripts.<Long>run(master, CatalogScripts.DROP, ScriptOutputType.INTEGER, bucket, now.get(),
                                dropped, changeStream))) == 1;
            }
        } else {
            for (long emptied : commands.fanOut(buckets.length,
                    b -> Scripts.<Long>send(commands.async(), CatalogScripts.DROP, ScriptOutputType.INTEGER, buckets[b],
                            now.get(), dropped, changeStream),
                    b -> Scripts.<Long>run(commands.sync(), CatalogScripts.DROP, ScriptOutputType.INTEGER, buckets[b],
                            now.get(), dropped, changeStream))) {
                written |= emptied == 1;
            }
        }
        commands.change(keys.catalogKey(), operation, master -> commands.command(
                () -> Scripts.<Long>run(master, CatalogScripts.DROPPED, ScriptOutputType.INTEGER, catalogKeys(), now.get(),
                        utf8(table), dropped)));
        return written;
    }

    private void remember(String table, long generation) {
        if (generations.size() >= REMEMBERED) {
            generations.clear();
        }
        generations.put(table, generation);
    }

    private byte[][] catalogKeys() {
        return new byte[][] {keys.catalogKey()};
    }

    /** A generation as the catalog stores it: decimal digits. */
    private static long generation(byte[] stored) {
        return Long.parseLong(new String(stored, StandardCharsets.US_ASCII));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
