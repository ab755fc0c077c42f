package dev.pikodb.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.Eventually;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The journal's file closed under its handle, as a thread interrupt closes it, at each step of the
 * journal's life: right after a background compaction renamed it to the retired journal, once the
 * next journal exists, while the table file is rewritten, and around flush, close, the release and
 * reopening of idle journals, and table deletion. After each, the next write goes through the closed
 * handle: it must succeed, reach the file it was meant for (the real files equal the power-loss
 * model's view of what was written to each file), and, in durable mode, every acknowledged write
 * must survive a power failure at each file operation from the closing until the step is over (the
 * model's images, keeping only what was forced, with the directory as last forced or as it is).
 */
class JournalChannelClosedTest {

    private static final String TABLE = "t";
    private static final int VALUE_BYTES = 8 * 1024;
    // A journal past 1 MiB is compacted: this many writes of VALUE_BYTES cross it.
    private static final int WRITES_TO_COMPACT = 140;

    /** Where the channel is closed; the retirement steps happen on the compaction's thread. */
    enum Step {
        AFTER_RENAME, AFTER_NEXT_JOURNAL, DURING_REWRITE, FLUSH, CLOSE, RELEASE_AND_REOPEN, DELETE_TABLE
    }

    @TempDir
    Path tmp;

    static Stream<Arguments> steps() {
        return Arrays.stream(Step.values()).flatMap(step -> Stream.of(Arguments.of(step, false),
                Arguments.of(step, true)));
    }

    /** What was acknowledged when an image was taken. */
    private record Point(String call, Map<String, String> acknowledged, Image image) {
    }

    /** Closes journal channels at the chosen step and runs a write through them right there. */
    private final class Injector extends ForwardingFileIO {
        final Step step;
        volatile FileIO.Handle journal;
        volatile FileIO.Handle retired;
        volatile boolean injected;
        // Power failures are modelled from the injection until the step is over.
        volatile boolean stepOver;
        volatile Runnable atInjection = () -> { };

        Injector(FileIO delegate, Step step) {
            super(delegate);
            this.step = step;
        }

        private boolean onCompactionThread() {
            return Thread.currentThread().getName().startsWith("pikodb-compaction");
        }

        private void inject(FileIO.Handle handle) {
            if (!injected) {
                injected = true;
                TestHooks.closeChannelAsAnInterruptWould(handle);
                atInjection.run();
            }
        }

        @Override
        protected Handle wrap(Path path, Handle handle) {
            if (!path.getFileName().toString().equals("." + TABLE + ".journal")) {
                return handle;
            }
            boolean next = onCompactionThread() && retired != null;
            Handle wrapped = new ForwardingHandle(handle) {
                @Override
                public void append(ByteBuffer source) throws IOException {
                    super.append(source);
                    // The header of the next journal, created by the compaction: it now exists, complete.
                    if (next && step == Step.AFTER_NEXT_JOURNAL && onCompactionThread()) {
                        inject(retired);
                    }
                }
            };
            journal = wrapped;
            return wrapped;
        }

        @Override
        public void atomicMove(Path source, Path target) throws IOException {
            super.atomicMove(source, target);
            if (target.getFileName().toString().equals("." + TABLE + ".retired")) {
                retired = journal;
            }
        }

        @Override
        public void forceDirectory(Path directory) throws IOException {
            // The compaction's first call once the rename is done, before the next journal exists.
            if (step == Step.AFTER_RENAME && retired != null && onCompactionThread()) {
                inject(retired);
            }
            super.forceDirectory(directory);
        }

        @Override
        public Handle open(Path path, boolean create, boolean truncate) throws IOException {
            if (step == Step.DURING_REWRITE && onCompactionThread()
                    && path.getFileName().toString().equals("." + TABLE + ".compact")) {
                inject(journal);
            }
            return super.open(path, create, truncate);
        }
    }

    @ParameterizedTest(name = "{0}, durableWrites={1}")
    @MethodSource("steps")
    void aJournalChannelClosedAtAnyStepFailsNothingAndMisplacesNothing(Step step, boolean durable) throws Exception {
        Path dir = tmp.resolve("live");
        Files.createDirectories(dir);
        PowerLossFileIO powerLoss = new PowerLossFileIO(dir);
        Injector io = new Injector(powerLoss, step);
        Map<String, String> acknowledged = Collections.synchronizedMap(new LinkedHashMap<>());
        List<Point> points = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        ExecutorService other = Executors.newSingleThreadExecutor();
        PikoDB db = new PikoDB(TestHooks.withFileIO(DatabaseOptions.builder().databaseDirectory(dir)
                .durableWrites(durable).maxOpenJournals(1), io).build());
        db.start();
        Writer writer = new Writer(db, acknowledged, failures);
        // From the instant the channel is closed, a power failure may strike at every file operation.
        powerLoss.onChange(call -> {
            if (io.injected && !io.stepOver) {
                points.add(new Point(call, copy(acknowledged), powerLoss.image()));
            }
        });
        // The write that goes through the closed channel, on another thread while the step waits for it.
        io.atInjection = () -> {
            try {
                other.submit(() -> writer.write("during")).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                failures.add(e);
            }
        };
        try {
            switch (step) {
                case AFTER_RENAME, AFTER_NEXT_JOURNAL, DURING_REWRITE -> {
                    for (int i = 0; i < WRITES_TO_COMPACT * 2 && db.statistics().compactions() == 0; i++) {
                        writer.write("before-" + i);
                    }
                    Eventually.await(() -> db.statistics().compactions() > 0);
                    assertThat(db.statistics().compactions()).as("compactions").isPositive();
                    assertThat(io.injected).as("the step was reached").isTrue();
                    io.stepOver = true;
                    writer.write("after");
                }
                case FLUSH -> {
                    writer.write("before");
                    io.inject(io.journal);
                    db.flush();
                    io.stepOver = true;
                    writer.write("after");
                }
                case CLOSE -> {
                    writer.write("before");
                    io.inject(io.journal);
                }
                case RELEASE_AND_REOPEN -> {
                    writer.write("before");
                    io.inject(io.journal);
                    // The budget is one journal: writing another table releases this one's, and the next
                    // write opens it again.
                    assertThat(db.write("other", "k", 1)).isEqualTo(1L);
                    writer.write("after");
                    io.injected = false;
                    io.inject(io.journal);
                    writer.write("last");
                }
                case DELETE_TABLE -> {
                    writer.write("before");
                    io.inject(io.journal);
                    // What a deletion removes need not survive it.
                    acknowledged.clear();
                    assertThat(db.deleteTable(TABLE)).isTrue();
                    writer.write("after");
                }
                default -> throw new IllegalStateException(step.name());
            }
            assertThat(failures).as("calls that failed").isEmpty();
            assertThat(db.failedTables()).as("failed tables").isEmpty();
        } finally {
            other.shutdownNow();
            db.close();
        }
        assertThat(failures).as("calls that failed").isEmpty();
        points.add(new Point("closed", copy(acknowledged), powerLoss.image()));

        // Every byte reached the file it was meant for: the real files are what was written to each.
        Map<String, PowerLossFileIO.FileImage> written = powerLoss.image().current();
        for (Map.Entry<String, PowerLossFileIO.FileImage> file : written.entrySet()) {
            Path real = dir.resolve(file.getKey());
            assertThat(Files.exists(real)).as("%s exists", file.getKey()).isTrue();
            assertThat(Arrays.equals(Files.readAllBytes(real), file.getValue().written()))
                    .as("%s holds exactly what was written to it (%d bytes on disk, %d written)", file.getKey(),
                            Files.size(real), file.getValue().written().length)
                    .isTrue();
        }
        try (PikoDB reopened = NoSyncFileIO.open(dir)) {
            assertThat(reopened.quarantinedFiles()).isEmpty();
            assertThat(reopened.getTableSize(TABLE)).isEqualTo(acknowledged.size());
            acknowledged.forEach((key, value) ->
                    assertThat(reopened.get(TABLE, key, String.class)).as(key).isEqualTo(value));
        }
        if (durable) {
            checkPowerLoss(points);
        }
    }

    private void checkPowerLoss(List<Point> points) {
        List<String> problems = new ArrayList<>();
        int cases = 0;
        for (Point point : points) {
            for (Names names : Names.values()) {
                // Acknowledged means forced: what was forced must be enough, whatever else was lost.
                for (Content content : List.of(Content.LAST_FORCED)) {
                    Path crashed = tmp.resolve("crash-" + cases++);
                    point.image().materialise(crashed, names, content);
                    try {
                        QuietLogs.quietly(() -> {
                            try (PikoDB db = NoSyncFileIO.open(crashed)) {
                                point.acknowledged().forEach((key, value) ->
                                        assertThat(db.get(TABLE, key, String.class)).as(key).isEqualTo(value));
                            }
                            return null;
                        });
                    } catch (AssertionError | RuntimeException e) {
                        problems.add("power failure after '" + point.call() + "', names " + names + ", content "
                                + content + ": " + e);
                    }
                    TestFiles.deleteTree(crashed);
                }
            }
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " of " + cases + " power-loss cases lost acknowledged writes; the first:\n"
                    + String.join("\n", problems.subList(0, Math.min(4, problems.size()))));
        }
    }

    private static Map<String, String> copy(Map<String, String> map) {
        synchronized (map) {
            return new LinkedHashMap<>(map);
        }
    }

    /** Writes one key per call and records what was acknowledged, or the failure. */
    private record Writer(PikoDB db, Map<String, String> acknowledged, List<Throwable> failures) {
        void write(String key) {
            char[] filler = new char[VALUE_BYTES];
            Arrays.fill(filler, (char) ('a' + Math.floorMod(key.hashCode(), 26)));
            String value = key + ":" + new String(filler);
            try {
                db.write(TABLE, key, value);
                acknowledged.put(key, value);
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
    }
}
