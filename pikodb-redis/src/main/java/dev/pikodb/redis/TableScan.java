package dev.pikodb.redis;

import dev.pikodb.spi.EngineRecord;
import io.lettuce.core.MapScanCursor;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.output.KeyValueStreamingChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * A visit of a table's live records, bucket by bucket, {@value #WINDOW} buckets in flight at a time.
 * The buckets' lengths ({@code HLEN}) and sizes ({@code MEMORY USAGE}: the server's estimate from a
 * few sampled fields, computed without reading the others) are asked for first, in one pipeline, with
 * the time the visit judges expiry by. Then a bucket of at most {@value #WHOLE_BUCKET_LIMIT} fields and
 * at most {@link #REPLY_BYTES} bytes is read with one {@code HGETALL}; a larger one in {@code HSCAN}
 * slices of {@value #SCAN_COUNT} fields, fewer when its records are large (as many of its average
 * record, size over length, as fit in {@link #REPLY_BYTES}, at least one); an empty one not at all. A
 * bucket whose size the server does not tell ({@code MEMORY} renamed or not permitted) is read in
 * slices of {@value #SCAN_COUNT}. So no single command reads more than {@value #WHOLE_BUCKET_LIMIT}
 * fields (as {@code HLEN} counted them when the visit started, plus those written since) nor much more
 * than {@link #REPLY_BYTES} bytes: an {@code HSCAN} slice can hold a few more fields than asked for
 * (the hash's entries that share a slot of its table), the size is an estimate, and a single record
 * larger than the bound is read whole.
 *
 * <p>The next reply is asked for before the one received is decoded, so that the servers fetch while
 * this thread decodes: a bucket's next slice is asked for as soon as its previous one arrives, and the
 * next bucket's read is sent as soon as a bucket's last reply arrives. At most {@value #WINDOW}
 * buckets' replies wait to be decoded.
 *
 * <p>Each key is visited once, expiry judged at the start of the visit: an {@code HGETALL} returns each
 * field once; as {@code HSCAN} may return a key twice (when the hash is resized between two slices),
 * a bucket read in slices remembers its keys in a set of its own, sized from the bucket's length so
 * that it does not grow by rehashing, and dropped once the bucket is read.
 */
final class TableScan {

    /** The most fields of a bucket read with one {@code HGETALL}; a larger bucket is read in slices. */
    static final int WHOLE_BUCKET_LIMIT = 8192;
    /** How many fields one {@code HSCAN} call asks for at most. */
    static final int SCAN_COUNT = 1000;
    /**
     * The most bytes (by the server's {@code MEMORY USAGE} estimate, within a few percent of the reply's
     * size for records of 1 KB and more) one command of the visit is meant to read. The server builds a
     * reply while every other client waits, and this thread holds up to {@value #WINDOW} replies at
     * once. On Redis 7.0 (slow log, loaded machine) an {@code HGETALL} of 8 MB of 50 KB records took
     * 8.5 ms, one of the 8,192 records of 100 bytes the field limit lets through 7 ms: at 8 MiB a
     * command bounded in bytes blocks the server about as long as one bounded in fields, and a bucket of
     * 8,192 records of up to about 900 bytes of JSON is still read with one {@code HGETALL}.
     */
    static final long REPLY_BYTES = 8L << 20;
    /** How many buckets are read at once. */
    static final int WINDOW = 4;

    private final KeySpace keys;
    private final Commands commands;
    private final Supplier<byte[]> now;
    private final long replyBytes;

    TableScan(KeySpace keys, Commands commands, Supplier<byte[]> now) {
        this(keys, commands, now, REPLY_BYTES);
    }

    /**
     * A visit whose commands read about {@code replyBytes} at most: for tests of buckets over the bound
     * that hold little data.
     */
    TableScan(KeySpace keys, Commands commands, Supplier<byte[]> now, long replyBytes) {
        this.keys = keys;
        this.commands = commands;
        this.now = now;
        this.replyBytes = replyBytes;
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
        @SuppressWarnings("unchecked")
        RedisFuture<Long>[] lengths = new RedisFuture[buckets.length];
        @SuppressWarnings("unchecked")
        RedisFuture<Long>[] sizes = new RedisFuture[buckets.length];
        for (int b = 0; b < buckets.length; b++) {
            byte[] hash = buckets[b][0];
            lengths[b] = commands.send(() -> commands.async().hlen(hash));
            sizes[b] = commands.send(() -> commands.async().memoryUsage(hash));
        }
        long start = commands.command(() -> Scripts.<Long>run(commands.sync(), Scripts.NOW, ScriptOutputType.INTEGER,
                new byte[][] {buckets[0][0]}, now.get()));
        Visit visit = new Visit(table, start, action);
        ArrayDeque<BucketRead> reading = new ArrayDeque<>(WINDOW);
        int next = open(reading, buckets, lengths, sizes, 0);
        while (!reading.isEmpty()) {
            BucketRead bucket = reading.poll();
            Fields fields = bucket.take();
            if (bucket.done()) {
                next = open(reading, buckets, lengths, sizes, next); // sent before this reply is decoded
            } else {
                reading.add(bucket);
            }
            visit.decode(fields, bucket.seen);
        }
        return visit.expiredSeen;
    }

    /**
     * Starts the reads of the buckets from {@code next} on until {@link #WINDOW} are being read, skipping
     * empty ones; returns the first bucket not started.
     */
    private int open(ArrayDeque<BucketRead> reading, byte[][][] buckets, RedisFuture<Long>[] lengths,
            RedisFuture<Long>[] sizes, int next) {
        while (reading.size() < WINDOW && next < buckets.length) {
            byte[] hash = buckets[next][0];
            long length = commands.await(lengths[next], () -> commands.sync().hlen(hash));
            Long bytes = size(sizes[next], hash);
            if (length > 0) {
                reading.add(new BucketRead(hash, length, bytes));
            }
            next++;
        }
        return next;
    }

    /** A bucket's size by the server's estimate; null when the server does not tell it. */
    private Long size(RedisFuture<Long> sent, byte[] hash) {
        try {
            return commands.await(sent, () -> commands.sync().memoryUsage(hash));
        } catch (RedisCommandExecutionException e) {
            return null; // MEMORY renamed or not permitted: the bucket is read in slices
        }
    }

    /**
     * How many fields a bucket's {@code HSCAN} slices ask for: {@value #SCAN_COUNT}, or as many of its
     * average records as fit in {@code replyBytes} when fewer, at least one.
     */
    private static int sliceCount(long length, Long bytes, long replyBytes) {
        if (bytes == null || length <= 0) {
            return SCAN_COUNT;
        }
        long average = Math.max(1, bytes / length);
        return (int) Math.max(1, Math.min(SCAN_COUNT, replyBytes / average));
    }

    /**
     * The keys met in a bucket read in slices, for {@link Visit#decode} to visit each once: sized from
     * the bucket's length so that it does not grow by rehashing.
     */
    static Set<String> slicedKeys(long length) {
        return new HashSet<>((int) Math.min(1 << 30, length * 4 / 3 + 16));
    }

    /** The records of one visit: what it judges expiry by, and whether it met an expired one. */
    static final class Visit {
        private final String table;
        private final long start;
        private final BiConsumer<String, EngineRecord> action;
        private boolean expiredSeen;

        Visit(String table, long start, BiConsumer<String, EngineRecord> action) {
            this.table = table;
            this.start = start;
            this.action = action;
        }

        /** Visits the live records of a reply; with {@code seen}, only keys not in it (which it then holds). */
        void decode(Fields fields, Set<String> seen) {
            byte[][] pairs = fields.pairs;
            for (int i = 0; i < fields.size; i += 2) {
                byte[] field = pairs[i];
                if (field.length == 0) {
                    continue; // the bucket's state
                }
                String key = new String(field, StandardCharsets.UTF_8);
                if (seen == null || seen.add(key)) {
                    EngineRecord record = RecordFormat.parse(table, key, pairs[i + 1]);
                    if (record.expiration() == null || start <= record.expiration()) {
                        action.accept(key, record);
                    } else {
                        expiredSeen = true;
                    }
                }
            }
        }
    }

    /**
     * The fields of one reply and their values, in the order received: {@code HGETALL} hands them over
     * one by one on the client's I/O thread, which so builds no map of them.
     */
    static final class Fields implements KeyValueStreamingChannel<byte[], byte[]> {
        private byte[][] pairs;
        private int size;

        Fields(long length) {
            pairs = new byte[(int) Math.min(2 * length + 16, 2L * WHOLE_BUCKET_LIMIT + 16)][];
        }

        @Override
        public void onKeyValue(byte[] field, byte[] value) {
            if (size + 2 > pairs.length) {
                pairs = Arrays.copyOf(pairs, pairs.length * 2);
            }
            pairs[size++] = field;
            pairs[size++] = value;
        }
    }

    /**
     * The read of one bucket: one {@code HGETALL} when its length is at most {@link #WHOLE_BUCKET_LIMIT}
     * and its size at most the reply bound, else {@code HSCAN} slices of {@link #sliceCount} fields, each
     * asked for when the previous one arrives.
     */
    private final class BucketRead {
        private final byte[] hash;
        private final long length;
        private final Fields received;
        private final RedisFuture<Long> whole;
        private final ScanArgs slice;
        private ScanCursor cursor = ScanCursor.INITIAL;
        private RedisFuture<MapScanCursor<byte[], byte[]>> inFlight;
        private boolean done;
        /** The keys met so far, for a bucket read in slices. */
        final Set<String> seen;

        BucketRead(byte[] hash, long length, Long bytes) {
            this.hash = hash;
            this.length = length;
            if (length <= WHOLE_BUCKET_LIMIT && bytes != null && bytes <= replyBytes) {
                received = new Fields(length);
                whole = commands.send(() -> commands.async().hgetall(received, hash));
                seen = null;
                slice = null;
            } else {
                received = null;
                whole = null;
                slice = ScanArgs.Builder.limit(sliceCount(length, bytes, replyBytes));
                inFlight = sendSlice();
                seen = slicedKeys(length);
            }
        }

        /** Waits for the bucket's next reply and asks for the one after it, if any. */
        Fields take() {
            if (received != null) {
                done = true;
                Fields[] again = {null};
                commands.await(whole, () -> {
                    // The command sent did not run: read into fields of its own, which nothing else fills.
                    again[0] = new Fields(length);
                    return commands.sync().hgetall(again[0], hash);
                });
                return again[0] == null ? received : again[0];
            }
            ScanCursor at = cursor;
            MapScanCursor<byte[], byte[]> page = commands.await(inFlight, () -> commands.sync().hscan(hash, at, slice));
            if (page.isFinished()) {
                done = true;
                inFlight = null;
            } else {
                cursor = page;
                inFlight = sendSlice();
            }
            Fields fields = new Fields(page.getMap().size());
            page.getMap().forEach(fields::onKeyValue);
            return fields;
        }

        /** Whether the bucket's last reply was taken. */
        boolean done() {
            return done;
        }

        private RedisFuture<MapScanCursor<byte[], byte[]>> sendSlice() {
            ScanCursor at = cursor;
            return commands.send(() -> commands.async().hscan(hash, at, slice));
        }
    }
}
