package dev.pikodb.benchmarks;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A model of the choice between keeping record bytes on the Java heap (as PikoDB does: one
 * {@code byte[]} per record in a {@code ConcurrentHashMap}) and keeping them off it (the map holds a
 * small handle to bytes in a direct buffer, copied out on each read), measured apart from PikoDB so
 * that the layout alone is compared: 1,000,000 records of 200 bytes, then 1,000,000 overwrites spread
 * over them, each also allocating the short-lived garbage of a PikoDB write (about 700 bytes), as
 * W18 does. Per layout: heap retained per record, the collections and their time during the
 * overwrites (the management beans, whole milliseconds), and the time of 1,000,000 point reads that
 * hand out the record's bytes (off the heap: a copy into a new array). The off-heap arena only
 * appends (an overwrite leaves its old bytes behind, as a real one would free them to a free list).
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests -Pbench -Dbench.main=dev.pikodb.benchmarks.RecordLayoutProbe
 * </pre>
 */
public final class RecordLayoutProbe {

    private static final int RECORDS = 1_000_000;
    private static final int WRITES = 1_000_000;
    private static final int RECORD_BYTES = 200;
    private static final int GARBAGE_PER_WRITE = 700;

    private RecordLayoutProbe() {
    }

    /** One way of holding the records. */
    private interface Layout {
        void put(String key, byte[] record);

        byte[] get(String key);
    }

    /** As PikoDB holds a plain record: the array itself. */
    private static final class OnHeap implements Layout {
        private final ConcurrentHashMap<String, byte[]> map = new ConcurrentHashMap<>(RECORDS);

        @Override
        public void put(String key, byte[] record) {
            map.put(key, record.clone());
        }

        @Override
        public byte[] get(String key) {
            return map.get(key);
        }
    }

    /** The bytes in a direct buffer; the map holds their position and length in one {@code Long}. */
    private static final class OffHeap implements Layout {
        private final ConcurrentHashMap<String, Long> map = new ConcurrentHashMap<>(RECORDS);
        private final ByteBuffer arena = ByteBuffer.allocateDirect((RECORDS + WRITES) * RECORD_BYTES + 1024);

        @Override
        public void put(String key, byte[] record) {
            int at = arena.position();
            arena.put(record);
            map.put(key, ((long) at << 20) | record.length);
        }

        @Override
        public byte[] get(String key) {
            long handle = map.get(key);
            byte[] copy = new byte[(int) (handle & 0xfffff)];
            arena.get((int) (handle >>> 20), copy);
            return copy;
        }
    }

    /**
     * Runs both layouts, one after the other, and prints their figures.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        String[] keys = new String[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            keys[i] = Profiles.key(i);
        }
        byte[] record = new byte[RECORD_BYTES];
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "%,d records of %d B, %,d overwrites (+%d B of garbage each), %,d reads; Java %s, %s%n",
                RECORDS, RECORD_BYTES, WRITES, GARBAGE_PER_WRITE, WRITES, System.getProperty("java.version"),
                ManagementFactory.getGarbageCollectorMXBeans().get(0).getName());
        for (int round = 0; round < 2; round++) {
            for (boolean offHeap : new boolean[] {false, true}) {
                long before = usedAfterGc();
                Layout layout = offHeap ? new OffHeap() : new OnHeap();
                for (int i = 0; i < RECORDS; i++) {
                    record[0] = (byte) i;
                    layout.put(keys[i], record);
                }
                long perRecord = (usedAfterGc() - before) / RECORDS;
                GcMonitor gc = GcMonitor.get();
                double from = gc.now();
                long sink = 0;
                long started = System.nanoTime();
                for (int i = 0; i < WRITES; i++) {
                    byte[] garbage = new byte[GARBAGE_PER_WRITE];
                    sink += garbage.length;
                    record[0] = (byte) i;
                    layout.put(keys[(int) ((i * 7919L) % RECORDS)], record);
                }
                double writeSeconds = (System.nanoTime() - started) / 1e9;
                double to = gc.now();
                started = System.nanoTime();
                for (int i = 0; i < WRITES; i++) {
                    sink += layout.get(keys[(int) ((i * 104_729L) % RECORDS)])[0];
                }
                double readNanos = (System.nanoTime() - started) / (double) WRITES;
                sleepForNotifications();
                out.printf(Locale.ROOT, "  round %d %-9s heap %4d B/record; overwrites %,9.0f/s, GC during them: %s;"
                        + " read %,.0f ns%s%n", round + 1, offHeap ? "off-heap" : "on-heap", perRecord,
                        WRITES / writeSeconds, gc.during(List.of(new double[] {from, to})), readNanos,
                        sink == 42 ? "!" : "");
            }
        }
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static void sleepForNotifications() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
