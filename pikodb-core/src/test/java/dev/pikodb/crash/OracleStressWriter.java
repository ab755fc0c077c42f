package dev.pikodb.crash;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.Dictionary;
import dev.pikodb.MutableClock;
import dev.pikodb.PikoDB;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The process that {@link OracleStressTest} kills: several threads doing random writes, writes with
 * an expiration, writes through a dictionary, compare-and-writes, deletes and {@code deleteTable},
 * while one thread also moves the database's clock and flushes; the values are large enough that
 * background compactions run all the time.
 *
 * <p>Arguments: {@code <directory> <durable> <round> <seed> <threads> <clock start millis>}. Each
 * thread owns its keys (in the shared tables {@link CrashWorkload#TABLES}) and one table of its own
 * ({@code own<t>}), the only one it deletes, so the lines of one key are in the order of its
 * operations. Standard output carries the protocol, one line per event, written at once:
 * <pre>
 * READY                                   the database is open, work starts
 * I t W table key n len crc x             thread t is about to write value #n (x: expiration or -)
 * I t C table key n len crc -             ... to compare-and-write value #n
 * I t D table key                         ... to delete key
 * I t X table                             ... to delete the table
 * W t table key version n len crc x       the write returned version
 * C t table key expected ok n len crc     the compare-and-write with expected version returned ok
 * D t table key removed                   the delete returned removed
 * X t table existed                       deleteTable returned existed
 * T millis                                the clock is about to be set to millis (printed before it is)
 * S compactions                           the store's compaction counter so far
 * E message                               an operation failed (the test fails)
 * </pre>
 */
public final class OracleStressWriter {

    /** The dictionary the workload writes through: it shortens every field of a workload value. */
    static final String DICTIONARY = "workload";

    private static final int KEYS = 12;

    private OracleStressWriter() {
    }

    static Dictionary dictionary() {
        return Dictionary.deflate(Map.of("key", "k", "len", "l", "crc", "c", "pad", "p"));
    }

    static String ownTable(int thread) {
        return "own" + thread;
    }

    public static void main(String[] args) throws Exception {
        PrintStream protocol = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        Path directory = Path.of(args[0]);
        boolean durable = Boolean.parseBoolean(args[1]);
        long round = Long.parseLong(args[2]);
        long seed = Long.parseLong(args[3]);
        int threads = Integer.parseInt(args[4]);
        MutableClock clock = new MutableClock(Long.parseLong(args[5]));

        PikoDB db = new PikoDB(DatabaseOptions.builder().databaseDirectory(directory).durableWrites(durable)
                .clock(clock).dictionary(DICTIONARY, dictionary()).build());
        db.start();
        protocol.println("READY");
        System.err.println("READY");
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread worker = new Thread(() -> work(db, clock, protocol, durable, round, seed, thread), "worker-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
    }

    private static void work(PikoDB db, MutableClock clock, PrintStream protocol, boolean durable, long round,
            long seed, int thread) {
        SplittableRandom random = new SplittableRandom(seed * 31 + round * 1_000_003L + thread);
        Map<String, Long> versions = new HashMap<>();
        long counter = 0;
        try {
            while (true) {
                counter++;
                boolean own = random.nextInt(100) < 20;
                String table = own ? ownTable(thread)
                        : CrashWorkload.TABLES[random.nextInt(CrashWorkload.TABLES.length)];
                String key = CrashWorkload.key(thread, random.nextInt(KEYS));
                String where = table + " " + key;
                long number = round * 100_000_000L + thread * 10_000_000L + counter;
                int roll = random.nextInt(100);
                if (own && roll >= 97) {
                    protocol.println("I " + thread + " X " + table);
                    boolean existed = db.deleteTable(table);
                    versions.keySet().removeIf(k -> k.startsWith(table + " "));
                    protocol.println("X " + thread + " " + table + " " + existed);
                } else if (roll < 15) {
                    protocol.println("I " + thread + " D " + where);
                    boolean removed = db.delete(table, key);
                    versions.remove(where);
                    protocol.println("D " + thread + " " + where + " " + removed);
                } else if (roll < 30) {
                    long expected = versions.getOrDefault(where, 0L) + (random.nextInt(4) == 0 ? 1 : 0);
                    int length = CrashWorkload.length(random, durable);
                    Map<String, Object> value = CrashWorkload.value(key, number, length);
                    String identity = number + " " + length + " " + value.get("crc");
                    protocol.println("I " + thread + " C " + where + " " + identity + " -");
                    boolean ok = db.compareAndWrite(table, key, expected, value);
                    protocol.println("C " + thread + " " + where + " " + expected + " " + ok + " " + identity);
                    if (ok) {
                        versions.put(where, expected + 1);
                    } else {
                        versions.put(where, db.getRecord(table, key).map(r -> r.version()).orElse(0L));
                    }
                } else {
                    Long expiration = roll < 45 ? clock.millis() + random.nextInt(40) : null;
                    String dictionary = roll >= 45 && roll < 60 ? DICTIONARY : null;
                    int length = CrashWorkload.length(random, durable);
                    Map<String, Object> value = CrashWorkload.value(key, number, length);
                    String identity = number + " " + length + " " + value.get("crc");
                    String x = expiration == null ? "-" : expiration.toString();
                    protocol.println("I " + thread + " W " + where + " " + identity + " " + x);
                    long version = db.write(table, key, value, expiration, dictionary);
                    versions.put(where, version);
                    protocol.println("W " + thread + " " + where + " " + version + " " + identity + " " + x);
                }
                if (thread == 0 && counter % 20 == 0) {
                    long next = clock.millis() + 1 + random.nextInt(10);
                    protocol.println("T " + next);
                    clock.set(next);
                }
                if (thread == 0 && counter % 50 == 0) {
                    protocol.println("S " + db.statistics().compactions());
                }
                if (thread == 0 && counter % (durable ? 100 : 400) == 0) {
                    db.flush();
                }
            }
        } catch (Throwable e) {
            e.printStackTrace();
            protocol.println("E " + thread + " " + e.toString().replace('\n', ' '));
        }
    }
}
