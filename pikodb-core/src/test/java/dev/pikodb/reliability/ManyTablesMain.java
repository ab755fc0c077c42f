package dev.pikodb.reliability;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import dev.pikodb.TestFiles;
import java.nio.file.Path;

/**
 * Writes, closes and reopens a database of many tables, reporting the time of each step and the
 * process's open file descriptors ({@code /proc/self/fd}), to show that open files stay within the
 * journal budget. Run it under a low open file limit, one phase per JVM:
 *
 * <pre>
 * bash -c 'ulimit -n 1024; java -cp ... dev.pikodb.reliability.ManyTablesMain write /tmp/many 100000'
 * bash -c 'ulimit -n 1024; java -cp ... dev.pikodb.reliability.ManyTablesMain reopen /tmp/many 100000'
 * bash -c 'ulimit -n 1024; java -cp ... dev.pikodb.reliability.ManyTablesMain crash /tmp/many 100000' # then kill -9
 * bash -c 'ulimit -n 1024; java -cp ... dev.pikodb.reliability.ManyTablesMain reopen /tmp/many 100000'
 * </pre>
 *
 * {@code write} writes one record to each table and closes; {@code reopen} starts, checks every table
 * and closes; {@code crash} starts, writes every table again, prints {@code READY} and waits to be
 * killed, leaving every journal behind.
 */
public final class ManyTablesMain {

    private ManyTablesMain() {
    }

    /**
     * Runs one phase.
     *
     * @param args the phase ({@code write}, {@code reopen} or {@code crash}), the database directory
     *     and the number of tables
     * @throws InterruptedException when interrupted while waiting to be killed
     */
    public static void main(String[] args) throws InterruptedException {
        String phase = args[0];
        Path directory = Path.of(args[1]);
        int tables = Integer.parseInt(args[2]);
        report(phase, "before start", 0);
        long started = System.nanoTime();
        PikoDB db = new PikoDB(DatabaseOptions.builder().databaseDirectory(directory).build());
        db.start();
        report(phase, "start (" + db.listTables().size() + " tables)", started);
        switch (phase) {
            case "write" -> writeAll(db, phase, tables, 1);
            case "crash" -> writeAll(db, phase, tables, 2);
            case "reopen" -> {
                long checking = System.nanoTime();
                int found = 0;
                for (int t = 0; t < tables; t++) {
                    if (db.get("table-" + t, "k") != null) {
                        found++;
                    }
                }
                report(phase, "read " + found + " of " + tables + " tables", checking);
            }
            default -> throw new IllegalArgumentException("phase must be write, reopen or crash: " + phase);
        }
        if (phase.equals("crash")) {
            System.out.println("READY");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
        long closing = System.nanoTime();
        db.close();
        report(phase, "close", closing);
    }

    private static void writeAll(PikoDB db, String phase, int tables, int value) {
        long started = System.nanoTime();
        int maxOpen = 0;
        for (int t = 0; t < tables; t++) {
            db.write("table-" + t, "k", value);
            if (t % 1_000 == 0) {
                maxOpen = Math.max(maxOpen, TestFiles.openFileCount());
            }
        }
        report(phase, "wrote " + tables + " tables (at most " + maxOpen + " open files sampled every 1,000)", started);
    }

    private static void report(String phase, String step, long startedNanos) {
        String time = startedNanos == 0 ? "" : String.format(" in %.1f s", (System.nanoTime() - startedNanos) / 1e9);
        System.out.println(phase + ": " + step + time + "; open files now: " + TestFiles.openFileCount());
        System.out.flush();
    }
}
