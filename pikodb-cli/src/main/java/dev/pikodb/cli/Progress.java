package dev.pikodb.cli;

import dev.pikodb.CopyProgress;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows how a long command goes, on standard error: records and bytes per second and an estimate of
 * the time left. On a terminal one line is rewritten in place a few times a second; otherwise (a
 * file, a pipe, a CI log) a plain line is printed every few seconds, so logs stay readable.
 */
final class Progress implements CopyProgress {

    private final PrintWriter err;
    private final String what;
    private final boolean terminal;
    private final long intervalNanos;
    private final long started = System.nanoTime();
    private long lastShown;
    private boolean shownOnTerminal;

    /**
     * @param err where to show it
     * @param what what is being done, e.g. "export"
     * @param terminal whether {@code err} is a terminal
     */
    Progress(PrintWriter err, String what, boolean terminal) {
        this.err = err;
        this.what = what;
        this.terminal = terminal;
        this.intervalNanos = terminal ? 200_000_000L : 5_000_000_000L;
        this.lastShown = started;
    }

    /** Progress on standard error, as a terminal line when there is a terminal. */
    static Progress on(PrintWriter err, String what) {
        return new Progress(err, what, System.console() != null);
    }

    @Override
    public void progressed(long records, long bytes, long expectedRecords) {
        long now = System.nanoTime();
        if (now - lastShown < intervalNanos) {
            return;
        }
        lastShown = now;
        String line = line(records, bytes, expectedRecords, now);
        if (terminal) {
            err.print("\r" + line + "   ");
            shownOnTerminal = true;
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Ends the progress display, with the totals. */
    void done(long records, long bytes) {
        if (shownOnTerminal) {
            err.print("\r");
        }
        long now = System.nanoTime();
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        err.println(String.format(Locale.ROOT, "%s: %,d records, %s in %.1f s (%,.0f records/s, %s/s)", what, records,
                size(bytes), seconds, records / seconds, size((long) (bytes / seconds))));
        err.flush();
    }

    String line(long records, long bytes, long expectedRecords, long now) {
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        double rate = records / seconds;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s: %,d", what, records));
        if (expectedRecords > 0) {
            line.append(String.format(Locale.ROOT, " of %,d records (%d%%)", expectedRecords,
                    Math.min(100, records * 100 / expectedRecords)));
        } else {
            line.append(" records");
        }
        line.append(String.format(Locale.ROOT, ", %,.0f records/s, %s/s", rate, size((long) (bytes / seconds))));
        if (expectedRecords > records && rate > 0) {
            line.append(", about ").append(duration((long) ((expectedRecords - records) / rate))).append(" left");
        }
        return line.toString();
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }

    private static String duration(long seconds) {
        return seconds < 60 ? seconds + " s" : String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
    }
}
