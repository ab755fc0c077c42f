package dev.pikodb.redis;

import dev.pikodb.ChangeEvent;
import dev.pikodb.spi.ChangeSink;
import dev.pikodb.spi.EngineRecord;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The record and table operations of a {@link RedisStorage} on an open {@link Connection}: each
 * change one script on its bucket's slot, a read one command (see {@link PointReads}), each
 * whole-table operation one command per bucket sent at once (see {@link KeySpace} and {@link Scripts}). Failures
 * are thrown as the client throws them; {@link RedisStorage} turns them into PikoDB's exceptions.
 */
final class TableStore {

    private static final int CLEANUP_BATCH = 500;
    private static final byte[] EMPTY = new byte[0];
    /**
     * The write script's replies from this one down: the write replaced an expired record, whose
     * version is {@code REPLACED_EXPIRED + 1 - reply}, and the new record has version 1.
     */
    private static final long REPLACED_EXPIRED = -3;

    private final KeySpace keys;
    private final Settings settings;
    private final String where;
    private final Commands commands;
    private final Catalog catalog;
    private final Supplier<byte[]> now;
    /** The write script's timestamp argument: the server's time as this JVM reckons it. */
    private final Supplier<byte[]> stamp;
    private final RedisStats stats;
    private final Supplier<ChangeSink> changes;
    /** The change stream argument of the record scripts (see {@link Scripts}). */
    private final byte[] changeStream;
    /**
     * While someone listens, a change of a key and its report happen under that key's stripe, so this
     * instance reports the changes of one key in the order the server applied them.
     */
    private final Object[] stripes = new Object[64];

    private final IndexDefinitions indexes;
    private final RedisQueries queries;
    private final PointReads pointReads;
    private final TableScan scan;
    private final TableSummaries summaries;

    TableStore(KeySpace keys, Settings settings, String where, Supplier<Connection> connection,
            Supplier<byte[]> now, Supplier<byte[]> stamp, LongSupplier serverUpperBound, RedisStats stats, Supplier<ChangeSink> changes,
            Function<String, dev.pikodb.Dictionary> dictionaries) {
        this.changes = changes;
        this.changeStream = settings.changeStreamArgument();
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
        this.keys = keys;
        this.settings = settings;
        this.where = where;
        this.commands = new Commands(settings, where, connection);
        this.catalog = new Catalog(keys, commands, now, changeStream);
        this.now = now;
        this.stamp = stamp;
        this.stats = stats;
        this.indexes = new IndexDefinitions(keys, commands, now, dictionaries);
        this.pointReads = new PointReads(keys, commands, now, serverUpperBound, stats, changeStream);
        this.scan = new TableScan(keys, commands, now);
        this.summaries = new TableSummaries(keys, commands, catalog);
        this.queries = new RedisQueries(keys, commands, now, serverUpperBound, indexes, (table, key, version) -> {
            stats.expiredRemoved.increment();
            ChangeSink sink = changes.get();
            if (sink.active()) {
                synchronized (stripe(table, key)) {
                    sink.publish(ChangeEvent.expired(table, key, version));
                }
            }
        }, changeStream);
    }

    IndexDefinitions indexes() {
        return indexes;
    }

    RedisQueries queries() {
        return queries;
    }

    TableSummaries summaries() {
        return summaries;
    }

    long write(String table, String key, byte[] json, Long expiration, String dictionaryName, long expectedVersion,
            String operation) {
        ChangeSink sink = changes.get();
        if (!sink.active()) {
            return writeUnreported(table, key, json, expiration, dictionaryName, expectedVersion, operation, null);
        }
        synchronized (stripe(table, key)) {
            return writeUnreported(table, key, json, expiration, dictionaryName, expectedVersion, operation, sink);
        }
    }

