package dev.pikodb.redis;

import dev.pikodb.spi.EngineRecord;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Reads the records a query's index members name, after the members (a condition's candidates, or
 * the entries a walk takes for its page): one {@code HMGET} per bucket involved, all sent at once
 * (one round trip), each record judged live as a point read judges it ({@link PointReads#judgedLive}): a record without an expiration, or whose expiration the clock the
 * scripts use has certainly not reached when the reply arrives, is live. A record too close to its
 * expiration to be judged here, or already past it, is read again by {@link QueryScripts#RECORDS} on
 * the server's clock, which removes it with its index entries when it has expired (reported as a point
 * read reports it).
 */
final class PageRecords {

    private final Commands commands;
    private final Supplier<byte[]> now;
    private final LongSupplier serverUpperBound;
    private final RedisQueries.Expired expired;
    private final byte[] changeStream;
    /** Runs before each read of records: for tests that change a record between its entry and its read. */
    private volatile Runnable beforeRead = () -> { };

    PageRecords(Commands commands, Supplier<byte[]> now, LongSupplier serverUpperBound,
            RedisQueries.Expired expired, byte[] changeStream) {
        this.commands = commands;
        this.now = now;
        this.serverUpperBound = serverUpperBound;
        this.expired = expired;
        this.changeStream = changeStream;
    }

    /** Sets what runs before each read of records, after the entries were read (tests only). */
    void beforeRead(Runnable hook) {
        beforeRead = hook;
    }

    /**
     * The live records of some keys of a table.
     *
     * @param table the table, for messages and expiry reports
     * @param byBucket each bucket's keys (see {@link KeySpace#buckets}) and the keys to read in it
     * @return the live records by key; a missing or expired key is absent
     */
    Map<String, EngineRecord> read(String table, Map<byte[][], Set<String>> byBucket) {
        beforeRead.run();
        List<byte[][]> buckets = new ArrayList<>(byBucket.keySet());
        List<List<String>> keys = new ArrayList<>(buckets.size());
        List<byte[][]> fields = new ArrayList<>(buckets.size());
        for (byte[][] bucket : buckets) {
            List<String> bucketKeys = new ArrayList<>(byBucket.get(bucket));
            keys.add(bucketKeys);
            fields.add(utf8(bucketKeys));
        }
        byte[] time = now.get();
        List<List<KeyValue<byte[], byte[]>>> replies = commands.fanOut(buckets.size(),
                b -> commands.async().hmget(buckets.get(b)[0], fields.get(b)),
                b -> commands.sync().hmget(buckets.get(b)[0], fields.get(b)));
        Map<String, EngineRecord> live = new HashMap<>();
        List<List<String>> unjudged = new ArrayList<>(buckets.size());
        boolean again = false;
        for (int b = 0; b < buckets.size(); b++) {
            List<String> later = new ArrayList<>(0);
            List<KeyValue<byte[], byte[]>> reply = replies.get(b);
            for (int i = 0; i < reply.size(); i++) {
                byte[] stored = reply.get(i).getValueOrElse(null);
                if (stored == null) {
                    continue;
                }
                String key = keys.get(b).get(i);
                EngineRecord record = RecordFormat.parse(table, key, stored);
                if (PointReads.judgedLive(record, time, serverUpperBound)) {
                    live.put(key, record);
                } else {
                    later.add(key);
                    again = true;
                }
            }
            unjudged.add(later);
        }
        if (again) {
            judgedOnServer(table, buckets, unjudged, time, live);
        }
        return live;
    }

    /** Reads records again with {@link QueryScripts#RECORDS}, which judges them on the scripts' clock. */
    private void judgedOnServer(String table, List<byte[][]> buckets, List<List<String>> keys, byte[] time,
            Map<String, EngineRecord> live) {
        List<Integer> involved = new ArrayList<>();
        List<byte[][]> args = new ArrayList<>();
        for (int b = 0; b < buckets.size(); b++) {
            if (!keys.get(b).isEmpty()) {
                involved.add(b);
                byte[][] arguments = new byte[keys.get(b).size() + 2][];
                arguments[0] = time;
                arguments[1] = changeStream;
                byte[][] named = utf8(keys.get(b));
                System.arraycopy(named, 0, arguments, 2, named.length);
                args.add(arguments);
            }
        }
        List<List<Object>> replies = commands.fanOut(involved.size(),
                i -> Scripts.send(commands.async(), QueryScripts.RECORDS, ScriptOutputType.MULTI,
                        buckets.get(involved.get(i)), args.get(i)),
                i -> Scripts.run(commands.sync(), QueryScripts.RECORDS, ScriptOutputType.MULTI,
                        buckets.get(involved.get(i)), args.get(i)));
        for (int i = 0; i < involved.size(); i++) {
            List<String> bucketKeys = keys.get(involved.get(i));
            List<Object> reply = replies.get(i);
            for (int k = 0; k < reply.size(); k++) {
                byte[] stored = (byte[]) reply.get(k);
                String key = bucketKeys.get(k);
                if (stored == null || stored.length == 0) {
                    continue;
                }
                if (stored[0] == 'x') {
                    expired.removed(table, key, Long.parseLong(
                            new String(stored, 1, stored.length - 1, StandardCharsets.US_ASCII)));
                } else {
                    live.put(key, RecordFormat.parse(table, key, stored));
                }
            }
        }
    }

    private static byte[][] utf8(List<String> keys) {
        byte[][] fields = new byte[keys.size()][];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = keys.get(i).getBytes(StandardCharsets.UTF_8);
        }
        return fields;
    }
}
