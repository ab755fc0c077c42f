package dev.pikodb.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With {@code -Dbench.trace=true}, logs each repetition of a cell as it ends: its value, the measuring
 * thread's CPU time (user part apart), the thread's minor page faults (Linux, from
 * {@code /proc/thread-self/stat}; -1 elsewhere) and the collections that ran during it with their
 * summed time. The CPU time and the faults hardly depend on the load of a shared machine, so they tell
 * a repetition that did more work from one that waited for a CPU. Without the property, the
 * repetition is returned unchanged.
 */
public final class RepetitionTrace {

    private static final Logger LOG = LoggerFactory.getLogger(RepetitionTrace.class);
    private static final boolean ENABLED = Boolean.getBoolean("bench.trace");
    private static final Path THREAD_STAT = Path.of("/proc/thread-self/stat");

    private RepetitionTrace() {
    }

    /**
     * Wraps a repetition so that it is logged, when tracing is on.
     *
     * @param cell the cell, named in the log
     * @param repetition one timed repetition
     * @return the repetition, traced when {@code bench.trace=true}
     */
    public static DoubleSupplier of(Round.Cell cell, DoubleSupplier repetition) {
        if (!ENABLED) {
            return repetition;
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return () -> {
            long faults = minorFaults();
            GcMonitor.Totals collections = GcMonitor.totals();
            long cpu = threads.getCurrentThreadCpuTime();
            long user = threads.getCurrentThreadUserTime();
            double value = repetition.getAsDouble();
            double cpuMillis = (threads.getCurrentThreadCpuTime() - cpu) / 1e6;
            double userMillis = (threads.getCurrentThreadUserTime() - user) / 1e6;
            long faulted = faults < 0 ? -1 : minorFaults() - faults;
            GcMonitor.Totals collected = GcMonitor.totals().since(collections);
            LOG.info(String.format(Locale.ROOT, "%s | %s: %.1f %s; thread cpu %.1f ms (user %.1f), minor faults %d,"
                    + " collections %d (%d ms)", cell.workload(), cell.store(), value, cell.unit().symbol(), cpuMillis,
                    userMillis, faulted, collected.count(), collected.millis()));
            return value;
        };
    }

    /** The calling thread's minor page faults so far (field 10 of its stat line), or -1 when unknown. */
    private static long minorFaults() {
        try {
            String stat = Files.readString(THREAD_STAT);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[7]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
