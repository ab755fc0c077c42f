package dev.pikodb.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.ForwardingFileIO;
import dev.pikodb.NoSyncFileIO;
import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBException;
import dev.pikodb.QuarantinedFile;
import dev.pikodb.TestFiles;
import dev.pikodb.TestHooks;
import dev.pikodb.internal.directory.io.FileIO;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The store under file system faults: a directory that refuses changes, table files replaced by
 * garbage (while closed and while open), and a journal whose appends fail.
 */
class FaultTest {

    @TempDir
    Path work;

    // ---- (a) a read-only directory --------------------------------------------------------------

    @Test
    void readOnlyDirectoryRefusesNewTablesAndCompactionButKeepsEveryAcknowledgedWrite() throws Exception {
        Path directory = work.resolve("db");
        Model model = new Model();
        PikoDB db = open(directory, FileIO.DEFAULT);
        try {
            model.write(db, "existing", "a", 1);
            model.write(db, "existing", "b", "bee");
            db.flush();
            model.write(db, "existing", "c", Map.of("nested", List.of(1, 2)));
            model.write(db, "existing", "a", 11);
            assertThat(db.delete("existing", "b")).isTrue();
            model.remove("existing", "b");
            List<String> tablesBefore = db.listTables();
            byte[] tableFile = TestFiles.read(directory.resolve("existing"));
            List<String> filesBefore = TestFiles.fileNames(directory);

            try (ReadOnly readOnly = ReadOnly.make(directory)) {
                // A new table needs a new journal file: refused, and nothing changes in memory.
                assertThatThrownBy(() -> db.write("fresh", "k", 1)).isInstanceOf(PikoDBException.class)
                        .hasMessageContaining("fresh");
                assertThat(db.get("fresh", "k")).isNull();
                assertThat(db.getRecord("fresh", "k")).isEmpty();
                assertThat(db.getTableSize("fresh")).isZero();
                assertThat(db.listTables()).isEqualTo(tablesBefore);
                assertThat(db.failedTables()).as("nothing was written, so nothing is in doubt").isEmpty();
                // Reads go on.
                assertThat(model.read(db)).isEqualTo(model.expected);

                // An existing table appends to its open journal: the directory is not involved.
                model.write(db, "existing", "d", "dee");
                byte[] journal = TestFiles.read(directory.resolve(".existing.journal"));

                // Compaction needs a new file and a rename: flush fails, and leaves both files as they were.
                assertThatThrownBy(db::flush).isInstanceOf(PikoDBException.class).hasMessageContaining("existing");
                assertThat(TestFiles.read(directory.resolve("existing"))).isEqualTo(tableFile);
                assertThat(TestFiles.read(directory.resolve(".existing.journal"))).isEqualTo(journal);
                assertThat(TestFiles.fileNames(directory)).isEqualTo(filesBefore);
                assertThat(model.read(db)).isEqualTo(model.expected);

                // A compaction due to journal growth fails too, quietly: the writes go on in the journal.
                for (int i = 0; i < 160; i++) {
                    model.write(db, "existing", "big" + (i % 30), "x".repeat(8_000 + i));
                }
                assertThat(db.tableSummary("existing").orElseThrow().journalBytes()).isGreaterThan(1 << 20);
                assertThat(db.failedTables()).isEmpty();
                assertThat(TestFiles.read(directory.resolve("existing"))).isEqualTo(tableFile);
                assertThat(model.read(db)).isEqualTo(model.expected);

                // A crash now loses nothing: the old table file plus the journal is every acknowledged write.
                Path image = TestFiles.copyDirectory(directory, work.resolve("image"));
                try (PikoDB recovered = NoSyncFileIO.open(image)) {
                    assertThat(model.read(recovered)).isEqualTo(model.expected);
                    assertThat(recovered.quarantinedFiles()).isEmpty();
                }
            }
        } finally {
            db.close();
        }
        // Writable again: close compacted, and the reopened store holds every acknowledged write.
        try (PikoDB reopened = open(directory, FileIO.DEFAULT)) {
            assertThat(model.read(reopened)).isEqualTo(model.expected);
            assertThat(reopened.listTables()).containsExactly("existing");
            assertThat(reopened.write("fresh", "k", 1)).isEqualTo(1);
        }
    }

