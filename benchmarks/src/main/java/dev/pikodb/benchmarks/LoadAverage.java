package dev.pikodb.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The machine's load averages, printed beside a probe's figures so that a figure can be told from the
 * load it was measured under: read from {@code /proc/loadavg}, or, where that file is missing, the
 * JVM's 1-minute figure.
 */
public final class LoadAverage {

    private LoadAverage() {
    }

    /**
     * The 1, 5 and 15 minute load averages, as {@code uptime} prints them ({@code "1.07, 2.25, 2.82"}).
     *
     * @return the load averages
     */
    public static String all() {
        String[] fields = fields();
        return fields == null ? jvmOneMinute() : fields[0] + ", " + fields[1] + ", " + fields[2];
    }

    /**
     * The 1-minute load average.
     *
     * @return the load average
     */
    public static String oneMinute() {
        String[] fields = fields();
        return fields == null ? jvmOneMinute() : fields[0];
    }

    private static String[] fields() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields.length >= 3 ? fields : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String jvmOneMinute() {
        return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
