package dev.pikodb.crash;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.pikodb.NoSyncFileIO;
import dev.pikodb.PikoDB;
import dev.pikodb.QuarantinedFile;
import dev.pikodb.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts and damages a journal at every byte and checks what a restart makes of it.
 *
 * <p>A crash while appending leaves a journal that ends anywhere: inside a frame header, inside a
 * payload, exactly on a frame boundary. Whatever the cut, the table must open holding exactly the
 * writes of the complete frames before it: the state after the last complete frame, never a torn
 * value, never an error. A changed byte in the last frame is the same torn write; a changed byte in
 * an earlier frame, with valid frames after it, is damage to acknowledged data: the table opens with
 * the frames before the damage and the journal is kept aside, bytes intact, and reported.
 *
 * <p>The crash image is taken by copying the directory while the store is open (what SIGKILL
 * leaves), after writing one operation at a time and noting the journal's size after each: those
 * sizes are the frame boundaries, and the model after each operation is the expected state there.
 */
class TornJournalTest {

    private static final Logger log = LoggerFactory.getLogger(TornJournalTest.class);
    private static final String TABLE = "orders";
    private static final String JOURNAL = "." + TABLE + ".journal";

    @TempDir
    Path work;

    /** A crash image and the expected table at each frame boundary of its journal. */
    private record Image(Path directory, byte[] journal, long headerEnd, List<Long> boundaries,
            List<Map<String, TableState.Entry>> states, Map<String, TableState.Entry> base, boolean hasTableFile) {

        /** The index of the last complete frame boundary at or before {@code offset}; -1 inside the header. */
        int boundaryAtOrBefore(long offset) {
            int index = -1;
            for (int i = 0; i < boundaries.size() && boundaries.get(i) <= offset; i++) {
                index = i;
            }
            return index;
        }

        Map<String, TableState.Entry> stateAt(int boundary) {
            return boundary < 0 ? base : states.get(boundary);
        }

        int frames() {
            return boundaries.size() - 1;
        }
    }

    @ParameterizedTest(name = "table file present={0}")
    @ValueSource(booleans = {true, false})
    void journalCutAtEveryByteOpensWithTheCompleteFramesBeforeTheCut(boolean withTableFile) {
        Image image = buildImage(withTableFile);
        Path scratch = work.resolve("scratch");
        int torn = 0;
        int clean = 0;
        try (LogCapture logs = LogCapture.engine()) {
            for (int offset = 0; offset <= image.journal().length; offset++) {
                if (!withTableFile && !worthCutting(image, offset)) {
                    continue;
                }
                logs.clear();
                TestFiles.copyDirectory(image.directory(), scratch);
                TestFiles.write(scratch.resolve(JOURNAL), Arrays.copyOf(image.journal(), offset));
                int boundary = image.boundaryAtOrBefore(offset);
                Map<String, TableState.Entry> expected = image.stateAt(boundary);
                String context = "journal of " + image.journal().length + " bytes cut at byte " + offset
                        + " (last complete boundary " + (boundary < 0 ? "none, inside the header"
                        : "#" + boundary + " at " + image.boundaries().get(boundary)) + ")";
                try (PikoDB db = NoSyncFileIO.open(scratch)) {
                    assertThat(TableState.read(db, TABLE)).as(context).isEqualTo(expected);
                    assertThat(db.quarantinedFiles()).as(context).isEmpty();
                    assertThat(db.failedTables()).as(context).isEmpty();
                    if (!image.hasTableFile() && offset < image.headerEnd()) {
                        assertThat(db.listTables()).as("a journal cut inside its header holds no table: %s", context)
                                .isEmpty();
                    } else {
                        assertThat(db.listTables()).as(context).containsExactly(TABLE);
                    }
                    boolean onBoundary = boundary >= 0 && image.boundaries().get(boundary) == offset;
                    if (onBoundary) {
                        assertThat(logs.problems()).as("a journal ending on a frame boundary is clean: %s", context)
                                .isEmpty();
                        clean++;
                    } else {
                        assertThat(logs.messages(Level.WARN)).as("a torn journal is reported: %s", context)
                                .anySatisfy(message -> assertThat(message).contains(JOURNAL));
                        assertThat(logs.messages(Level.ERROR)).as(context).isEmpty();
                        torn++;
                    }
                    if (!onBoundary && offset % 8 != 0) {
                        continue;
                    }
                    // The recovered table goes on taking writes that survive the next restart (checked at
                    // every boundary and every 8th byte).
                    db.write(TABLE, "after-recovery", offset);
                }
                try (PikoDB db = NoSyncFileIO.open(scratch)) {
                    Map<String, TableState.Entry> afterWrite = new TreeMap<>(expected);
                    afterWrite.put("after-recovery", new TableState.Entry(1, offset));
                    assertThat(TableState.read(db, TABLE)).as("after a write on the recovered table, %s", context)
                            .isEqualTo(afterWrite);
                }
            }
        }
        assertThat(clean).isEqualTo(image.boundaries().size());
        assertThat(clean + torn).as("cuts tried").isGreaterThan(withTableFile ? image.journal().length : 400);
        log.info("Torn journal (table file present={}): {} frames, {} bytes; opened at every cut: {} on a frame"
                        + " boundary, {} torn", withTableFile, image.frames(), image.journal().length, clean, torn);
    }

