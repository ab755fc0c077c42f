package dev.pikodb.directory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.MutableClock;
import dev.pikodb.NoSyncFileIO;
import dev.pikodb.PikoDB;
import dev.pikodb.Query;
import dev.pikodb.QueryResult;
import dev.pikodb.TestFiles;
import dev.pikodb.TestHooks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Indexes built at start over a table file and the journal that follows it: every index holds
 * exactly the entries of each key's final record (a journal write replacing a table-file record, a
 * deletion, an expiry, a value gone from the record), in a table large enough to be read on several
 * threads and in a small one beside it, and after a crash cut the last journal write short.
 */
class DirectoryIndexStartTest {

    private static final long T0 = 1_732_400_000_000L;
    /** Above the number of records from which a build reads a table on several threads. */
    private static final int LARGE = 20_000;
    private static final int SMALL = 300;

    @TempDir
    Path work;

    /** A note as the model holds it: a null owner is a record without the field. */
    private record Note(String owner, long n, List<String> tags, Long expiration) {

        Map<String, Object> value() {
            Map<String, Object> value = new LinkedHashMap<>();
            if (owner != null) {
                value.put("owner", owner);
            }
            value.put("n", n);
            value.put("tags", tags);
            value.put("text", "note " + n);
            return value;
        }

        boolean liveAt(long now) {
            return expiration == null || now <= expiration;
        }
    }

    private static String key(int i) {
        return String.format("n%06d", i);
    }

    private static Note first(int i) {
        String owner = i % 50 == 1 ? "crowd" + (i % 3) : "o" + (i % 2_000);
        Long expiration = i % 19 == 5 ? T0 + 1_000 : null;
        return new Note(owner, 3L * i, List.of("t" + (i % 7), "u" + (i % 11)), expiration);
    }

    /** The journal's change of record {@code i}, if any: null to leave it, a note, or {@link #DELETE}. */
    private static final Note DELETE = new Note("deleted", -1, List.of(), null);

    private static Note later(int i) {
        if (i % 23 == 1) {
            return DELETE;
        }
        if (i % 29 == 4) {
            return new Note(null, 1_000_000L + i, List.of(), null);
        }
        if (i % 31 == 2) {
            return new Note("o" + ((i + 1) % 2_000), 1_000_000L + i, List.of("t" + (i % 7)), T0 + 1_000);
        }
        if (i % 37 == 3) {
            return new Note("o" + (i % 2_000), 1_000_000L + i, List.of("u" + (i % 11), "v"), T0 + 1_000_000);
        }
        if (i % 10 == 0) {
            return new Note("o" + ((i + 1) % 2_000), 1_000_000L + i, List.of("t" + ((i + 1) % 7)), null);
        }
        return null;
    }

    private static PikoDB open(Path directory, MutableClock clock) {
        PikoDB db = new PikoDB(TestHooks.withFileIO(DatabaseOptions.builder().databaseDirectory(directory)
                .clock(clock), NoSyncFileIO.INSTANCE).build());
        db.start();
        return db;
    }

    private static void write(PikoDB db, String table, Map<String, Note> model, String key, Note note) {
        if (note == DELETE) {
            db.delete(table, key);
            model.remove(key);
        } else {
            db.write(table, key, note.value(), note.expiration());
            model.put(key, note);
        }
    }

    /** Writes a table's first records; the caller flushes them to the table files. */
    private static Map<String, Note> fill(PikoDB db, String table, int records) {
        db.createIndex(table, "owner", "/owner");
        db.createIndex(table, "n", "/n");
        db.createIndex(table, "tags", "/tags");
        Map<String, Note> model = new TreeMap<>();
        for (int i = 0; i < records; i++) {
            write(db, table, model, key(i), first(i));
        }
        return model;
    }

    /** Changes a table after its flush: the changes are in its journal. */
    private static void change(PikoDB db, String table, Map<String, Note> model, int records) {
        for (int i = 0; i < records; i++) {
            Note note = later(i);
            if (note != null) {
                write(db, table, model, key(i), note);
            }
        }
        for (int i = records; i < records + records / 40; i++) {
            write(db, table, model, key(i), first(i));
        }
    }