    private long writeUnreported(String table, String key, byte[] json, Long expiration, String dictionaryName,
            long expectedVersion, String operation, ChangeSink sink) {
        long started = System.nanoTime();
        // Without a change stream the script is not given the bucket's stream key.
        byte[][] bucket = changeStream.length > 0 ? keys.bucket(table, KeySpace.bucketOf(key))
                : keys.bucketWithoutStream(table, KeySpace.bucketOf(key));
        long reply = 0;
        for (int attempt = 1;; attempt++) {
            // A conditional write on version >= 1 can only succeed on a record that exists, in a table that
            // is listed already: it must not list a table it leaves empty. It fails on a table being
            // deleted only once the deletion has emptied the buckets (see Catalog#listedGeneration).
            Long generation = expectedVersion >= 1 ? catalog.listedGeneration(table, operation)
                    : Long.valueOf(catalog.generationForWrite(table, operation));
            if (generation == null) {
                return 0;
            }
            IndexDefinitions.Definitions definitions = indexes.forWrite(table);
            byte[][] members = indexes.members(table, definitions, key, EngineRecord.of(json, 0, 0, null, dictionaryName));
            // The server's time is measured (one TIME) at most every 30 s, again while that is not sent.
            byte[][] args = WriteArguments.of(key, json, expiration, dictionaryName, expectedVersion, generation,
                    definitions.epoch(), members, now.get(), () -> command(stamp::get), changeStream);
            long result = commands.onMaster(bucket[0], master -> {
                long applied = command(
                        () -> Scripts.<Long>run(master, Scripts.WRITE, ScriptOutputType.INTEGER, bucket, args));
                if (applied > 0 || applied <= REPLACED_EXPIRED) {
                    Replicas.await(master, settings.replicas(), settings.replicaTimeout(), operation, where);
                }
                return applied;
            });
            if (result == -1 || result == -2) {
                staleGeneration(table, operation, attempt, "nothing was changed. Retry the write");
            } else {
                reply = result;
                break;
            }
        }
        boolean replacedExpired = reply <= REPLACED_EXPIRED;
        long version = replacedExpired ? 1 : reply;
        if (replacedExpired) {
            stats.expiredRemoved.increment();
        }
        if (sink != null && version > 0) {
            if (replacedExpired) {
                sink.publish(ChangeEvent.expired(table, key, REPLACED_EXPIRED + 1 - reply));
            }
            sink.publish(ChangeEvent.written(table, key, version));
        }
        if (version > 0) {
            stats.writes.increment();
            stats.bytesWritten.add(json.length);
            stats.writeNanos.add(System.nanoTime() - started);
        }
        return version;
    }

    /**
     * Stores records as given: one script call per bucket that the batch's keys fall in, each checking
     * the table's generation as a write does.
     */
    void importRecords(String table, List<dev.pikodb.spi.ImportedRecord> batch, String operation) {
        if (batch.isEmpty()) {
            return;
        }
        java.util.Map<Integer, List<dev.pikodb.spi.ImportedRecord>> byBucket = new java.util.TreeMap<>();
        for (dev.pikodb.spi.ImportedRecord each : batch) {
            byBucket.computeIfAbsent(KeySpace.bucketOf(each.key()), bucket -> new java.util.ArrayList<>()).add(each);
        }
        long bytes = 0;
        for (java.util.Map.Entry<Integer, List<dev.pikodb.spi.ImportedRecord>> entry : byBucket.entrySet()) {
            byte[][] bucket = keys.bucket(table, entry.getKey());
            List<dev.pikodb.spi.ImportedRecord> records = entry.getValue();
            for (int attempt = 1;; attempt++) {
                long generation = catalog.generationForWrite(table, operation);
                IndexDefinitions.Definitions definitions = indexes.forWrite(table);
                List<byte[]> argv = new ArrayList<>();
                argv.add(EMPTY);
                argv.add(utf8(Long.toString(generation)));
                argv.add(utf8(Long.toString(definitions.epoch())));
                for (dev.pikodb.spi.ImportedRecord each : records) {
                    EngineRecord record = each.record();
                    byte[][] members = indexes.members(table, definitions, each.key(), record);
                    argv.add(utf8(each.key()));
                    argv.add(RecordFormat.format(record));
                    argv.add(record.expiration() == null ? EMPTY : utf8(record.expiration().toString()));
                    argv.add(utf8(Integer.toString(members.length)));
                    argv.addAll(java.util.Arrays.asList(members));
                }
                byte[][] args = argv.toArray(new byte[0][]);
                long stale = commands.onMaster(bucket[0], master -> {
                    long result = command(
                            () -> Scripts.<Long>run(master, Scripts.IMPORT, ScriptOutputType.INTEGER, bucket, args));
                    Replicas.await(master, settings.replicas(), settings.replicaTimeout(), operation, where);
                    return result;
                });
                if (stale == 0) {
                    break;
                }
                staleGeneration(table, operation, attempt, "retry the import");
            }
            for (dev.pikodb.spi.ImportedRecord each : records) {
                bytes += each.record().jsonLength();
            }
        }
        stats.writes.add(batch.size());
        stats.bytesWritten.add(bytes);
    }

