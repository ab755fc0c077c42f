package dev.pikodb.reliability;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.NoSyncFileIO;
import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBException;
import dev.pikodb.QuarantinedFile;
import dev.pikodb.TestFiles;
import dev.pikodb.TestHooks;
import dev.pikodb.reliability.Workload.Rec;
import dev.pikodb.reliability.Workload.State;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages a small journal and a small table file in every way a disk or a careless hand can: a
 * flipped byte at every position, truncation at every offset, garbage appended. Every case opens (or
 * fails with a {@link PikoDBException} that names the file), and nothing provably intact is lost:
 * a journal keeps every frame before the damage; a damaged table file either reads as the same
 * content (or differs only in the record the damage fell in) or is moved aside with its damaged
 * bytes untouched.
 */
class CorruptionMatrixTest {

    private static final Logger log = LoggerFactory.getLogger(CorruptionMatrixTest.class);

    @TempDir
    Path tmp;

    private int cases;
    private int refusedToOpen;
    private final List<String> failures = new ArrayList<>();

    /** A database over {@code dir} that skips fsync: nothing here survives a reboot anyway. */
    private static PikoDB open(Path dir) {
        DatabaseOptions.Builder builder = DatabaseOptions.builder().databaseDirectory(dir).clock(Workload.CLOCK);
        return new PikoDB(TestHooks.withFileIO(builder, NoSyncFileIO.INSTANCE).build());
    }

    // ---- journal -------------------------------------------------------------------------------

    /** The journal of table j after five writes, as a killed process leaves it, and the state after each frame. */
    private record JournalSample(byte[] bytes, int headerLength, int[] frameEnds, List<Map<String, Rec>> states) {

        /** The index of the frame that contains {@code position}. */
        int frameAt(int position) {
            for (int i = 0; i < frameEnds.length; i++) {
                if (position < frameEnds[i]) {
                    return i;
                }
            }
            throw new IllegalArgumentException("position " + position + " is past the journal");
        }

        /** The number of complete frames in the first {@code length} bytes. */
        int framesWithin(int length) {
            int frames = 0;
            while (frames < frameEnds.length && frameEnds[frames] <= length) {
                frames++;
            }
            return frames;
        }
    }