    /**
     * With a table file, every byte is cut; for the journal-only table (same code path after the
     * header) every byte of the header and of the first eight frames, every frame boundary and the
     * bytes next to it, and every 7th byte.
     */
    private static boolean worthCutting(Image image, int offset) {
        int boundary = image.boundaryAtOrBefore(offset);
        if (boundary < 8 || offset % 7 == 0) {
            return true;
        }
        long previous = image.boundaries().get(boundary);
        long next = boundary + 1 < image.boundaries().size() ? image.boundaries().get(boundary + 1) : Long.MAX_VALUE;
        return offset - previous <= 1 || next - offset <= 1;
    }

    @Test
    void changedByteInTheLastFrameIsATornWrite() {
        Image image = buildImage(true);
        int last = image.frames();
        int opened = flipEveryByteOfFrame(image, last);
        log.info("Torn journal: every byte of the last frame ({} bytes) changed in turn: {} opens", opened, opened);
    }

    @Test
    void changedByteInAnEarlierFrameKeepsTheJournalAsideAndOpensWithThePrefix() {
        Image image = buildImage(true);
        int opened = 0;
        for (int frame : new int[] {1, image.frames() / 2, image.frames() - 1}) {
            opened += flipEveryByteOfFrame(image, frame);
        }
        // A sample across the whole journal: about one changed byte in 12.
        Random random = new Random(42);
        for (int offset = (int) image.headerEnd(); offset < image.journal().length; offset += 1 + random.nextInt(23)) {
            int frame = image.boundaryAtOrBefore(offset) + 1;
            checkFlip(image, frame, offset);
            opened++;
        }
        log.info("Damaged journal: {} opens with one changed byte, each frame's damage detected", opened);
    }

    /** Changes each byte of frame {@code frame} (1-based) in turn and checks each result. */
    private int flipEveryByteOfFrame(Image image, int frame) {
        long start = image.boundaries().get(frame - 1);
        long end = image.boundaries().get(frame);
        for (long offset = start; offset < end; offset++) {
            checkFlip(image, frame, (int) offset);
        }
        return (int) (end - start);
    }

    private void checkFlip(Image image, int frame, int offset) {
        byte[] original = image.journal();
        byte[] damaged = original.clone();
        damaged[offset] ^= (byte) (1 << (offset % 8));
        long frameStart = image.boundaries().get(frame - 1);
        long frameEnd = image.boundaries().get(frame);
        boolean lastFrame = frame == image.frames();
        Map<String, TableState.Entry> expected = image.stateAt(frame - 1);
        String context = "bit " + (offset % 8) + " of byte " + offset + " changed, in frame #" + frame + " of "
                + image.frames() + " [" + frameStart + ", " + frameEnd + ")";
        Path scratch = work.resolve("flip");
        TestFiles.copyDirectory(image.directory(), scratch);
        TestFiles.write(scratch.resolve(JOURNAL), damaged);
        try (LogCapture logs = LogCapture.engine(); PikoDB db = NoSyncFileIO.open(scratch)) {
            assertThat(TableState.read(db, TABLE)).as(context).isEqualTo(expected);
            assertThat(db.failedTables()).as(context).isEmpty();
            if (lastFrame) {
                assertThat(db.quarantinedFiles()).as("a damaged last frame is a torn write: %s", context).isEmpty();
                assertThat(logs.messages(Level.WARN)).as(context)
                        .anySatisfy(message -> assertThat(message).contains(JOURNAL));
                assertThat(logs.messages(Level.ERROR)).as(context).isEmpty();
            } else {
                List<QuarantinedFile> quarantined = db.quarantinedFiles();
                assertThat(quarantined).as("damage before valid frames is reported: %s", context).hasSize(1);
                QuarantinedFile kept = quarantined.get(0);
                assertThat(kept.table()).isEqualTo(TABLE);
                assertThat(kept.originalFile().getFileName().toString()).isEqualTo(JOURNAL);
                assertThat(kept.movedTo().getParent()).isEqualTo(scratch);
                assertThat(kept.reason()).as(context).isNotBlank();
                byte[] copy = TestFiles.read(kept.movedTo());
                assertThat(copy).as("the kept journal is the damaged file, byte for byte: %s", context)
                        .isEqualTo(damaged);
                assertThat(Arrays.copyOfRange(copy, (int) frameEnd, copy.length))
                        .as("the acknowledged frames after the damage are kept: %s", context)
                        .isEqualTo(Arrays.copyOfRange(original, (int) frameEnd, original.length));
                assertThat(logs.messages(Level.ERROR)).as(context)
                        .anySatisfy(message -> assertThat(message).contains(JOURNAL));
            }
        }
    }