    /**
     * After a bucket refused a write made for an older generation of its table or older index
     * definitions (the table was deleted since this instance last used it, or its indexes changed):
     * forgets both, so the next attempt asks again, and gives up at the fifth attempt.
     */
    private void staleGeneration(String table, String operation, int attempt, String action) {
        catalog.forget(table);
        indexes.forget(table);
        if (attempt == 5) {
            throw new dev.pikodb.PikoDBException("The " + operation + " on " + where + " met a newer "
                    + "generation of table '" + table + "' five times in a row (the table is being deleted "
                    + "and written at once); " + action);
        }
    }

    EngineRecord read(String table, String key) {
        ChangeSink sink = changes.get();
        if (!sink.active()) {
            return readUnreported(table, key, null);
        }
        synchronized (stripe(table, key)) {
            return readUnreported(table, key, sink);
        }
    }

    private EngineRecord readUnreported(String table, String key, ChangeSink sink) {
        return pointReads.read(table, key, sink);
    }

    boolean delete(String table, String key, String operation) {
        ChangeSink sink = changes.get();
        if (!sink.active()) {
            return deleteUnreported(table, key, operation, null);
        }
        synchronized (stripe(table, key)) {
            return deleteUnreported(table, key, operation, sink);
        }
    }

    private boolean deleteUnreported(String table, String key, String operation, ChangeSink sink) {
        byte[][] bucket = keys.bucket(table, KeySpace.bucketOf(key));
        List<Object> reply = commands.onMaster(bucket[0], master -> {
            List<Object> result = command(() -> Scripts.run(master, Scripts.DELETE, ScriptOutputType.MULTI,
                    bucket, now.get(), utf8(key), changeStream));
            if ((Long) result.get(0) > 0) {
                Replicas.await(master, settings.replicas(), settings.replicaTimeout(), operation, where);
            }
            return result;
        });
        long outcome = (Long) reply.get(0);
        if (outcome == 2) {
            stats.expiredRemoved.increment();
        } else if (outcome == 1) {
            stats.deletes.increment();
        }
        if (sink != null && outcome > 0) {
            long version = (Long) reply.get(1);
            sink.publish(outcome == 1 ? ChangeEvent.deleted(table, key, version) : ChangeEvent.expired(table, key, version));
        }
        return outcome == 1;
    }

    /**
     * Visits live records (see {@link TableScan}). Expired records met on the way are then removed, as
     * every read removes them.
     */
    void forEachLive(String table, BiConsumer<String, EngineRecord> action) {
        boolean expiredSeen = scan.forEachLive(table, action);
        stats.reads.increment();
        if (expiredSeen) {
            cleanup(table);
        }
    }

