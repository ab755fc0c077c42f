package dev.pikodb.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Records every garbage collection of this JVM (through the {@code com.sun.management} GC
 * notifications, no flight recorder needed) with its start, end and duration, so that a workload can
 * report the collections that happened during its own measurements and tell a slow operation that
 * overlapped a collection from one that did not.
 *
 * <p>Times are milliseconds since the JVM started, the clock of {@link GcInfo}; {@link #now()} gives
 * the same clock with sub-millisecond precision.
 */
public final class GcMonitor {

    /**
     * One collection.
     *
     * @param collector the collector's name, e.g. {@code G1 Young Generation}
     * @param startMillis start, ms since the JVM started
     * @param endMillis end, ms since the JVM started
     */
    public record Collection(String collector, long startMillis, long endMillis) {
        /** @return how long it took, ms */
        public long durationMillis() {
            return endMillis - startMillis;
        }
    }

    /**
     * The collections of some time windows.
     *
     * @param count how many
     * @param totalMillis their summed duration
     * @param maxMillis the longest
     */
    public record Stats(int count, long totalMillis, long maxMillis) {
        /** @return e.g. {@code 12 GCs, 85 ms total, max 14 ms} */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d GCs, %,d ms total, max %d ms", count, totalMillis, maxMillis);
        }
    }

    /**
     * The collections of every collector since the JVM started (a collector that reports no figure counts
     * none).
     *
     * @param count how many
     * @param millis their summed duration
     */
    public record Totals(long count, long millis) {
        /**
         * The collections since {@code before}.
         *
         * @param before totals taken earlier
         * @return the difference
         */
        public Totals since(Totals before) {
            return new Totals(count - before.count, millis - before.millis);
        }
    }

    /**
     * The collections so far, over every collector.
     *
     * @return their number and summed time
     */
    public static Totals totals() {
        long count = 0;
        long millis = 0;
        for (java.lang.management.GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, bean.getCollectionCount());
            millis += Math.max(0, bean.getCollectionTime());
        }
        return new Totals(count, millis);
    }

    private static final GcMonitor INSTANCE = new GcMonitor();

    private final List<Collection> collections = new ArrayList<>();
    private final double offsetMillis;

    private GcMonitor() {
        offsetMillis = ManagementFactory.getRuntimeMXBean().getUptime() - System.nanoTime() / 1e6;
        NotificationListener listener = (notification, handback) -> {
            if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                GarbageCollectionNotificationInfo info =
                        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                GcInfo gc = info.getGcInfo();
                synchronized (collections) {
                    collections.add(new Collection(info.getGcName(), gc.getStartTime(), gc.getEndTime()));
                }
            }
        };
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (bean instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
            }
        }
    }

    /** @return the monitor of this JVM, listening from its first use on */
    public static GcMonitor get() {
        return INSTANCE;
    }

    /** @return the current time on the collections' clock: ms since the JVM started */
    public double now() {
        return System.nanoTime() / 1e6 + offsetMillis;
    }

    /**
     * The collections that started inside any of the windows (notifications arrive shortly after a
     * collection ends, so ask once the measurements are over).
     *
     * @param windows pairs {start, end} on the {@link #now()} clock
     * @return their count, total and maximum duration
     */
    public Stats during(List<double[]> windows) {
        int count = 0;
        long total = 0;
        long max = 0;
        for (Collection collection : snapshot()) {
            for (double[] window : windows) {
                if (collection.startMillis() >= Math.floor(window[0]) && collection.startMillis() <= window[1]) {
                    count++;
                    total += collection.durationMillis();
                    max = Math.max(max, collection.durationMillis());
                    break;
                }
            }
        }
        return new Stats(count, total, max);
    }

    /**
     * How much of a time span garbage collections took (their overlap with it, summed), with one
     * millisecond of slack on each side for the clocks' resolution.
     *
     * @param start the span's start on the {@link #now()} clock
     * @param end its end
     * @return milliseconds of the span during which a collection ran
     */
    public double collectingDuring(double start, double end) {
        double total = 0;
        for (Collection collection : snapshot()) {
            double from = Math.max(start - 1, collection.startMillis());
            double to = Math.min(end + 1, collection.endMillis());
            if (to > from) {
                total += to - from;
            }
        }
        return total;
    }

    private List<Collection> snapshot() {
        synchronized (collections) {
            return new ArrayList<>(collections);
        }
    }
}