    @Test
    void damagedJournalOpensWithThePrefixAndTheTableTakesWritesAgain() {
        Image image = buildImage(true);
        int frame = image.frames() / 2;
        byte[] damaged = image.journal().clone();
        int offset = (int) (image.boundaries().get(frame - 1) + 12);
        damaged[offset] ^= 0x10;
        Path directory = TestFiles.copyDirectory(image.directory(), work.resolve("reuse"));
        TestFiles.write(directory.resolve(JOURNAL), damaged);
        Map<String, TableState.Entry> expected = new TreeMap<>(image.stateAt(frame - 1));
        Path kept;
        try (PikoDB db = NoSyncFileIO.open(directory)) {
            assertThat(db.quarantinedFiles()).hasSize(1);
            kept = db.quarantinedFiles().get(0).movedTo();
            long version = db.write(TABLE, "k00", "rewritten");
            TableState.Entry before = expected.get("k00");
            expected.put("k00", new TableState.Entry(before == null ? 1 : before.version() + 1, "rewritten"));
            assertThat(version).isEqualTo(expected.get("k00").version());
        }
        try (PikoDB db = NoSyncFileIO.open(directory)) {
            assertThat(TableState.read(db, TABLE)).isEqualTo(expected);
            assertThat(db.quarantinedFiles()).as("the journal was repaired: nothing new to report").isEmpty();
        }
        assertThat(TestFiles.read(kept)).as("the kept copy stays untouched").isEqualTo(damaged);
    }

    // ---- building the crash image -------------------------------------------------------------

    /**
     * Writes 48 operations (new keys, overwrites, deletes; values from empty strings to 400-char
     * objects) one at a time, noting the journal size and the model after each, then copies the
     * directory while the store is still open.
     */
    private Image buildImage(boolean withTableFile) {
        Path live = work.resolve("live-" + withTableFile);
        Map<String, TableState.Entry> model = new TreeMap<>();
        Map<String, TableState.Entry> base;
        List<Long> boundaries = new ArrayList<>();
        List<Map<String, TableState.Entry>> states = new ArrayList<>();
        Random random = new Random(7);
        try (PikoDB db = NoSyncFileIO.open(live)) {
            if (withTableFile) {
                for (int i = 0; i < 5; i++) {
                    write(db, model, "k" + String.format("%02d", i), value(random, i));
                }
                db.flush();
            }
            base = new TreeMap<>(model);
            // The journal header: "PIKOJRN1", a u16 name length, the name, a u32 checksum.
            long headerEnd = 8 + 2 + TABLE.length() + 4;
            if (withTableFile) {
                assertThat(TestFiles.size(live.resolve(JOURNAL))).as("journal emptied by flush").isEqualTo(headerEnd);
            }
            for (int op = 0; op < 48; op++) {
                String key = "k" + String.format("%02d", random.nextInt(14));
                boolean delete = model.containsKey(key) && op % 5 == 3;
                if (delete) {
                    assertThat(db.delete(TABLE, key)).isTrue();
                    model.remove(key);
                } else {
                    write(db, model, key, value(random, op));
                }
                long size = TestFiles.size(live.resolve(JOURNAL));
                if (boundaries.isEmpty()) {
                    boundaries.add(headerEnd);
                    states.add(new TreeMap<>(base));
                }
                assertThat(size).as("each operation appends one frame").isGreaterThan(boundaries.get(boundaries.size() - 1));
                boundaries.add(size);
                states.add(new TreeMap<>(model));
            }
            Path image = TestFiles.copyDirectory(live, work.resolve("image-" + withTableFile));
            assertThat(Files.exists(image.resolve(TABLE))).isEqualTo(withTableFile);
            byte[] journal = TestFiles.read(image.resolve(JOURNAL));
            assertThat((long) journal.length).isEqualTo(boundaries.get(boundaries.size() - 1));
            return new Image(image, journal, headerEnd, boundaries, states, base, withTableFile);
        }
    }

    private static void write(PikoDB db, Map<String, TableState.Entry> model, String key, Object value) {
        long version = db.write(TABLE, key, value);
        TableState.Entry before = model.get(key);
        assertThat(version).isEqualTo(before == null ? 1 : before.version() + 1);
        model.put(key, new TableState.Entry(version, value));
    }

    /** Values of many shapes and sizes, in Jackson's natural mapping so that they compare equal when read. */
    private static Object value(Random random, int n) {
        return switch (n % 9) {
            case 0 -> "";
            case 1 -> n * 1_000_003;
            case 2 -> text(random, 1 + random.nextInt(40));
            case 3 -> null;
            case 4 -> {
                Map<String, Object> map = new LinkedHashMap<>();
                map.put("id", n);
                map.put("name", text(random, 20));
                map.put("tags", List.of("a", text(random, 5)));
                map.put("ok", n % 2 == 0);
                yield map;
            }
            case 5 -> text(random, 40 + random.nextInt(100));
            case 6 -> List.of(1.5, n, "x");
            case 7 -> Map.of("blob", text(random, n == 7 ? 400 : 60));
            default -> "ünïcødé €" + n;
        };
    }

    private static String text(Random random, int length) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz €é";
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }
}