    /** Makes a directory refuse new entries, renames and deletions; undone by {@link #close()}. */
    private static final class ReadOnly implements AutoCloseable {
        private final Path directory;
        private final boolean chattr;

        private ReadOnly(Path directory, boolean chattr) {
            this.directory = directory;
            this.chattr = chattr;
        }

        static ReadOnly make(Path directory) throws Exception {
            if (run("chattr", "+i", directory.toString())) {
                ReadOnly readOnly = new ReadOnly(directory, true);
                if (refusesNewFiles(directory)) {
                    return readOnly;
                }
                readOnly.close();
            }
            // Without chattr, fall back to permissions; they do not stop root.
            if (directory.toFile().setWritable(false, false)) {
                ReadOnly readOnly = new ReadOnly(directory, false);
                if (refusesNewFiles(directory)) {
                    return readOnly;
                }
                readOnly.close();
            }
            assumeTrue(false, "Cannot make " + directory + " read-only here: 'chattr +i' is unavailable or failed,"
                    + " and file permissions do not stop this user (root)");
            throw new IllegalStateException("unreachable");
        }

        private static boolean refusesNewFiles(Path directory) {
            Path probe = directory.resolve(".probe");
            try {
                Files.createFile(probe);
                Files.delete(probe);
                return false;
            } catch (IOException expected) {
                return true;
            }
        }

        private static boolean run(String... command) {
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        @Override
        public void close() {
            if (chattr) {
                assertThat(run("chattr", "-i", directory.toString())).as("chattr -i %s", directory).isTrue();
            } else {
                assertThat(directory.toFile().setWritable(true, true)).isTrue();
            }
        }
    }

    // ---- (b) a table file replaced by garbage while the store is closed ------------------------

    @Test
    void garbageTableFileIsMovedAsideIntactAndTheRestOfTheDatabaseOpens() throws Exception {
        Path directory = work.resolve("db");
        Model model = new Model();
        try (PikoDB db = open(directory, FileIO.DEFAULT)) {
            model.write(db, "good", "g1", "one");
            model.write(db, "good", "g2", List.of(2));
            db.write("bad", "b1", "soon garbage");
        }
        byte[] garbage = garbage(5_000);
        Files.write(directory.resolve("bad"), garbage);

        Path quarantine;
        try (PikoDB db = open(directory, FileIO.DEFAULT)) {
            List<QuarantinedFile> quarantined = db.quarantinedFiles();
            assertThat(quarantined).hasSize(1);
            QuarantinedFile kept = quarantined.get(0);
            assertThat(kept.table()).isEqualTo("bad");
            assertThat(kept.originalFile()).isEqualTo(directory.resolve("bad"));
            assertThat(kept.reason()).isNotBlank();
            assertThat(kept.detectedAt()).isNotNull();
            quarantine = kept.movedTo();
            assertThat(quarantine.getParent()).isEqualTo(directory);
            assertThat(quarantine.getFileName().toString()).startsWith(".");
            assertThat(TestFiles.read(quarantine)).as("the garbage is kept byte for byte").isEqualTo(garbage);
            assertThat(directory.resolve("bad")).doesNotExist();

            assertThat(db.listTables()).containsExactly("good");
            assertThat(db.get("bad", "b1")).isNull();
            assertThat(model.read(db)).isEqualTo(model.expected);
            model.write(db, "good", "g3", 3);
            // The name is free again: a new table starts from scratch, the kept file is not touched.
            model.write(db, "bad", "b2", "fresh");
        }
        try (PikoDB db = open(directory, FileIO.DEFAULT)) {
            assertThat(db.quarantinedFiles()).as("a kept file is not a table: nothing new to report").isEmpty();
            assertThat(model.read(db)).isEqualTo(model.expected);
        }
        assertThat(TestFiles.read(quarantine)).isEqualTo(garbage);
    }

