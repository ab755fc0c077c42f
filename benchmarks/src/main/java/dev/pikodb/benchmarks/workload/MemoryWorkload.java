package dev.pikodb.benchmarks.workload;

import dev.pikodb.benchmarks.BenchConfig;
import dev.pikodb.benchmarks.Directories;
import dev.pikodb.benchmarks.Profiles;
import dev.pikodb.benchmarks.store.KeyValueStore;
import dev.pikodb.benchmarks.store.StoreKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * W7: heap PikoDB retains per record once a large table is loaded (heap used after repeated full
 * collections, before versus after {@code start()}), against the bytes per record of the table file
 * after a clean close, and of the peers' files holding the same data.
 */
public final class MemoryWorkload {

    /** Row name of the heap measurement. */
    public static final String HEAP = "W7 heap per loaded record";
    /** Row name of the file-size measurement. */
    public static final String FILE = "W7 file bytes per record";
    /**
     * Row name of the baseline measured beside the heap per record: a {@code HashMap<String, byte[]>}
     * of the same keys and each record's JSON bytes, the least any in-heap map of this data holds.
     */
    public static final String BASELINE = "W7 heap per record, HashMap<String, byte[]> of the JSON";
    /**
     * Target of W7: the bytes per record PikoDB may keep beyond {@link #BASELINE}. Beyond its key and JSON
     * bytes a record has a version, a timestamp and an expiration (8 B each) and a dictionary name (a
     * 4 B reference), and at most one object of its own (a 12 B header): 40 B. 64 B leaves room for
     * alignment and for a map entry larger than {@code HashMap}'s; it was set from this count, not from a
     * measurement.
     */
    public static final int OVERHEAD_TARGET = 64;

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private final BenchConfig config;

    /**
     * Creates the workload.
     *
     * @param config the run's configuration
     */
    public MemoryWorkload(BenchConfig config) {
        this.config = config;
    }

    /**
     * One measurement of PikoDB's heap per record, loading its clean start-up image, per call.
     *
     * @param cleanImage PikoDB's directory holding the large table, closed cleanly
     * @return a repetition returning retained heap bytes per record
     */
    public DoubleSupplier heapPerRecord(Path cleanImage) {
        return () -> {
            long before = usedHeapAfterGc();
            KeyValueStore store = StoreKind.PIKODB.open(cleanImage, false);
            try {
                long after = usedHeapAfterGc();
                return (after - before) / (double) config.largeTable();
            } finally {
                Reference.reachabilityFence(store);
                store.close();
            }
        };
    }

    /**
     * One measurement of {@link #BASELINE} over the same keys and values as the large table, per call.
     *
     * @param profiles the values the large table was written with
     * @return a repetition returning retained heap bytes per record
     */
    public DoubleSupplier baselineHeapPerRecord(Profiles profiles) {
        return () -> {
            long before = usedHeapAfterGc();
            Map<String, byte[]> map = new HashMap<>();
            for (int i = 0; i < config.largeTable(); i++) {
                map.put(Profiles.key(i), Profiles.MAPPER.writeValueAsBytes(profiles.value(i)));
            }
            long after = usedHeapAfterGc();
            Reference.reachabilityFence(map);
            return (after - before) / (double) config.largeTable();
        };
    }

    /**
     * Bytes per record on disk: PikoDB's table file, or every file of a peer.
     *
     * @param kind the store
     * @param cleanImage its directory holding the large table, closed cleanly
     * @return bytes per record
     */
    public double fileBytesPerRecord(StoreKind kind, Path cleanImage) {
        try {
            long bytes = kind == StoreKind.PIKODB
                    ? Files.size(cleanImage.resolve(ColdStartWorkload.TABLE))
                    : Directories.size(cleanImage);
            return bytes / (double) config.largeTable();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the size of the table file in " + cleanImage, e);
        }
    }

    private static long usedHeapAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
