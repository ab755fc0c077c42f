package dev.pikodb.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.DatabaseRecord;
import dev.pikodb.ForwardingFileIO;
import dev.pikodb.NoSyncFileIO;
import dev.pikodb.PikoDB;
import dev.pikodb.TestFiles;
import dev.pikodb.TestHooks;
import dev.pikodb.internal.directory.io.FileIO;
import dev.pikodb.reliability.PowerLossFileIO.Content;
import dev.pikodb.reliability.PowerLossFileIO.Image;
import dev.pikodb.reliability.PowerLossFileIO.Names;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulated power failures at every file operation while several threads write durably to one table,
 * so that group commit makes one force cover several frames. At every instant, what survives (under
 * every model of {@link PowerLossFileIO}) opens and holds every write acknowledged before that instant,
 * and nothing that had not been started: per writer, the value read back is at least the last
 * acknowledged one and at most the last started one, and its version says it was that many writes.
 */
class ConcurrentPowerLossTest {

    private static final Logger log = LoggerFactory.getLogger(ConcurrentPowerLossTest.class);
    private static final int WRITERS = 4;
    private static final int WRITES = 8;

    @TempDir
    Path tmp;

    /** One instant: what each writer had acknowledged before it and started after it, and the files. */
    private record CrashPoint(String call, long[] acknowledged, long[] started, Image image) {
    }

    @Test
    void concurrentDurableWritersLoseNothingAcknowledgedWhileForcesCoverSeveralFrames() throws Exception {
        Path dir = tmp.resolve("live");
        java.nio.file.Files.createDirectories(dir);
        PowerLossFileIO powerLoss = new PowerLossFileIO(dir);
        ForceCounter forces = new ForceCounter(powerLoss);
        AtomicLongArray acknowledged = new AtomicLongArray(WRITERS);
        AtomicLongArray started = new AtomicLongArray(WRITERS);
        List<CrashPoint> points = Collections.synchronizedList(new ArrayList<>());
        powerLoss.onChange(call -> {
            long[] acked = snapshot(acknowledged);
            Image image = powerLoss.image();
            points.add(new CrashPoint(call, acked, snapshot(started), image));
        });

        PikoDB db = new PikoDB(TestHooks.withFileIO(
                DatabaseOptions.builder().databaseDirectory(dir).durableWrites(true), forces).build());
        db.start();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int writer = 0; writer < WRITERS; writer++) {
            int w = writer;
            done.add(pool.submit(() -> {
                go.await();
                for (int value = 1; value <= WRITES; value++) {
                    started.set(w, value);
                    assertThat(db.write("t", "w" + w, value)).isEqualTo(value);
                    acknowledged.set(w, value);
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> future : done) {
            future.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        points.add(new CrashPoint("all returned", snapshot(acknowledged), snapshot(started), powerLoss.image()));
        db.close();

        assertThat(forces.batchedForces()).as("forces of the journal that covered more than one frame (of %d forces)",
                forces.forces()).isPositive();

        int cases = 0;
        int opened = 0;
        Set<String> checked = new HashSet<>();
        List<String> failures = new ArrayList<>();
        for (CrashPoint point : points) {
            for (Names names : Names.values()) {
                for (Content content : Content.values()) {
                    cases++;
                    // Many cases leave the same files (nothing unforced, no directory entry changed since
                    // the last force, or the same instant seen by several writers): a case whose files and
                    // expectations (what each writer had acknowledged and started) were already opened and
                    // checked is the same check, since a restart over the same bytes makes the same of them.
                    Map<String, byte[]> surviving = point.image().surviving(names, content);
                    if (!checked.add(Image.digest(surviving) + " " + Arrays.toString(point.acknowledged()) + " "
                            + Arrays.toString(point.started()))) {
                        continue;
                    }
                    opened++;
                    Path crashed = tmp.resolve("crash-" + cases);
                    point.image().materialise(crashed, names, content);
                    try {
                        QuietLogs.quietly(() -> {
                            check(crashed, point);
                            return null;
                        });
                    } catch (AssertionError | RuntimeException e) {
                        failures.add("power failure after '" + point.call() + "', names " + names + ", content "
                                + content + ": " + e);
                    }
                    TestFiles.deleteTree(crashed);
                }
            }
        }
        log.info("{}", "concurrent power-loss crash points: " + points.size() + ", cases: " + cases
                + ", opened (distinct files and expectations): " + opened + ", journal forces: " + forces.forces() + ", of which covering several frames: "
                + forces.batchedForces());
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + cases + " power-loss cases failed; the first ones:\n"
                    + String.join("\n\n", failures.subList(0, Math.min(8, failures.size()))));
        }
    }

    private static void check(Path crashed, CrashPoint point) {
        DatabaseOptions.Builder builder = DatabaseOptions.builder().databaseDirectory(crashed).durableWrites(true);
        try (PikoDB db = new PikoDB(TestHooks.withFileIO(builder, NoSyncFileIO.INSTANCE).build())) {
            db.start();
            assertThat(db.quarantinedFiles()).as("quarantined").allSatisfy(file ->
                    assertThat(file.originalFile().getFileName().toString()).endsWith(".journal"));
            for (int w = 0; w < WRITERS; w++) {
                Optional<DatabaseRecord> record = db.getRecord("t", "w" + w);
                long acked = point.acknowledged()[w];
                if (record.isEmpty()) {
                    assertThat(acked).as("writer %d acknowledged %d writes, none survived", w, acked).isZero();
                    continue;
                }
                long value = ((Number) record.get().value()).longValue();
                assertThat(value).as("writer %d: value read back", w)
                        .isBetween(acked, point.started()[w]);
                assertThat(record.get().version()).as("writer %d: version of value %d", w, value).isEqualTo(value);
            }
        }
    }

    private static long[] snapshot(AtomicLongArray values) {
        long[] copy = new long[values.length()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = values.get(i);
        }
        return copy;
    }

    /**
     * Models a disk on which a force of a journal takes a while: it lasts until another frame has been
     * appended, or {@link #FORCE_TIME_MS} at most (a bounded wait, never an assertion), so that writers
     * queue up behind it as they do behind a real fsync. Counts the forces and how many of them made
     * more than one frame durable: the size of the file at a force, less its size at the previous force,
     * is more than one frame.
     */
    private static final class ForceCounter extends ForwardingFileIO {

        private static final long FORCE_TIME_MS = 50;

        private final AtomicInteger forces = new AtomicInteger();
        private final AtomicInteger batched = new AtomicInteger();

        ForceCounter(FileIO delegate) {
            super(delegate);
        }

        int forces() {
            return forces.get();
        }

        int batchedForces() {
            return batched.get();
        }

        @Override
        protected Handle wrap(Path path, Handle handle) {
            if (!path.getFileName().toString().endsWith(".journal")) {
                return handle;
            }
            return new ForwardingHandle(handle) {
                private long sizeAtLastForce;
                private int frameLength;

                @Override
                public void append(ByteBuffer source) throws IOException {
                    int length = source.remaining();
                    super.append(source);
                    synchronized (this) {
                        frameLength = length;
                        notifyAll();
                    }
                }

                @Override
                public void force() throws IOException {
                    synchronized (this) {
                        long size = size();
                        if (sizeAtLastForce > 0) {
                            forces.incrementAndGet();
                            if (size - sizeAtLastForce > frameLength) {
                                batched.incrementAndGet();
                            }
                        }
                        sizeAtLastForce = size;
                        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FORCE_TIME_MS);
                        try {
                            while (size() == size && System.nanoTime() < deadline) {
                                TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    super.force();
                }
            };
        }
    }
}