    @Test
    void garbageTableFileWithAJournalIsMovedAsideWithItsJournal() {
        Path directory = work.resolve("db");
        Model model = new Model();
        Path image;
        byte[] journal;
        try (PikoDB db = open(directory, FileIO.DEFAULT)) {
            model.write(db, "good", "g1", "one");
            db.write("bad", "b1", "in the table file");
            db.flush();
            db.write("bad", "b2", "in the journal");
            model.write(db, "good", "g2", "two");
            image = TestFiles.copyDirectory(directory, work.resolve("image"));
            journal = TestFiles.read(image.resolve(".bad.journal"));
        }
        byte[] garbage = garbage(300);
        TestFiles.write(image.resolve("bad"), garbage);
        try (PikoDB db = NoSyncFileIO.open(image)) {
            List<QuarantinedFile> quarantined = db.quarantinedFiles();
            assertThat(quarantined).extracting(QuarantinedFile::table).containsOnly("bad");
            assertThat(quarantined).extracting(file -> file.originalFile().getFileName().toString())
                    .containsExactlyInAnyOrder("bad", ".bad.journal");
            for (QuarantinedFile kept : quarantined) {
                byte[] expected = kept.originalFile().getFileName().toString().equals("bad") ? garbage : journal;
                assertThat(TestFiles.read(kept.movedTo())).as("%s kept intact", kept.originalFile()).isEqualTo(expected);
            }
            assertThat(db.listTables()).containsExactly("good");
            assertThat(model.read(db)).isEqualTo(model.expected);
        }
    }

    // ---- (c) garbage written over a table file while the store is open -------------------------

    /**
     * While the store is open, memory is authoritative: the table file is only ever read at start,
     * and compaction rewrites it from memory. Garbage written over it by someone else was never data
     * the store wrote or acknowledged, so writes go on to the journal, and the next compaction (here
     * at close) replaces the garbage with the table held in memory. Had the process died before
     * that, the next start would find an unparseable table file and move it and its journal aside
     * (checked on a crash image below), as for any unreadable table file.
     */
    @Test
    void garbageOverATableFileWhileOpenIsReplacedFromMemory() {
        Path directory = work.resolve("db");
        Model model = new Model();
        byte[] garbage = garbage(2_000);
        Path image;
        try (PikoDB db = open(directory, FileIO.DEFAULT)) {
            model.write(db, "t", "k1", "one");
            model.write(db, "t", "k2", Map.of("two", 2));
            db.flush();
            model.write(db, "t", "k1", "one again");
            TestFiles.write(directory.resolve("t"), garbage);

            model.write(db, "t", "k3", "three");
            assertThat(db.delete("t", "k2")).isTrue();
            model.remove("t", "k2");
            assertThat(model.read(db)).isEqualTo(model.expected);
            assertThat(db.failedTables()).isEmpty();
            image = TestFiles.copyDirectory(directory, work.resolve("image"));
        }
        try (PikoDB db = open(directory, FileIO.DEFAULT)) {
            assertThat(db.quarantinedFiles()).isEmpty();
            assertThat(model.read(db)).as("after close, the table file holds the table in memory")
                    .isEqualTo(model.expected);
        }
        try (PikoDB crashed = NoSyncFileIO.open(image)) {
            assertThat(crashed.quarantinedFiles()).extracting(file -> file.originalFile().getFileName().toString())
                    .containsExactlyInAnyOrder("t", ".t.journal");
            assertThat(crashed.listTables()).isEmpty();
        }
    }

    // ---- (d) appends to a journal fail ---------------------------------------------------------

