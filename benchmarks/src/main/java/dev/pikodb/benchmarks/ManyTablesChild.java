package dev.pikodb.benchmarks;

import dev.pikodb.benchmarks.store.StoreKind;
import dev.pikodb.benchmarks.workload.ManyTables;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The child JVM of W9's crash case: writes {@code tables × records} records to a store in the
 * default mode, prints {@code READY <open files before> <open files after>} once every write has been
 * acknowledged, then waits to be killed ({@code destroyForcibly}, i.e. {@code kill -9}) without ever
 * closing the store.
 *
 * <pre>
 * java -cp ... dev.pikodb.benchmarks.ManyTablesChild PIKODB|SQLITE directory tables records
 * </pre>
 */
public final class ManyTablesChild {

    /** The line the child prints once its writes are acknowledged. */
    public static final String READY = "READY";

    private ManyTablesChild() {
    }

    /**
     * Writes, acknowledges, waits.
     *
     * @param args store kind, directory, number of tables, records per table
     * @throws IOException when standard input fails
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("Usage: ManyTablesChild PIKODB|SQLITE <directory> <tables> <records per table>");
            System.exit(2);
        }
        StoreKind kind = StoreKind.valueOf(args[0]);
        Path directory = Path.of(args[1]);
        int tables = Integer.parseInt(args[2]);
        int records = Integer.parseInt(args[3]);
        Profiles profiles = new Profiles();
        long before = ManyTables.openFiles("self");
        ManyTables.Writer writer = ManyTables.open(kind, directory);
        for (int t = 0; t < tables; t++) {
            for (int r = 0; r < records; r++) {
                writer.write(t, r, profiles);
            }
        }
        System.out.println(READY + " " + before + " " + ManyTables.openFiles("self"));
        System.out.flush();
        // Blocks until the parent kills this process; the store is never closed.
        while (System.in.read() >= 0) {
            Thread.onSpinWait();
        }
        System.exit(1);
    }
}
