package dev.pikodb.redis;

import dev.pikodb.Dictionary;
import dev.pikodb.spi.EngineRecord;
import dev.pikodb.spi.IndexValue;
import dev.pikodb.spi.IndexedValues;
import io.lettuce.core.MapScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A table's secondary index definitions, kept with the data ({@code {<prefix>}:indexes:<table>}, see
 * {@link KeySpace}), and the index entries of records, computed here in Java from the value's JSON
 * with {@link IndexedValues} (exact decimals: 2<sup>53</sup> and 2<sup>53</sup>+1 stay apart, which Lua's
 * doubles could not promise) and handed to the write script.
 *
 * <p><b>Epochs.</b> Every definition change takes a new number from the catalog's counter, the
 * definitions epoch. A writer caches the definitions with their epoch and sends the epoch with each
 * write; a bucket remembers the newest epoch it has seen and refuses a write computed under an older
 * one (the writer reloads the definitions and writes again). Creating or dropping an index first
 * raises every bucket of the table to the new epoch, so after that step no write in any instance
 * misses a new index or adds entries to a dropped one.
 *
 * <p><b>Creating</b> an index: define it (state "building"), raise the buckets' epoch, then index the
 * records already stored, bucket by bucket with {@code HSCAN} slices of {@value TableScan#SCAN_COUNT}
 * (each slice's entries added by one script that skips records rewritten meanwhile, whose writes
 * added their own entries), then mark it ready. Queries use ready indexes only. A call that finds the
 * index still building (another instance, or a call that failed midway) builds it again: adding an
 * entry twice changes nothing. <b>Dropping</b>: remove the definition, raise the epoch, then remove
 * the index's members from each bucket in steps of {@value #STEP}.
 *
 * <p><b>Several values.</b> A definition also notes whether a record ever had several values at the
 * index's path (an array): the state is {@code b} (building) or {@code s} (ready) while none had,
 * {@code B} or {@code r} once one had. Whoever computes such a record's entries (a write, an import,
 * the build) notes it with {@link Scripts#SEVERAL} before the entries are stored, so a query that
 * reads the definitions after a record was stored sees the note. The note stays until the index is
 * dropped; an index made ready before the note existed reads {@code r}. A sorted range with a limit
 * on an index in state {@code s} walks the range as a plain walk does; in state {@code r} it checks
 * each bucket's entry count first (see {@code RedisQueries}).
 */
final class IndexDefinitions {

    private static final Logger log = LoggerFactory.getLogger(IndexDefinitions.class);
    static final int STEP = 1000;

    /**
     * One index: its id (the prefix of its members), path and state: whether it is ready, and whether
     * every record has had at most one value at its path ({@code singleValued}: no record with several
     * values was noted, see the class comment).
     */
    record Index(String name, long id, String path, boolean ready, boolean singleValued, String stored) {
        byte[] idBytes() {
            return IndexCodec.id(id);
        }
    }

    /** A table's definitions at one epoch. */
    record Definitions(long epoch, List<Index> indexes) {
        Index onPath(String path) {
            for (Index index : indexes) {
                if (index.ready && index.path.equals(path)) {
                    return index;
                }
            }
            return null;
        }
    }

    private final KeySpace keys;
    private final Commands commands;
    private final Supplier<byte[]> now;
    private final Function<String, Dictionary> dictionaries;
    private final Map<String, Definitions> cached = new ConcurrentHashMap<>();

    IndexDefinitions(KeySpace keys, Commands commands, Supplier<byte[]> now, Function<String, Dictionary> dictionaries) {
        this.keys = keys;
        this.commands = commands;
        this.now = now;
        this.dictionaries = dictionaries;
    }

    /** The definitions a write uses: cached, read once per table and epoch change. */
    Definitions forWrite(String table) {
        Definitions known = cached.get(table);
        if (known != null) {
            return known;
        }
        Definitions loaded = load(table);
        if (cached.size() > 100_000) {
            cached.clear();
        }
        cached.put(table, loaded);
        return loaded;
    }

    /** Forgets the cached definitions of a table (a bucket refused their epoch, or the table changed). */
    void forget(String table) {
        cached.remove(table);
    }

    /** Reads the definitions from the server (one command). */
    Definitions load(String table) {
        return parse(commands.command(() -> commands.sync().hgetall(keys.indexesKey(table))));
    }

    /** The definitions as the table's definitions hash holds them. */
    static Definitions parse(Map<byte[], byte[]> stored) {
        long epoch = 0;
        List<Index> indexes = new ArrayList<>();
        for (Map.Entry<byte[], byte[]> entry : stored.entrySet()) {
            String value = utf8(entry.getValue());
            if (entry.getKey().length == 0) {
                epoch = Long.parseLong(value);
            } else {
                indexes.add(parse(utf8(entry.getKey()), value));
            }
        }
        indexes.sort((a, b) -> a.name.compareTo(b.name));
        return new Definitions(epoch, List.copyOf(indexes));
    }

    private static Index parse(String name, String stored) {
        int first = stored.indexOf(' ');
        long id = Long.parseLong(stored.substring(0, first));
        char state = stored.charAt(first + 1);
        boolean ready = state == 'r' || state == 's';
        boolean singleValued = state == 's' || state == 'b';
        return new Index(name, id, stored.substring(first + 3), ready, singleValued, stored);
    }

    /** The ready indexes, name to path. */
    Map<String, String> ready(String table) {
        Map<String, String> ready = new TreeMap<>();
        for (Index index : load(table).indexes) {
            if (index.ready) {
                ready.put(index.name, index.path);
            }
        }
        return ready;
    }

    /**
     * The secondary index members of a record under the given definitions: for every index (building
     * ones too), one member per value at its path, or its "absent" member when there is none. A record
     * with several values at the path of an index not yet noted as having such records is noted first
     * ({@link #noteSeveralValues}), before the caller stores the members.
     */
    byte[][] members(String table, Definitions definitions, String key, EngineRecord record) {
        if (definitions.indexes.isEmpty()) {
            return new byte[0][];
        }
        List<byte[]> members = new ArrayList<>();
        for (Index index : definitions.indexes) {
            if (addMembers(index, key, record, members) > 1 && index.singleValued) {
                noteSeveralValues(table, index);
            }
        }
        return members.toArray(new byte[0][]);
    }

    /** Adds a record's members of one index; returns how many values the record has at its path. */
    private int addMembers(Index index, String key, EngineRecord record, List<byte[]> into) {
        Set<IndexValue> values = valuesAt(record, index.path);
        byte[] id = index.idBytes();
        if (values.isEmpty()) {
            into.add(IndexCodec.member(id, new byte[] {IndexCodec.ABSENT}, key));
            return 0;
        }
        for (IndexValue value : values) {
            into.add(IndexCodec.member(id, IndexCodec.value(value), key));
        }
        return values.size();
    }

    /**
     * Notes in the definitions that a record has several values at an index's path ({@link
     * Scripts#SEVERAL}), and forgets the cached definitions so that the next write reads the note.
     * Nothing is noted when the index was dropped meanwhile (the write is then refused by its epoch).
     */
    private void noteSeveralValues(String table, Index index) {
        byte[] definitionsKey = keys.indexesKey(table);
        commands.change(definitionsKey, "noting that a record of table '" + table + "' has several values at \""
                + index.path + "\" (index '" + index.name + "')", master -> commands.command(
                        () -> Scripts.<Long>run(master, DefinitionScripts.SEVERAL, ScriptOutputType.INTEGER,
                                new byte[][] {definitionsKey}, now.get(), bytes(index.name),
                                bytes(Long.toString(index.id)))));
        forget(table);
    }

    /** A record's values at a path, with its dictionary looked up (dictionaries are invisible). */
    Set<IndexValue> valuesAt(EngineRecord record, String path) {
        String dictionaryName = record.dictionaryName();
        Dictionary dictionary = dictionaryName == null ? null : dictionaries.apply(dictionaryName);
        return IndexedValues.at(record, path, dictionary);
    }

    /** Creates an index and indexes the stored records (see the class comment). */
    void create(String table, String name, String path, String operation) {
        byte[] definitionsKey = keys.indexesKey(table);
        List<Object> reply = commands.change(keys.catalogKey(), operation, master -> commands.command(
                () -> Scripts.run(master, DefinitionScripts.DEFINE, ScriptOutputType.MULTI,
                        new byte[][] {keys.catalogKey(), definitionsKey}, now.get(), bytes(name), bytes(path))));
        Index index = parse(name, utf8((byte[]) reply.get(1)));
        long epoch = (Long) reply.get(2);
        if (!index.path.equals(path)) {
            throw new IllegalArgumentException("Table '" + table + "' already has an index named '" + name
                    + "' on \"" + index.path + "\", not on \"" + path + "\"; drop it with dropIndex(\"" + table
                    + "\", \"" + name + "\") first, or choose another name");
        }
        forget(table);
        if (index.ready) {
            return;
        }
        raiseEpoch(table, epoch);
        long indexed = build(table, index);
        commands.change(definitionsKey, operation, master -> commands.command(() -> Scripts.<Long>run(master,
                DefinitionScripts.READY, ScriptOutputType.INTEGER, new byte[][] {definitionsKey}, now.get(), bytes(name),
                bytes(index.stored))));
        log.debug("Index '{}' of table '{}' on {} built over {} records", name, table, path, indexed);
    }

    /** Drops an index: definition first, then its members, bucket by bucket in steps. */
    boolean drop(String table, String name, String operation) {
        byte[] definitionsKey = keys.indexesKey(table);
        List<Object> reply = commands.change(keys.catalogKey(), operation, master -> commands.command(
                () -> Scripts.run(master, DefinitionScripts.UNDEFINE, ScriptOutputType.MULTI,
                        new byte[][] {keys.catalogKey(), definitionsKey}, now.get(), bytes(name))));
        forget(table);
        if ((Long) reply.get(0) == 0) {
            return false;
        }
        Index index = parse(name, utf8((byte[]) reply.get(1)));
        raiseEpoch(table, (Long) reply.get(2));
        byte[] id = index.idBytes();
        byte[] min = IndexCodec.bound(true, id);
        byte[] max = IndexCodec.bound(false, id, IndexCodec.FF);
        byte[] step = bytes(Integer.toString(STEP));
        for (byte[][] bucket : keys.buckets(table)) {
            while (commands.change(bucket[0], operation, master -> commands.command(() -> Scripts.<Long>run(master,
                    IndexEntryScripts.REMOVE_ENTRIES, ScriptOutputType.INTEGER, bucket, now.get(), min, max, step))) == STEP) {
                // the next step
            }
        }
        return true;
    }

    private void raiseEpoch(String table, long epoch) {
        byte[] value = bytes(Long.toString(epoch));
        byte[][][] buckets = keys.buckets(table);
        if (commands.waitsForReplicas()) {
            for (byte[][] bucket : buckets) {
                commands.change(bucket[0], "index definition change of table '" + table + "'",
                        master -> commands.command(() -> Scripts.<Long>run(master, IndexEntryScripts.EPOCH,
                                ScriptOutputType.INTEGER, bucket, now.get(), value)));
            }
        } else {
            commands.fanOut(buckets.length,
                    b -> Scripts.<Long>send(commands.async(), IndexEntryScripts.EPOCH, ScriptOutputType.INTEGER, buckets[b],
                            now.get(), value),
                    b -> Scripts.<Long>run(commands.sync(), IndexEntryScripts.EPOCH, ScriptOutputType.INTEGER, buckets[b],
                            now.get(), value));
        }
    }

    /** Adds the entries of one index for every stored record, one HSCAN slice per script call. */
    private long build(String table, Index index) {
        long indexed = 0;
        boolean severalNoted = !index.singleValued;
        ScanArgs slice = ScanArgs.Builder.limit(TableScan.SCAN_COUNT);
        for (byte[][] bucket : keys.buckets(table)) {
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                ScanCursor at = cursor;
                MapScanCursor<byte[], byte[]> page = commands.command(() -> commands.sync().hscan(bucket[0], at, slice));
                List<byte[]> args = new ArrayList<>();
                args.add(now.get());
                for (Map.Entry<byte[], byte[]> entry : page.getMap().entrySet()) {
                    if (entry.getKey().length == 0) {
                        continue;
                    }
                    String key = utf8(entry.getKey());
                    EngineRecord record = RecordFormat.parse(table, key, entry.getValue());
                    List<byte[]> members = new ArrayList<>();
                    if (addMembers(index, key, record, members) > 1 && !severalNoted) {
                        noteSeveralValues(table, index);
                        severalNoted = true;
                    }
                    args.add(entry.getKey());
                    args.add(java.util.Arrays.copyOf(entry.getValue(), record.jsonOffset()));
                    args.add(bytes(Integer.toString(members.size())));
                    args.addAll(members);
                }
                if (args.size() > 1) {
                    byte[][] argv = args.toArray(new byte[0][]);
                    indexed += commands.change(bucket[0], "indexing of table '" + table + "'",
                            master -> commands.command(() -> Scripts.<Long>run(master, IndexEntryScripts.ADD_ENTRIES,
                                    ScriptOutputType.INTEGER, bucket, argv)));
                }
                cursor = page;
            } while (!cursor.isFinished());
        }
        return indexed;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
