package dev.pikodb.redis;

import dev.pikodb.ChangeEvent;
import dev.pikodb.TableSummary;
import dev.pikodb.spi.ChangeSink;
import dev.pikodb.spi.EngineRecord;
import io.lettuce.core.MapScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record and table operations of a {@link RedisStorage} on an open {@link Connection}: each one
 * a script or a few commands on the table's slot (see {@link KeySpace} and {@link Scripts}). Failures
 * are thrown as the client throws them; {@link RedisStorage} turns them into PikoDB's exceptions.
 */
final class TableStore {

    private static final Logger log = LoggerFactory.getLogger(TableStore.class);

    /** How many fields one {@code HSCAN} call asks for. */
    static final int SCAN_COUNT = 1000;
    private static final int CLEANUP_BATCH = 500;
    private static final byte[] EMPTY = new byte[0];

    private final KeySpace keys;
    private final Settings settings;
    private final String where;
    private final Supplier<Connection> connection;
    private final Supplier<byte[]> now;
    private final RedisStats stats;
    /** Tables this instance has registered in the table set (re-registered when a write recreates one). */
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private final Supplier<ChangeSink> changes;
    /**
     * While someone listens, a change of a key and its report happen under that key's stripe, so this
     * instance reports the changes of one key in the order the server applied them.
     */
    private final Object[] stripes = new Object[64];