    /**
     * Removes a table's expired records in batches, a batch of every bucket at once; returns {removed,
     * records left}.
     */
    long[] cleanup(String table) {
        byte[][][] buckets = keys.buckets(table);
        byte[] limit = utf8(Integer.toString(CLEANUP_BATCH));
        long removed = 0;
        long[] left = new long[buckets.length];
        List<Integer> open = new ArrayList<>();
        for (int b = 0; b < buckets.length; b++) {
            open.add(b);
        }
        while (!open.isEmpty()) {
            List<Integer> round = List.copyOf(open);
            byte[] time = now.get();
            List<List<Object>> replies = commands.fanOut(round.size(),
                    i -> Scripts.send(commands.async(), Scripts.CLEANUP, ScriptOutputType.MULTI,
                            buckets[round.get(i)], time, limit, changeStream),
                    i -> Scripts.run(commands(), Scripts.CLEANUP, ScriptOutputType.MULTI, buckets[round.get(i)],
                            time, limit, changeStream));
            ChangeSink sink = changes.get();
            for (int r = 0; r < round.size(); r++) {
                List<Object> reply = replies.get(r);
                removed += (Long) reply.get(0);
                left[round.get(r)] = (Long) reply.get(2);
                for (int i = 3; i + 1 < reply.size() && sink.active(); i += 2) {
                    String key = new String((byte[]) reply.get(i), StandardCharsets.UTF_8);
                    synchronized (stripe(table, key)) {
                        sink.publish(ChangeEvent.expired(table, key, (Long) reply.get(i + 1)));
                    }
                }
                if ((Long) reply.get(1) == 0) {
                    open.remove(round.get(r));
                }
            }
        }
        stats.expiredRemoved.add(removed);
        long records = 0;
        for (long n : left) {
            records += n;
        }
        return new long[] {removed, records};
    }

    List<String> listTables() {
        return catalog.list("listing of the tables");
    }

    /**
     * Deletes a table: unlists it and notes its generation as dropped in one script on the catalog (of
     * concurrent calls exactly one does it, returns true and reports the deletion), then empties its
     * buckets with {@code UNLINK} (see {@link Catalog#unlist}).
     */
    boolean deleteTable(String table, String operation) {
        boolean deleted = catalog.unlist(table, operation);
        indexes.forget(table);
        ChangeSink sink = changes.get();
        if (deleted && sink.active()) {
            sink.publish(ChangeEvent.tableDeleted(table));
        }
        return deleted;
    }

    /** Finishes table deletions left midway; see {@link Catalog#finishDrops}. */
    int finishDrops(String operation) {
        return catalog.finishDrops(operation);
    }

    /** Takes or renews the cleanup lease for one interval; false when another instance holds it. */
    boolean claimCleanup(String instance, java.time.Duration interval) {
        byte[] key = keys.cleanupLeaseKey();
        byte[] me = utf8(instance);
        long millis = Math.max(1, interval.toMillis());
        String set = command(() -> commands().set(key, me, io.lettuce.core.SetArgs.Builder.nx().px(millis)));
        if ("OK".equals(set)) {
            return true;
        }
        byte[] holder = command(() -> commands().get(key));
        if (holder != null && java.util.Arrays.equals(holder, me)) {
            command(() -> commands().pexpire(key, millis));
            return true;
        }
        return false;
    }

    /** Runs a change on the master of a key and waits for the replicas to confirm it. */
    <T> T change(byte[] key, String operation, Function<RedisClusterCommands<byte[], byte[]>, T> change) {
        return commands.change(key, operation, change);
    }

    /** Runs one command, again while it is rejected unsent during a reconnect (see {@link Reconnecting}). */
    <T> T command(Supplier<T> command) {
        return commands.command(command);
    }

    private RedisClusterCommands<byte[], byte[]> commands() {
        return commands.sync();
    }

    private Object stripe(String table, String key) {
        return stripes[Math.floorMod(31 * table.hashCode() + key.hashCode(), stripes.length)];
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