    private JournalSample journalSample() {
        Path dir = tmp.resolve("journal-sample");
        List<Map<String, Rec>> states = new ArrayList<>();
        states.add(Map.of());
        byte[] bytes;
        try (PikoDB db = open(dir)) {
            db.start();
            List<Consumer<PikoDB>> writes = List.of(
                    d -> d.write("j", "a", 1),
                    d -> d.write("j", "b", Map.of("x", List.of(1, 2), "s", "ünïcødé ☃ \"quoted\"")),
                    d -> d.write("j", "a", 2, Workload.T0 + 86_400_000L),
                    d -> d.delete("j", "b"),
                    d -> d.write("j", "c", "text"));
            for (Consumer<PikoDB> write : writes) {
                write.accept(db);
                states.add(Workload.read(db).table("j"));
            }
            bytes = TestFiles.read(dir.resolve(".j.journal"));
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int headerLength = 8 + 2 + in.getShort(8) + 4;
        int[] frameEnds = new int[5];
        int position = headerLength;
        for (int i = 0; i < 5; i++) {
            position += 8 + in.getInt(position);
            frameEnds[i] = position;
        }
        assertThat(position).as("five frames fill the journal").isEqualTo(bytes.length);
        return new JournalSample(bytes, headerLength, frameEnds, states);
    }

    @Test
    void damagedJournalsKeepEveryFrameBeforeTheDamage() {
        JournalSample sample = journalSample();
        byte[] original = sample.bytes();
        int frames = sample.frameEnds().length;

        for (int position = 0; position < original.length; position++) {
            byte[] damaged = original.clone();
            damaged[position] ^= 0x01;
            boolean inHeader = position < sample.headerLength();
            int frame = inHeader ? -1 : sample.frameAt(position);
            journalCase("bit flip at byte " + position, damaged, (db, quarantined) -> {
                if (inHeader) {
                    assertThat(db.get("j")).as("a journal whose header is damaged has no table to belong to").isEmpty();
                    return;
                }
                assertThat(Workload.read(db).table("j")).as("the %d frames before the damaged frame %d", frame, frame)
                        .isEqualTo(sample.states().get(frame));
                if (frame < frames - 1) {
                    assertThat(quarantined).as("a damaged frame followed by valid ones is reported").hasSize(1);
                }
            });
        }

        for (int length = 0; length < original.length; length++) {
            byte[] cut = Arrays.copyOf(original, length);
            int complete = length < sample.headerLength() ? 0 : sample.framesWithin(length);
            int validLength = length < sample.headerLength() ? -1 : complete == 0 ? sample.headerLength()
                    : sample.frameEnds()[complete - 1];
            journalCase("truncated to " + length + " bytes", cut, (db, quarantined) -> {
                assertThat(quarantined).as("a truncated journal is a torn write, not damage").isEmpty();
                assertThat(Workload.read(db).table("j")).as("the %d complete frames", complete)
                        .isEqualTo(sample.states().get(complete));
                if (validLength >= 0) {
                    assertThat(Files.size(db.databaseDirectory().resolve(".j.journal")))
                            .as("the torn tail is cut off").isEqualTo(validLength);
                }
            });
        }

        Map<String, byte[]> garbage = garbage(Arrays.copyOfRange(original, sample.headerLength(), sample.frameEnds()[0]));
        garbage.forEach((name, tail) -> {
            byte[] longer = Arrays.copyOf(original, original.length + tail.length);
            System.arraycopy(tail, 0, longer, original.length, tail.length);
            boolean validFrameFollows = name.endsWith("then a valid frame");
            journalCase("appended " + name, longer, (db, quarantined) -> {
                assertThat(Workload.read(db).table("j")).as("every frame").isEqualTo(sample.states().get(frames));
                assertThat(quarantined).as("reported as damage").hasSize(validFrameFollows ? 1 : 0);
            });
        });

        finish("journal");
    }

    /** Garbage tails; the last one hides a valid frame ({@code frame}) behind a bad one. */
    private static Map<String, byte[]> garbage(byte[] frame) {
        Map<String, byte[]> tails = new LinkedHashMap<>();
        tails.put("1 zero byte", new byte[1]);
        tails.put("8 zero bytes", new byte[8]);
        tails.put("a zeroed page", new byte[4096]);
        byte[] ones = new byte[16];
        Arrays.fill(ones, (byte) 0xFF);
        tails.put("16 0xFF bytes", ones);
        byte[] random = new byte[100];
        new Random(42).nextBytes(random);
        tails.put("100 random bytes", random);
        tails.put("half a frame", Arrays.copyOf(frame, frame.length / 2));
        tails.put("a frame with a wrong checksum", flip(frame, 5));
        tails.put("text", "garbage\n".getBytes(StandardCharsets.UTF_8));
        byte[] hidden = new byte[7 + frame.length];
        Arrays.fill(hidden, 0, 7, (byte) 0x5A);
        System.arraycopy(frame, 0, hidden, 7, frame.length);
        tails.put("7 bad bytes then a valid frame", hidden);
        return tails;
    }

    private static byte[] flip(byte[] bytes, int position) {
        byte[] copy = bytes.clone();
        copy[position] ^= 0x01;
        return copy;
    }

    private interface Check {
        void accept(PikoDB db, List<QuarantinedFile> quarantined) throws Exception;
    }

    private void journalCase(String name, byte[] journal, Check check) {
        runCase("journal " + name, ".j.journal", journal, check);
    }

    private void runCase(String name, String file, byte[] content, Check check) {
        cases++;
        Path dir = tmp.resolve("case-" + cases);
        try {
            Files.createDirectories(dir);
            TestFiles.write(dir.resolve(file), content);
            QuietLogs.quietly(() -> {
                try (PikoDB db = open(dir)) {
                    try {
                        db.start();
                    } catch (PikoDBException e) {
                        refusedToOpen++;
                        assertThat(e.getMessage()).as("a start that fails names the file").contains(file);
                        return null;
                    }
                    List<QuarantinedFile> quarantined = db.quarantinedFiles();
                    for (QuarantinedFile moved : quarantined) {
                        assertThat(TestFiles.read(moved.movedTo())).as("the quarantined copy of %s holds the damaged"
                                + " bytes", moved.originalFile()).isEqualTo(content);
                        assertThat(moved.reason()).isNotBlank();
                    }
                    check.accept(db, quarantined);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return null;
            });
        } catch (AssertionError | RuntimeException | java.io.IOException e) {
            failures.add(name + ": " + e);
        } finally {
            TestFiles.deleteTree(dir);
        }
    }

    private void finish(String what) {
        log.info("{}", "corruption cases (" + what + "): " + cases + ", refused to open with a named error: "
                + refusedToOpen);
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + cases + " " + what + " corruption cases failed; the first ones:\n"
                    + String.join("\n", failures.subList(0, Math.min(10, failures.size()))));
        }
    }

    /**
     * A journal is deleted at start only when it is provably a header that was never completely
     * written; a journal whose header is damaged while complete frames follow it is kept aside (and
     * reported), since those frames are acknowledged writes.
     */
    @Test
    void aJournalWithADamagedHeaderAndIntactFramesIsKeptAside() {
        JournalSample sample = journalSample();
        for (int position = 0; position < sample.headerLength(); position++) {
            byte[] damaged = sample.bytes().clone();
            damaged[position] ^= 0x01;
            int at = position;
            runCase("journal header bit flip at byte " + position, ".j.journal", damaged, (db, quarantined) -> {
                assertThat(quarantined).as("journal with a damaged header (byte %d) and 5 intact frames is kept"
                        + " aside and reported, not deleted; files now: %s", at,
                        TestFiles.fileNames(db.databaseDirectory())).hasSize(1);
            });
        }
        finish("journal header");
    }

    // ---- table file ------------------------------------------------------------------------------

    private record TableSample(byte[] bytes, Map<String, Rec> records, Map<String, int[]> spans) {