    TableStore(KeySpace keys, Settings settings, String where, Supplier<Connection> connection,
            Supplier<byte[]> now, RedisStats stats, Supplier<ChangeSink> changes) {
        this.changes = changes;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
        this.keys = keys;
        this.settings = settings;
        this.where = where;
        this.connection = connection;
        this.now = now;
        this.stats = stats;
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
        byte[][] tableKeys = keys.table(table);
        // A conditional write on version >= 1 can only succeed on a record that exists, in a table that
        // is listed already: it must not list a table it leaves empty.
        if (expectedVersion < 1 && !registered.contains(table)) {
            register(table);
        }
        byte[][] args = {now.get(), utf8(key), json, expiration == null ? EMPTY : utf8(expiration.toString()),
            RecordFormat.dictionaryField(dictionaryName), utf8(Long.toString(expectedVersion))};
        List<Object> reply = onMaster(tableKeys[0], commands -> {
            List<Object> result = command(
                    () -> Scripts.run(commands, Scripts.WRITE, ScriptOutputType.MULTI, tableKeys, args));
            if ((Long) result.get(0) > 0) {
                Replicas.await(commands, settings.replicas(), settings.replicaTimeout(), operation, where);
            }
            return result;
        });
        long version = (Long) reply.get(0);
        if ((Long) reply.get(1) == 1) {
            registerAfterWrite(table);
        }
        stats.expiredRemoved.add((Long) reply.get(2));
        if (sink != null && version > 0) {
            if ((Long) reply.get(2) == 1) {
                sink.publish(ChangeEvent.expired(table, key, (Long) reply.get(3)));
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

    /** Stores records as given, one script call for the whole batch (they share the table's slot). */
    void importRecords(String table, List<dev.pikodb.spi.ImportedRecord> batch, String operation) {
        if (batch.isEmpty()) {
            return;
        }
        byte[][] tableKeys = keys.table(table);
        if (!registered.contains(table)) {
            register(table);
        }
        byte[][] args = new byte[1 + 3 * batch.size()][];
        args[0] = EMPTY;
        long bytes = 0;
        int i = 1;
        for (dev.pikodb.spi.ImportedRecord each : batch) {
            EngineRecord record = each.record();
            args[i++] = utf8(each.key());
            args[i++] = RecordFormat.format(record);
            args[i++] = record.expiration() == null ? EMPTY : utf8(record.expiration().toString());
            bytes += record.jsonLength();
        }
        long created = onMaster(tableKeys[0], commands -> {
            long result = command(
                    () -> Scripts.<Long>run(commands, Scripts.IMPORT, ScriptOutputType.INTEGER, tableKeys, args));
            Replicas.await(commands, settings.replicas(), settings.replicaTimeout(), operation, where);
            return result;
        });
        if (created == 1) {
            registerAfterWrite(table);
        }
        stats.writes.add(batch.size());
        stats.bytesWritten.add(bytes);
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
        List<Object> reply = command(() -> Scripts.run(commands(), Scripts.READ, ScriptOutputType.MULTI,
                keys.table(table), now.get(), utf8(key)));
        stats.reads.increment();
        if (reply.isEmpty()) {
            return null;
        }
        if (reply.get(0) instanceof Long) {
            stats.expiredRemoved.increment();
            if (sink != null) {
                sink.publish(ChangeEvent.expired(table, key, (Long) reply.get(1)));
            }
            return null;
        }
        return RecordFormat.parse(table, key, (byte[]) reply.get(0));
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
        byte[][] tableKeys = keys.table(table);
        List<Object> reply = onMaster(tableKeys[0], commands -> {
            List<Object> result = command(() -> Scripts.run(commands, Scripts.DELETE, ScriptOutputType.MULTI,
                    tableKeys, now.get(), utf8(key)));
            if ((Long) result.get(0) > 0) {
                Replicas.await(commands, settings.replicas(), settings.replicaTimeout(), operation, where);
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
     * Visits live records with HSCAN slices; each key once, expiry judged at the start of the visit.
     * Expired records met on the way are then removed, as every read removes them.
     */
    void forEachLive(String table, BiConsumer<String, EngineRecord> action) {
        byte[][] tableKeys = keys.table(table);
        long start = command(
                () -> Scripts.<Long>run(commands(), Scripts.NOW, ScriptOutputType.INTEGER, tableKeys, now.get()));
        Set<String> seen = new HashSet<>();
        boolean expiredSeen = false;
        ScanCursor cursor = ScanCursor.INITIAL;
        ScanArgs slice = ScanArgs.Builder.limit(SCAN_COUNT);
        MapScanCursor<byte[], byte[]> page;
        do {
            ScanCursor from = cursor;
            page = command(() -> commands().hscan(tableKeys[0], from, slice));
            for (Map.Entry<byte[], byte[]> entry : page.getMap().entrySet()) {
                String key = new String(entry.getKey(), StandardCharsets.UTF_8);
                if (seen.add(key)) {
                    EngineRecord record = RecordFormat.parse(table, key, entry.getValue());
                    if (record.expiration() == null || start <= record.expiration()) {
                        action.accept(key, record);
                    } else {
                        expiredSeen = true;
                    }
                }
            }
            cursor = page;
        } while (!page.isFinished());
        stats.reads.increment();
        if (expiredSeen) {
            cleanup(table);
        }
    }

    /** Removes a table's expired records in batches; returns {removed, records left}. */
    long[] cleanup(String table) {
        byte[][] tableKeys = keys.table(table);
        long removed = 0;
        List<Object> reply;
        do {
            reply = command(() -> Scripts.run(commands(), Scripts.CLEANUP, ScriptOutputType.MULTI, tableKeys, now.get(),
                    utf8(Integer.toString(CLEANUP_BATCH))));
            removed += (Long) reply.get(0);
            ChangeSink sink = changes.get();
            for (int i = 3; i + 1 < reply.size() && sink.active(); i += 2) {
                String key = new String((byte[]) reply.get(i), StandardCharsets.UTF_8);
                synchronized (stripe(table, key)) {
                    sink.publish(ChangeEvent.expired(table, key, (Long) reply.get(i + 1)));
                }
            }
        } while ((Long) reply.get(1) == 1);
        stats.expiredRemoved.add(removed);
        return new long[] {removed, (Long) reply.get(2)};
    }

    List<String> listTables() {
        List<String> names = new ArrayList<>();
        for (byte[] name : command(() -> commands().smembers(keys.tablesKey()))) {
            names.add(new String(name, StandardCharsets.UTF_8));
        }
        names.sort(null);
        return names;
    }

    /** Unlists the table first, then deletes its keys, so that a table with data is always listed. */
    boolean deleteTable(String table, String operation) {
        byte[][] tableKeys = keys.table(table);
        registered.remove(table);
        boolean listed = command(() -> commands().srem(keys.tablesKey(), utf8(table))) > 0;
        long deleted = onMaster(tableKeys[0], commands -> {
            Long result = command(() -> commands.del(tableKeys));
            Replicas.await(commands, settings.replicas(), settings.replicaTimeout(), operation, where);
            return result;
        });
        boolean existed = listed || deleted > 0;
        ChangeSink sink = changes.get();
        if (existed && sink.active()) {
            sink.publish(ChangeEvent.tableDeleted(table));
        }
        return existed;
    }

    Optional<TableSummary> tableSummary(String table) {
        byte[][] tableKeys = keys.table(table);
        RedisClusterCommands<byte[], byte[]> commands = commands();
        long records = command(() -> commands.hlen(tableKeys[0]));
        if (records == 0 && !command(() -> commands.sismember(keys.tablesKey(), utf8(table)))) {
            return Optional.empty();
        }
        Long bytes = records == 0 ? Long.valueOf(0) : command(() -> commands.memoryUsage(tableKeys[0]));
        return Optional.of(new TableSummary(table, (int) records, bytes == null ? 0 : bytes, 0));
    }

    /**
     * Lists a table that a write just recreated. The write is applied whatever happens here, so a
     * failure is logged, not thrown; the next write from this instance lists the table again.
     */
    private void registerAfterWrite(String table) {
        try {
            register(table);
        } catch (RuntimeException e) {
            registered.remove(table);
            log.warn("Table '{}' of {} was written but could not be added to the list of tables ({}); the next write "
                    + "to it adds it", table, where, e.toString());
        }
    }

    private void register(String table) {
        command(() -> commands().sadd(keys.tablesKey(), utf8(table)));
        registered.add(table);
    }

    /**
     * Runs a change on the master of a key and waits for the replicas to confirm it; with replicas to
     * wait for, on that node's own connection, so that {@code WAIT} covers the change.
     */
    <T> T change(byte[] key, String operation, Function<RedisClusterCommands<byte[], byte[]>, T> change) {
        return onMaster(key, commands -> {
            T result = change.apply(commands);
            Replicas.await(commands, settings.replicas(), settings.replicaTimeout(), operation, where);
            return result;
        });
    }

    /** Runs a change on the master of a key; with replicas to wait for, on that node's own connection. */
    private <T> T onMaster(byte[] key, Function<RedisClusterCommands<byte[], byte[]>, T> change) {
        if (settings.replicas() == 0) {
            return change.apply(commands());
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return change.apply(connection.get().commandsOnMasterOf(key));
            } catch (RuntimeException e) {
                if (!Failures.redirected(e) || attempt == 3) {
                    throw e;
                }
                connection.get().refreshTopology();
            }
        }
    }

    /** Runs one command, again while it is rejected unsent during a reconnect (see {@link Reconnecting}). */
    <T> T command(Supplier<T> command) {
        return Reconnecting.command(settings.commandTimeout(), command);
    }

    private RedisClusterCommands<byte[], byte[]> commands() {
        return connection.get().commands();
    }

    private Object stripe(String table, String key) {
        return stripes[Math.floorMod(31 * table.hashCode() + key.hashCode(), stripes.length)];
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
