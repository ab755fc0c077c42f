package dev.pikodb.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.Eventually;
import dev.pikodb.ForwardingFileIO;
import dev.pikodb.NoSyncFileIO;
import dev.pikodb.PikoDB;
import dev.pikodb.QuarantinedFile;
import dev.pikodb.TestFiles;
import dev.pikodb.TestHooks;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compaction runs beside the writers: a write never waits for a table file to be rewritten, and a
 * crash while the rewrite runs (a retired journal and a new journal both on disk) loses and
 * duplicates nothing.
 *
 * <p>A file layer stops the background compaction at two instants, each until the test lets it go:
 * when it starts writing the new table file (the journal is retired, a new one takes the writes) and
 * just before it deletes the retired journal (the new table file is durably in place). While it is
 * stopped the test goes on writing to the same table, which proves that writes do not wait for the
 * rewrite (were the compaction on the writer's path, the writer itself would be stopped, and the
 * gate would time out and fail the test), and copies the directory: exactly what a crash at that
 * instant leaves. Every copy must open with every write acknowledged before it.
 */
class BackgroundCompactionTest {

    private static final String TABLE = "orders";
    private static final long GATE_SECONDS = 30;

    @TempDir
    Path work;

    /** Stops a compaction at an instant until released; never longer than {@link #GATE_SECONDS}. */
    private static final class Gate {
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        volatile boolean timedOut;
        volatile String thread;