        /** The key of the record whose line contains {@code position}, or null outside every record. */
        String keyAt(int position) {
            for (Map.Entry<String, int[]> span : spans.entrySet()) {
                if (position >= span.getValue()[0] && position < span.getValue()[1]) {
                    return span.getKey();
                }
            }
            return null;
        }
    }

    private TableSample tableSample() {
        Path dir = tmp.resolve("table-sample");
        Map<String, Rec> records;
        try (PikoDB db = open(dir)) {
            db.start();
            db.write("t", "alpha", Map.of("name", "Alice", "tags", List.of("a", "b")));
            db.write("t", "beta", "two\nlines \"quoted\" ☃");
            db.write("t", "gamma", 12345, Workload.T0 + 86_400_000L);
            db.write("t", "gamma", 12346, Workload.T0 + 86_400_000L);
            db.write("t", "delta", null);
            records = Workload.read(db).table("t");
        }
        byte[] bytes = TestFiles.read(dir.resolve("t"));
        Map<String, int[]> spans = new LinkedHashMap<>();
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int start = 0;
        for (String line : text.split("\n", -1)) {
            int end = start + line.length() + 1;
            for (String key : records.keySet()) {
                if (line.contains("[\"" + key + "\",")) {
                    spans.put(key, new int[] {start, end});
                }
            }
            start = end;
        }
        assertThat(spans).as("one line per record in %s", text).hasSameSizeAs(records);
        return new TableSample(bytes, records, spans);
    }

    @Test
    void damagedTableFilesReadTheSameOrAreMovedAside() {
        TableSample sample = tableSample();
        byte[] original = sample.bytes();

        for (int mask : new int[] {0x01, 0xFF}) {
            for (int position = 0; position < original.length; position++) {
                byte[] damaged = original.clone();
                damaged[position] ^= (byte) mask;
                String damagedKey = sample.keyAt(position);
                tableCase("xor 0x" + Integer.toHexString(mask) + " at byte " + position, damaged, loaded -> {
                    assertThat(loaded.size()).as("record count").isLessThanOrEqualTo(sample.records().size());
                    int foreign = 0;
                    for (Map.Entry<String, Rec> entry : loaded.entrySet()) {
                        if (!sample.records().containsKey(entry.getKey())) {
                            foreign++;
                        }
                    }
                    assertThat(foreign).as("keys that were not in the file").isLessThanOrEqualTo(damagedKey == null ? 0 : 1);
                    boolean damagedKeyChanged = damagedKey != null && !loaded.containsKey(damagedKey);
                    for (Map.Entry<String, Rec> entry : sample.records().entrySet()) {
                        if (entry.getKey().equals(damagedKey) || damagedKeyChanged && loaded.containsKey(entry.getKey())
                                && !loaded.get(entry.getKey()).equals(entry.getValue()) && foreign == 0) {
                            continue;
                        }
                        assertThat(loaded.get(entry.getKey())).as("record %s, which the damage did not touch",
                                entry.getKey()).isEqualTo(entry.getValue());
                    }
                });
            }
        }

        for (int length = 0; length < original.length; length++) {
            tableCase("truncated to " + length + " bytes", Arrays.copyOf(original, length),
                    loaded -> assertThat(loaded).isEqualTo(sample.records()));
        }

        Map<String, byte[]> tails = new LinkedHashMap<>();
        tails.put("whitespace", " \n\t\n".getBytes(StandardCharsets.UTF_8));
        tails.put("a closing bracket", "]".getBytes(StandardCharsets.UTF_8));
        tails.put("another record", ",[\"evil\",{\"d\":1,\"v\":1,\"t\":0,\"x\":null}]]".getBytes(StandardCharsets.UTF_8));
        tails.put("the whole file again", original);
        tails.put("NUL bytes", new byte[16]);
        byte[] ones = new byte[16];
        Arrays.fill(ones, (byte) 0xFF);
        tails.put("0xFF bytes", ones);
        tails.put("text", "garbage".getBytes(StandardCharsets.UTF_8));
        tails.forEach((name, tail) -> {
            byte[] longer = Arrays.copyOf(original, original.length + tail.length);
            System.arraycopy(tail, 0, longer, original.length, tail.length);
            tableCase("appended " + name, longer, loaded -> assertThat(loaded).isEqualTo(sample.records()));
        });

        finish("table file");
    }

    /**
     * A damaged table file: either the table is moved aside (absent, reported, the damaged bytes kept)
     * or it loads and {@code check} judges what it holds.
     */
    private void tableCase(String name, byte[] content, Consumer<Map<String, Rec>> check) {
        runCase("table file " + name, "t", content, (db, quarantined) -> {
            if (!quarantined.isEmpty()) {
                assertThat(quarantined).hasSize(1);
                assertThat(quarantined.get(0).table()).isEqualTo("t");
                assertThat(db.listTables()).as("a quarantined table is absent").doesNotContain("t");
                assertThat(db.databaseDirectory().resolve("t")).as("moved, not copied").doesNotExist();
                return;
            }
            State state = Workload.read(db);
            check.accept(state.table("t"));
        });
    }
}
