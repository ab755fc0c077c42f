package dev.pikodb.benchmarks;

import dev.pikodb.benchmarks.store.KeyValueStore;
import dev.pikodb.benchmarks.store.StoreKind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where the time of one durable writer goes, measured on a disk shared with other work: PikoDB
 * durable, SQLite WAL {@code synchronous=FULL}, and two bounds made of the same system calls,
 * interleaved in short blocks (each block: the same number of writes by each, in an order that
 * rotates) so that every one meets the same load; the ratio of each block is taken, and their median
 * printed with its spread. The bounds: 200 bytes appended to a growing file and
 * {@code force(false)} (one append and one force per write, what a PikoDB journal does), and 200
 * bytes written over a file already written with zeros and forced, then {@code force(false)} (the
 * file's size never changes, as in a write-ahead log reused after a checkpoint: the force need not
 * commit file-system metadata).
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests -Pbench -Dbench.main=dev.pikodb.benchmarks.DurableWriteProbe
 * </pre>
 */
public final class DurableWriteProbe {

    private static final int RECORDS = 100_000;
    private static final int BLOCK = Integer.getInteger("bench.block", 50);
    private static final int BLOCKS = Integer.getInteger("bench.blocks", 40);

    private DurableWriteProbe() {
    }

    /**
     * Runs the probe and prints its table.
     *
     * @param args unused
     * @throws Exception when a store or file fails
     */
    public static void main(String[] args) throws Exception {
        Path work = Files.createDirectories(Path.of(System.getProperty("bench.workDir", "target/bench-work")))
                .resolve("durable-probe");
        Directories.delete(work);
        Files.createDirectories(work);
        Profiles profiles = new Profiles();
        String[] names = {"PikoDB durable", "SQLite WAL sync=FULL", "append+force", "overwrite+force"};
        KeyValueStore pikodb = prefilled(StoreKind.PIKODB, work.resolve("pikodb"), profiles);
        KeyValueStore sqlite = prefilled(StoreKind.SQLITE, work.resolve("sqlite"), profiles);
        byte[] record = new byte[200];
        Arrays.fill(record, (byte) 'x');
        long total = (long) (BLOCKS + 1) * BLOCK * record.length;
        try (FileChannel growing = FileChannel.open(work.resolve("growing"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileChannel reused = FileChannel.open(work.resolve("reused"), StandardOpenOption.CREATE,
                     StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
            for (long at = 0; at < total + zeros.capacity(); ) {
                zeros.clear();
                at += reused.write(zeros, at);
            }
            reused.force(true);
            long[] positions = new long[2];
            List<double[]> blocks = new ArrayList<>();
            int written = 0;
            for (int block = 0; block <= BLOCKS; block++) {
                double[] nanos = new double[4];
                for (int turn = 0; turn < 4; turn++) {
                    int which = (block + turn) % 4;
                    long started = System.nanoTime();
                    for (int i = 0; i < BLOCK; i++) {
                        int index = (int) (((written + i) * 7919L) % RECORDS);
                        switch (which) {
                            case 0 -> pikodb.write("users", Profiles.key(index), profiles.value(written + i));
                            case 1 -> sqlite.write("users", Profiles.key(index), profiles.value(written + i));
                            case 2 -> {
                                positions[0] += growing.write(ByteBuffer.wrap(record), positions[0]);
                                growing.force(false);
                            }
                            default -> {
                                positions[1] += reused.write(ByteBuffer.wrap(record), positions[1]);
                                reused.force(false);
                            }
                        }
                    }
                    nanos[which] = System.nanoTime() - started;
                }
                written += BLOCK;
                if (block > 0) {
                    blocks.add(nanos);
                }
            }
            PrintStream out = System.out;
            out.printf(Locale.ROOT, "One durable writer, %d blocks of %d writes each, interleaved; table of %,d records;"
                    + " Java %s%n", BLOCKS, BLOCK, RECORDS, System.getProperty("java.version"));
            for (int which = 0; which < 4; which++) {
                int w = which;
                double[] rates = blocks.stream().mapToDouble(b -> BLOCK / (b[w] / 1e9)).sorted().toArray();
                double[] vsPikoDB = blocks.stream().mapToDouble(b -> b[0] / b[w]).sorted().toArray();
                out.printf(Locale.ROOT, "  %-22s median %,7.0f writes/s (%,.0f-%,.0f)   PikoDB time / its time: median"
                        + " %.2fx (quartiles %.2f-%.2f)%n", names[which], rates[rates.length / 2], rates[0],
                        rates[rates.length - 1], vsPikoDB[vsPikoDB.length / 2], vsPikoDB[vsPikoDB.length / 4],
                        vsPikoDB[vsPikoDB.length * 3 / 4]);
            }
        } finally {
            pikodb.close();
            sqlite.close();
            Directories.delete(work);
        }
    }

    private static KeyValueStore prefilled(StoreKind kind, Path directory, Profiles profiles) throws IOException {
        try (KeyValueStore store = kind.open(directory, false)) {
            for (int start = 0; start < RECORDS; start += 10_000) {
                java.util.Map<String, UserProfile> batch = new java.util.LinkedHashMap<>();
                for (int i = start; i < start + 10_000; i++) {
                    batch.put(Profiles.key(i), profiles.value(i));
                }
                store.writeAll("users", batch);
            }
        } catch (Exception e) {
            throw new IOException(e);
        }
        return kind.open(directory, true);
    }
}
