package dev.pikodb.redis;

import dev.pikodb.spi.EngineRecord;
import io.lettuce.core.MapScanCursor;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * A visit of a table's live records with {@code HSCAN} slices of {@value #SCAN_COUNT} fields, every
 * bucket at once: each bucket has one slice in flight at any time, and the next slice of a bucket is
 * asked for as soon as its previous one arrives, before that one is decoded, so the servers fetch
 * while this thread decodes. Each key is visited once, expiry judged at the start of the visit: as
 * {@code HSCAN} may return a key twice, each bucket read in more than one slice remembers its keys in
 * a set of its own, sized from the bucket's {@code HLEN} (sent with its first slice), so that no set
 * grows by rehashing and none holds more than one bucket's keys; a bucket read in one slice needs
 * none (a key only comes back twice in a later call).
 */
final class TableScan {

    /** How many fields one {@code HSCAN} call asks for. */
    static final int SCAN_COUNT = 1000;

    private final KeySpace keys;
    private final Commands commands;
    private final Supplier<byte[]> now;

    TableScan(KeySpace keys, Commands commands, Supplier<byte[]> now) {
        this.keys = keys;
        this.commands = commands;
        this.now = now;
    }

    /**
     * Visits the live records of a table.
     *
     * @param table the table
     * @param action called for each live record, on this thread, one at a time
     * @return whether an expired record was met (it was not visited)
     */
    boolean forEachLive(String table, BiConsumer<String, EngineRecord> action) {
        byte[][][] buckets = keys.buckets(table);
        long start = commands.command(() -> Scripts.<Long>run(commands.sync(), Scripts.NOW, ScriptOutputType.INTEGER,
                new byte[][] {buckets[0][0]}, now.get()));
        ScanArgs slice = ScanArgs.Builder.limit(SCAN_COUNT);
        ScanCursor[] cursors = new ScanCursor[buckets.length];
        @SuppressWarnings("unchecked")
        RedisFuture<MapScanCursor<byte[], byte[]>>[] inFlight = new RedisFuture[buckets.length];
        boolean[] open = new boolean[buckets.length];
        for (int b = 0; b < buckets.length; b++) {
            cursors[b] = ScanCursor.INITIAL;
            open[b] = true;
            inFlight[b] = send(buckets[b][0], cursors[b], slice);
        }
        @SuppressWarnings("unchecked")
        RedisFuture<Long>[] lengths = new RedisFuture[buckets.length];
        for (int b = 0; b < buckets.length; b++) {
            byte[] hash = buckets[b][0];
            lengths[b] = commands.send(() -> commands.async().hlen(hash));
        }
        @SuppressWarnings("unchecked")
        Set<String>[] seen = new Set[buckets.length];
        boolean expiredSeen = false;
        for (int left = buckets.length; left > 0;) {
            for (int b = 0; b < buckets.length; b++) {
                if (!open[b]) {
                    continue;
                }
                byte[] hash = buckets[b][0];
                ScanCursor at = cursors[b];
                MapScanCursor<byte[], byte[]> page = commands.await(inFlight[b],
                        () -> commands.sync().hscan(hash, at, slice));
                boolean first = at == ScanCursor.INITIAL;
                if (page.isFinished()) {
                    open[b] = false;
                    inFlight[b] = null;
                    left--;
                } else {
                    cursors[b] = page;
                    inFlight[b] = send(hash, page, slice);
                }
                Set<String> keysOfBucket = seen[b];
                if (first && !page.isFinished()) {
                    long length = commands.await(lengths[b], () -> commands.sync().hlen(hash));
                    keysOfBucket = new HashSet<>((int) Math.min(1 << 30, length * 4 / 3 + 16));
                    seen[b] = keysOfBucket;
                }
                for (Map.Entry<byte[], byte[]> entry : page.getMap().entrySet()) {
                    if (entry.getKey().length == 0) {
                        continue;
                    }
                    String key = new String(entry.getKey(), StandardCharsets.UTF_8);
                    if (keysOfBucket == null || keysOfBucket.add(key)) {
                        EngineRecord record = RecordFormat.parse(table, key, entry.getValue());
                        if (record.expiration() == null || start <= record.expiration()) {
                            action.accept(key, record);
                        } else {
                            expiredSeen = true;
                        }
                    }
                }
                if (page.isFinished()) {
                    seen[b] = null;
                }
            }
        }
        return expiredSeen;
    }

    private RedisFuture<MapScanCursor<byte[], byte[]>> send(byte[] hash, ScanCursor cursor, ScanArgs slice) {
        return commands.send(() -> commands.async().hscan(hash, cursor, slice));
    }
}