    @ParameterizedTest(name = "durableWrites={0}, half the frame written before the failure={1}")
    @CsvSource({"false,false", "false,true", "true,false", "true,true"})
    void failedAppendFailsTheTableUntilReopenAndLosesNothingAcknowledged(boolean durable, boolean partial) {
        Path directory = work.resolve("db");
        Model model = new Model();
        FailingAppends io = new FailingAppends(".victim.journal", partial);
        PikoDB db = open(directory, durable, io);
        try {
            model.write(db, "victim", "k1", "first");
            model.write(db, "victim", "k1", "second");
            model.write(db, "victim", "k2", 2);
            model.write(db, "other", "o1", "fine");

            io.failing = true;
            assertThatThrownBy(() -> db.write("victim", "k1", "third")).isInstanceOf(PikoDBException.class)
                    .hasMessageContaining("victim");
            assertThat(db.get("victim", "k1")).isEqualTo("second");
            assertThat(db.getRecord("victim", "k1").orElseThrow().version()).isEqualTo(2);
            assertThat(db.failedTables()).containsOnlyKeys("victim");
            assertThat(db.failedTables().get("victim")).contains(".victim.journal");

            // The table stays failed even once the disk would work again: its file's state is unknown.
            io.failing = false;
            assertThatThrownBy(() -> db.write("victim", "k3", "new")).isInstanceOf(PikoDBException.class);
            assertThatThrownBy(() -> db.delete("victim", "k2")).isInstanceOf(PikoDBException.class);
            assertThat(db.getRecord("victim", "k3")).isEmpty();
            assertThat(db.statistics().failedWrites()).isGreaterThanOrEqualTo(3);
            // Reads go on, other tables go on.
            assertThat(model.read(db)).isEqualTo(model.expected);
            model.write(db, "other", "o2", "still fine");
            model.write(db, "other", "o1", "overwritten");
            assertThat(db.failedTables()).containsOnlyKeys("victim");
        } finally {
            db.close();
        }
        try (PikoDB reopened = open(directory, durable, FileIO.DEFAULT)) {
            assertThat(reopened.failedTables()).isEmpty();
            assertThat(reopened.quarantinedFiles()).isEmpty();
            assertThat(model.read(reopened)).isEqualTo(model.expected);
            assertThat(reopened.write("victim", "k1", "third")).isEqualTo(3);
        }
    }

    /** Fails every append to one file while {@link #failing}, optionally after writing half of it. */
    private static final class FailingAppends extends ForwardingFileIO {
        private final String fileName;
        private final boolean partial;
        volatile boolean failing;

        FailingAppends(String fileName, boolean partial) {
            this.fileName = fileName;
            this.partial = partial;
        }

        @Override
        protected Handle wrap(Path path, Handle handle) {
            if (!path.getFileName().toString().equals(fileName)) {
                return handle;
            }
            return new ForwardingHandle(handle) {
                @Override
                public void append(ByteBuffer source) throws IOException {
                    if (!failing) {
                        super.append(source);
                        return;
                    }
                    if (partial) {
                        ByteBuffer half = source.duplicate();
                        half.limit(half.position() + half.remaining() / 2);
                        super.append(half);
                    }
                    throw new IOException("No space left on device (injected)");
                }
            };
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** The acknowledged state of every table. */
    private static final class Model {
        final Map<String, Map<String, TableState.Entry>> expected = new TreeMap<>();

        void write(PikoDB db, String table, String key, Object value) {
            long version = db.write(table, key, value);
            Map<String, TableState.Entry> rows = expected.computeIfAbsent(table, t -> new TreeMap<>());
            TableState.Entry before = rows.get(key);
            assertThat(version).isEqualTo(before == null ? 1 : before.version() + 1);
            rows.put(key, new TableState.Entry(version, value));
        }

        void remove(String table, String key) {
            expected.get(table).remove(key);
        }

        Map<String, Map<String, TableState.Entry>> read(PikoDB db) {
            Map<String, Map<String, TableState.Entry>> state = new TreeMap<>();
            for (String table : expected.keySet()) {
                state.put(table, TableState.read(db, table));
            }
            return state;
        }
    }

    private static byte[] garbage(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        byte[] start = "[[\"k\",{\"d\":".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(start, 0, bytes, 0, start.length);
        return bytes;
    }

    private static PikoDB open(Path directory, FileIO io) {
        return open(directory, false, io);
    }

    private static PikoDB open(Path directory, boolean durable, FileIO io) {
        PikoDB db = new PikoDB(TestHooks.withInlineCompaction(TestHooks.withFileIO(
                DatabaseOptions.builder().databaseDirectory(directory).durableWrites(durable), io)).build());
        db.start();
        return db;
    }
}
