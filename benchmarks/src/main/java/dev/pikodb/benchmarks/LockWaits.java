package dev.pikodb.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * The times a thread was blocked on a lock for at least a threshold, recorded by the JDK's own flight
 * recorder (events {@code jdk.ThreadPark} with a blocker object, which covers {@code java.util.concurrent}
 * locks and conditions, and {@code jdk.JavaMonitorEnter}). W8 uses it to tell a write that waited for the store (a compaction
 * holding the table, say) from one that was slow for the machine's reasons: a write thread that
 * never waits for a lock cannot have been held up by another thread of the store.
 */
public final class LockWaits implements AutoCloseable {

    /**
     * One wait.
     *
     * @param threadId the waiting thread
     * @param start when it started waiting
     * @param end when it got the lock
     */
    public record Wait(long threadId, Instant start, Instant end) {
        /** @return how long it waited */
        public Duration duration() {
            return Duration.between(start, end);
        }
    }

    private final Recording recording = new Recording();
    private final Duration threshold;
    private List<Wait> waits;

    /**
     * Starts recording the waits of every thread that last at least {@code threshold}.
     *
     * @param threshold the shortest wait recorded
     */
    public LockWaits(Duration threshold) {
        this.threshold = threshold;
        recording.enable("jdk.ThreadPark").withThreshold(threshold);
        recording.enable("jdk.JavaMonitorEnter").withThreshold(threshold);
        recording.setToDisk(true);
        recording.start();
    }

    /** Stops recording and reads what was recorded. */
    public void stop() {
        if (waits != null) {
            return;
        }
        recording.stop();
        waits = new ArrayList<>();
        try {
            Path file = Files.createTempFile("pikodb-bench-locks", ".jfr");
            try {
                recording.dump(file);
                for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
                    RecordedThread thread = event.getThread();
                    // A park without a blocker object is a sleep (LockSupport.parkNanos), not a lock wait.
                    boolean lock = !event.getEventType().getName().equals("jdk.ThreadPark")
                            || event.getClass("parkedClass") != null;
                    // Another recording in the JVM (-XX:StartFlightRecording) may lower the threshold for all.
                    boolean longEnough = event.getDuration().compareTo(threshold) >= 0;
                    if (thread != null && lock && longEnough) {
                        waits.add(new Wait(thread.getJavaThreadId(), event.getStartTime(), event.getEndTime()));
                    }
                }
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the lock waits of the flight recording failed", e);
        }
    }

    /**
     * The waits of one thread that overlap a time span.
     *
     * @param threadId the thread
     * @param from the span's start
     * @param to the span's end
     * @return the waits
     */
    public List<Wait> of(long threadId, Instant from, Instant to) {
        if (waits == null) {
            throw new IllegalStateException("stop() the recording first");
        }
        return waits.stream().filter(w -> w.threadId() == threadId && w.end().isAfter(from) && w.start().isBefore(to))
                .toList();
    }

    @Override
    public void close() {
        recording.close();
    }
}