    @Test
    void indexesBuiltAtStartHoldExactlyTheFinalRecordsOfTableFilesAndJournals() {
        MutableClock clock = new MutableClock(T0);
        Path live = work.resolve("live");
        Path image;
        Map<String, Note> large;
        Map<String, Note> small;
        try (PikoDB db = open(live, clock)) {
            large = fill(db, "large", LARGE);
            small = fill(db, "small", SMALL);
            db.flush();
            change(db, "large", large, LARGE);
            change(db, "small", small, SMALL);
            // The last write of the large table moves a key to another owner: the crash below cuts it short.
            Note before = large.get(key(3));
            Map<String, Note> beforeLast = new TreeMap<>(large);
            write(db, "large", large, key(3), new Note("last", 7, List.of("last"), null));
            image = TestFiles.copyDirectory(live, work.resolve("image"));
            Path cut = TestFiles.copyDirectory(live, work.resolve("cut"));
            assertThat(TestFiles.size(image.resolve(".large.journal"))).as("the changes are in the journal")
                    .isGreaterThan(10_000);

            clock.set(T0 + 2_000);
            try (PikoDB restarted = open(image, clock)) {
                check(restarted, "large", large, T0 + 2_000);
                check(restarted, "small", small, T0 + 2_000);
            }

            byte[] journal = TestFiles.read(cut.resolve(".large.journal"));
            TestFiles.write(cut.resolve(".large.journal"), Arrays.copyOf(journal, journal.length - 3));
            try (PikoDB restarted = open(cut, clock)) {
                assertThat(keys(restarted, "large", Query.eq("/owner", "last"))).isEmpty();
                assertThat(keys(restarted, "large", Query.eq("/owner", before.owner()))).contains(key(3));
                check(restarted, "large", beforeLast, T0 + 2_000);
                check(restarted, "small", small, T0 + 2_000);
            }
        }
    }

    /** Every index of a table answers as the model's live records say. */
    private static void check(PikoDB db, String table, Map<String, Note> model, long now) {
        Map<String, Note> liveNotes = new TreeMap<>();
        model.forEach((key, note) -> {
            if (note.liveAt(now)) {
                liveNotes.put(key, note);
            }
        });
        Map<String, List<String>> byOwner = new TreeMap<>();
        Map<String, Long> byTag = new TreeMap<>();
        liveNotes.forEach((key, note) -> {
            byOwner.computeIfAbsent(String.valueOf(note.owner()), owner -> new ArrayList<>()).add(key);
            note.tags().forEach(tag -> byTag.merge(tag, 1L, Long::sum));
        });
        TreeSet<String> owners = new TreeSet<>(byOwner.keySet());
        owners.remove("null");
        model.values().stream().filter(note -> note.owner() != null).forEach(note -> owners.add(note.owner()));
        for (String owner : owners) {
            assertThat(keys(db, table, Query.eq("/owner", owner))).as("%s: owner %s", table, owner)
                    .containsExactlyElementsOf(byOwner.getOrDefault(owner, List.of()));
        }
        for (String tag : List.of("t0", "t3", "t6", "u0", "u5", "u10", "v", "last")) {
            assertThat(db.count(table, Query.eq("/tags", tag))).as("%s: tag %s", table, tag)
                    .isEqualTo(byTag.getOrDefault(tag, 0L));
        }
        // In the order of the owners, the keys without one last.
        List<String> byOwnerThenKey = liveNotes.keySet().stream()
                .sorted(Comparator.comparing((String key) -> liveNotes.get(key).owner() == null)
                        .thenComparing(key -> String.valueOf(liveNotes.get(key).owner()))
                        .thenComparing(Comparator.naturalOrder()))
                .toList();
        assertThat(keys(db, table, Query.all().orderBy("/owner", true).limit(4_000))).as("%s by owner", table)
                .containsExactlyElementsOf(byOwnerThenKey);
        List<String> byNumber = liveNotes.keySet().stream()
                .filter(key -> liveNotes.get(key).n() >= 0 && liveNotes.get(key).n() < 1_000_000L + 2_000)
                .sorted(Comparator.comparingLong((String key) -> liveNotes.get(key).n()))
                .toList();
        assertThat(keys(db, table, Query.range("/n", 0, 1_000_000L + 2_000).orderBy("/n", true).limit(4_000)))
                .as("%s by number", table).containsExactlyElementsOf(byNumber);
    }

    /** The keys of every page of a query. */
    private static List<String> keys(PikoDB db, String table, Query query) {
        List<String> keys = new ArrayList<>();
        QueryResult page = db.find(table, query);
        page.records().forEach(entry -> keys.add(entry.getKey()));
        while (page.nextCursor().isPresent()) {
            page = db.find(table, query.after(page.nextCursor().get()));
            page.records().forEach(entry -> keys.add(entry.getKey()));
        }
        return keys;
    }
}