        void pass() throws IOException {
            if (reached.getCount() == 0) {
                return;
            }
            thread = Thread.currentThread().getName();
            reached.countDown();
            try {
                if (!released.await(GATE_SECONDS, TimeUnit.SECONDS)) {
                    timedOut = true;
                    throw new IOException("the test never released the compaction (it ran on the writer's thread?)");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }

        void awaitReached() throws InterruptedException {
            assertThat(reached.await(GATE_SECONDS, TimeUnit.SECONDS)).as("compaction reached the gate").isTrue();
        }
    }

    /** Holds the compaction of {@link #TABLE} at its table file's first bytes and before the retired journal's deletion. */
    private static final class GatedFileIO extends ForwardingFileIO {
        final Gate rewriting = new Gate();
        final Gate retiring = new Gate();

        @Override
        protected Handle wrap(Path path, Handle handle) {
            if (!path.getFileName().toString().equals("." + TABLE + ".compact")) {
                return handle;
            }
            return new ForwardingHandle(handle) {
                @Override
                public void append(ByteBuffer source) throws IOException {
                    rewriting.pass();
                    super.append(source);
                }
            };
        }

        @Override
        public boolean deleteIfExists(Path path) throws IOException {
            if (path.getFileName().toString().equals("." + TABLE + ".retired")) {
                retiring.pass();
            }
            return super.deleteIfExists(path);
        }
    }

    /** The model: what has been acknowledged, as version and value per key. */
    private static final class Model {
        final Map<String, TableState.Entry> rows = new TreeMap<>();
        final Random random = new Random(42);
        int counter;

        void step(PikoDB db, int padding) {
            String key = "k" + random.nextInt(60);
            TableState.Entry current = rows.get(key);
            counter++;
            if (current != null && random.nextInt(10) == 0) {
                assertThat(db.delete(TABLE, key)).isTrue();
                rows.remove(key);
                return;
            }
            Map<String, Object> value = Map.of("n", counter, "pad", "x".repeat(padding));
            long version = db.write(TABLE, key, value);
            assertThat(version).isEqualTo(current == null ? 1 : current.version() + 1);
            rows.put(key, new TableState.Entry(version, value));
        }
    }

    @ParameterizedTest(name = "durableWrites={0}")
    @ValueSource(booleans = {false, true})
    void writesGoOnWhileTheTableFileIsRewrittenAndACrashThenLosesNothing(boolean durable) throws Exception {
        Path directory = work.resolve("db");
        GatedFileIO io = new GatedFileIO();
        Model model = new Model();
        Map<String, TableState.Entry> atRewrite;
        Map<String, TableState.Entry> atRetire;
        Path duringRewrite = work.resolve("crash-during-rewrite");
        Path beforeRetiredDeleted = work.resolve("crash-before-retired-deleted");
        try (PikoDB db = open(directory, durable, io)) {
            // ~8 KB values: the journal passes the 1 MiB threshold after ~130 writes.
            while (io.rewriting.reached.getCount() > 0 && model.counter < 1_000) {
                model.step(db, 8_000);
            }
            io.rewriting.awaitReached();
            assertThat(io.rewriting.thread).as("the thread that rewrites the table file").startsWith("pikodb-compaction");

            // The compaction is stopped in the middle of the new table file: writes go on.
            int before = model.counter;
            for (int i = 0; i < 200; i++) {
                model.step(db, 2_000);
            }
            assertThat(model.counter - before).isEqualTo(200);
            assertThat(TestFiles.fileNames(directory)).contains("." + TABLE + ".retired", "." + TABLE + ".journal",
                    "." + TABLE + ".compact");
            TestFiles.copyDirectory(directory, duringRewrite);
            atRewrite = new TreeMap<>(model.rows);

            io.rewriting.released.countDown();
            io.retiring.awaitReached();
            // The new table file is in place; the retired journal is about to go.
            TestFiles.copyDirectory(directory, beforeRetiredDeleted);
            atRetire = new TreeMap<>(model.rows);
            io.retiring.released.countDown();

            for (int i = 0; i < 100; i++) {
                model.step(db, 2_000);
            }
            awaitNoRetiredJournal(directory);
            assertThat(db.failedTables()).isEmpty();
            assertThat(TableState.read(db, TABLE)).isEqualTo(model.rows);
        }
        assertThat(io.rewriting.timedOut || io.retiring.timedOut).as("a gate timed out").isFalse();

        assertRecovers(duringRewrite, atRewrite);
        assertRecovers(beforeRetiredDeleted, atRetire);
        try (PikoDB reopened = NoSyncFileIO.open(directory)) {
            assertThat(TableState.read(reopened, TABLE)).isEqualTo(model.rows);
        }
    }

    @Test
    void aRetiredJournalCutShortWithWritesAfterItOpensItsIntactPrefixAndKeepsBothFilesAside() throws Exception {
        Path image = crashImageDuringRewrite(new Model(), 20);
        // The crash image loses the last bytes of the retired journal (a page never written back),
        // while the journal after it holds writes.
        Path retired = image.resolve("." + TABLE + ".retired");
        long length = Files.size(retired);
        try (RandomAccessFile file = new RandomAccessFile(retired.toFile(), "rw")) {
            file.setLength(length - 100);
        }
        try (PikoDB db = NoSyncFileIO.open(image)) {
            assertThat(db.failedTables()).isEmpty();
            assertThat(db.quarantinedFiles()).extracting(QuarantinedFile::originalFile)
                    .containsExactlyInAnyOrder(retired.toAbsolutePath(),
                            image.resolve("." + TABLE + ".journal").toAbsolutePath());
            Map<String, TableState.Entry> opened = TableState.read(db, TABLE);
            assertThat(opened).as("the writes before the gap").isNotEmpty();
            // Writes after the start land after the prefix, with the versions that follow it.
            String key = opened.keySet().iterator().next();
            assertThat(db.write(TABLE, key, Map.of("after", true))).isEqualTo(opened.get(key).version() + 1);
            db.flush();
            assertThat(TestFiles.fileNames(image)).doesNotContain("." + TABLE + ".retired");
        }
    }

    @Test
    void aRetiredJournalCutShortWithNothingAfterItIsReplayedUpToTheCut() throws Exception {
        Path image = crashImageDuringRewrite(new Model(), 0);
        // Writes made between the journal's retirement and the gate went to the next journal: without
        // it, the image holds exactly what the retired journal holds.
        Files.deleteIfExists(image.resolve("." + TABLE + ".journal"));
        Path uncut = work.resolve("uncut");
        TestFiles.copyDirectory(image, uncut);
        Map<String, TableState.Entry> whole;
        try (PikoDB db = NoSyncFileIO.open(uncut)) {
            whole = TableState.read(db, TABLE);
        }
        Path retired = image.resolve("." + TABLE + ".retired");
        try (RandomAccessFile file = new RandomAccessFile(retired.toFile(), "rw")) {
            file.setLength(Files.size(retired) - 3);
        }
        try (PikoDB db = NoSyncFileIO.open(image)) {
            assertThat(db.quarantinedFiles()).isEmpty();
            assertThat(db.failedTables()).isEmpty();
            Map<String, TableState.Entry> opened = TableState.read(db, TABLE);
            // Every write but the one whose frame was cut: exactly one key differs.
            Set<String> keys = new TreeSet<>(whole.keySet());
            keys.addAll(opened.keySet());
            keys.removeIf(key -> Objects.equals(whole.get(key), opened.get(key)));
            assertThat(keys).as("keys whose last write was lost to the cut").hasSize(1);
        }
        try (PikoDB db = NoSyncFileIO.open(image)) {
            assertThat(db.quarantinedFiles()).as("the cut was made once").isEmpty();
        }
    }

    /**
     * Writes until a background compaction starts rewriting the table file, stops it there, makes
     * {@code writesAfter} more small writes, and returns a copy of the directory at that instant.
     */
    private Path crashImageDuringRewrite(Model model, int writesAfter) throws Exception {
        Path directory = work.resolve("db");
        GatedFileIO io = new GatedFileIO();
        Path image = work.resolve("image");
        try (PikoDB db = open(directory, false, io)) {
            while (io.rewriting.reached.getCount() > 0 && model.counter < 1_000) {
                model.step(db, 8_000);
            }
            io.rewriting.awaitReached();
            for (int i = 0; i < writesAfter; i++) {
                model.step(db, 100);
            }
            TestFiles.copyDirectory(directory, image);
            io.rewriting.released.countDown();
            io.retiring.released.countDown();
        }
        return image;
    }

    private static void assertRecovers(Path image, Map<String, TableState.Entry> acknowledged) {
        try (PikoDB db = NoSyncFileIO.open(image)) {
            assertThat(db.quarantinedFiles()).as("quarantined in %s", image).isEmpty();
            assertThat(db.failedTables()).isEmpty();
            assertThat(TableState.read(db, TABLE)).as("every acknowledged write of %s", image).isEqualTo(acknowledged);
            // Once reopened, the compaction the crash cut short is completed.
            awaitNoRetiredJournal(image);
        }
        try (PikoDB db = NoSyncFileIO.open(image)) {
            assertThat(TableState.read(db, TABLE)).isEqualTo(acknowledged);
        }
    }

    private static void awaitNoRetiredJournal(Path directory) {
        Eventually.await(() -> !TestFiles.fileNames(directory).contains("." + TABLE + ".retired"));
        assertThat(TestFiles.fileNames(directory)).as("retired journal removed in time")
                .doesNotContain("." + TABLE + ".retired");
    }

    private static PikoDB open(Path directory, boolean durable, dev.pikodb.internal.directory.io.FileIO io) {
        PikoDB db = new PikoDB(TestHooks.withFileIO(
                DatabaseOptions.builder().databaseDirectory(directory).durableWrites(durable), io).build());
        db.start();
        return db;
    }
}
