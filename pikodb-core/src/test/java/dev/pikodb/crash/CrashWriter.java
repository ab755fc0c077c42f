package dev.pikodb.crash;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The process that {@link KillCrashTest} kills: opens a database and writes to it from several
 * threads until it is killed.
 *
 * <p>Arguments: {@code <directory> <durable> <round> <seed> <threads>}. Standard output carries only
 * the protocol (the test redirects it to a file), one line per event, each written at once:
 * <pre>
 * READY                                   the database is open, writing starts
 * I t W table key n len crc               thread t is about to write value #n (len chars) to key
 * W t table key version n len crc         ... and that write returned version
 * I t D table key                         thread t is about to delete key
 * D t table key removed                   ... and that delete returned
 * S compactions                           the store's compaction counter so far
 * E message                               an operation failed (the test fails)
 * </pre>
 * A W or D line is printed only after the call returned: it is an acknowledged operation. Each
 * thread owns its keys, so the lines of one key are in the order of its operations. Logs go to
 * standard error, where READY is repeated for the test to see it live.
 */
public final class CrashWriter {

    private CrashWriter() {
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

        PikoDB db = new PikoDB(DatabaseOptions.builder().databaseDirectory(directory).durableWrites(durable).build());
        db.start();
        protocol.println("READY");
        System.err.println("READY");
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread writer = new Thread(() -> write(db, protocol, durable, round, seed, thread), "writer-" + t);
            writers.add(writer);
            writer.start();
        }
        for (Thread writer : writers) {
            writer.join();
        }
    }

    private static void write(PikoDB db, PrintStream protocol, boolean durable, long round, long seed, int thread) {
        SplittableRandom random = new SplittableRandom(seed * 31 + round * 1_000_003L + thread);
        long counter = 0;
        try {
            while (true) {
                counter++;
                String table = CrashWorkload.TABLES[random.nextInt(CrashWorkload.TABLES.length)];
                String key = CrashWorkload.key(thread, random.nextInt(CrashWorkload.KEYS_PER_THREAD_AND_TABLE));
                if (random.nextInt(100) < 15) {
                    protocol.println("I " + thread + " D " + table + " " + key);
                    boolean removed = db.delete(table, key);
                    protocol.println("D " + thread + " " + table + " " + key + " " + removed);
                } else {
                    long number = round * 100_000_000L + thread * 10_000_000L + counter;
                    int length = CrashWorkload.length(random, durable);
                    var value = CrashWorkload.value(key, number, length);
                    String op = table + " " + key + " " + number + " " + length + " " + value.get("crc");
                    protocol.println("I " + thread + " W " + op);
                    long version = db.write(table, key, value);
                    protocol.println("W " + thread + " " + table + " " + key + " " + version + " " + number + " "
                            + length + " " + value.get("crc"));
                }
                if (thread == 0 && counter % 50 == 0) {
                    protocol.println("S " + db.statistics().compactions());
                }
                // Explicit compactions of every table, besides those due to journal growth: often in
                // durable mode, where growth alone is slow, so that kills also land inside compactions.
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
