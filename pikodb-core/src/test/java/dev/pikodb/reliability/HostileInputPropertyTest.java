package dev.pikodb.reliability;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.DatabaseRecord;
import dev.pikodb.PikoDB;
import dev.pikodb.TestFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Property-based: hostile table names, keys and values. Each input is either accepted and read back
 * identically (same value, same version, same table name) after close and reopen, or rejected with
 * {@link IllegalArgumentException} before anything changes (no new file, no new table). Inputs the
 * contract forbids are always rejected; inputs it allows are accepted. Nothing is ever created
 * outside the database directory.
 */
class HostileInputPropertyTest {

    private static final Logger log = LoggerFactory.getLogger(HostileInputPropertyTest.class);

    private static final AtomicInteger TRIES = new AtomicInteger();
    private static final Set<String> RESERVED = Set.of("CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4",
            "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8",
            "LPT9");

    @AfterContainer
    static void report() {
        log.info("{}", "hostile input property tries: " + TRIES.get());
    }

    // ---- generators ------------------------------------------------------------------------------

    @Provide
    Arbitrary<String> tableNames() {
        Arbitrary<String> fragment = Arbitraries.of("..", ".", "/", "\\", "\0", "\u0001", "\n", "\t", " ", "~", ":",
                "*", "?", "<", ">", "|", "\"", "%2e%2e", "../", "..\\", "/etc/passwd", "CON", "nul", "Com1", "lpt9",
                "aux", "PRN", "COM0", "LPT10", ".txt", ".tmp", ".tmp.1.x", "tmp", ".journal", ".compact", ".lock",
                "😀", "漢字", "é", "a", "table", "-", "_", "\u202e", "\uFEFF", "\uD83D", "\uDE00");
        Arbitrary<String> composed = fragment.list().ofMinSize(1).ofMaxSize(6).map(parts -> String.join("", parts));
        Arbitrary<String> nearLimit = Combinators.combine(
                Arbitraries.of("a", "é", "漢", "😀"),
                Arbitraries.integers().between(-3, 3),
                Arbitraries.of("", "a", "ab", ".tmp", ".json", "😀"))
                .as((unit, delta, suffix) -> {
                    int unitBytes = unit.getBytes(StandardCharsets.UTF_8).length;
                    int suffixBytes = suffix.getBytes(StandardCharsets.UTF_8).length;
                    int count = Math.max(1, (255 - suffixBytes) / unitBytes + delta);
                    return unit.repeat(count) + suffix;
                });
        Arbitrary<String> reserved = Combinators.combine(Arbitraries.of(RESERVED.toArray(String[]::new)),
                        Arbitraries.of("", ".txt", ".", " ", ".a.b"), Arbitraries.of(true, false))
                .as((name, extension, lower) -> (lower ? name.toLowerCase(Locale.ROOT) : name) + extension);
        Arbitrary<String> anyChars = Arbitraries.strings().all().ofMinLength(0).ofMaxLength(20);
        Arbitrary<String> veryLong = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(250).ofMaxLength(2_000);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, composed),
                net.jqwik.api.Tuple.of(3, nearLimit),
                net.jqwik.api.Tuple.of(2, reserved),
                net.jqwik.api.Tuple.of(3, anyChars),
                net.jqwik.api.Tuple.of(1, veryLong));
    }

    @Provide
    Arbitrary<String> keys() {
        Arbitrary<String> lengths = Combinators.combine(Arbitraries.of("k", "😀", "é", "漢"),
                        Arbitraries.of(1, 511, 512, 1023, 1024, 1025, 2048))
                .as((unit, chars) -> {
                    StringBuilder key = new StringBuilder();
                    while (key.length() + unit.length() <= chars) {
                        key.append(unit);
                    }
                    while (key.length() < chars) {
                        key.append('k');
                    }
                    return key.toString();
                });
        Arbitrary<String> anyChars = Arbitraries.strings().all().ofMinLength(0).ofMaxLength(40);
        Arbitrary<String> hostile = Arbitraries.of("", "\0", "a\0b", "../../x", "/", "\\", ".", "..", "\n", "\"",
                "\\u0000", "😀", "\uD83D", "\uDE00x", "null", "__proto__", "constructor", " ");
        return Arbitraries.oneOf(lengths, anyChars, hostile);
    }

    /**
     * A generated value with what the contract says about it.
     *
     * @param value the value to write
     * @param mustReject whether it must be rejected
     * @param mayReject whether it may go either way
     * @param kind a short description for failure messages
     */
    record Candidate(Object value, boolean mustReject, boolean mayReject, String kind) {
        @Override
        public String toString() {
            return kind;
        }
    }

    @Provide
    Arbitrary<Candidate> values() {
        Arbitrary<Candidate> deep = Combinators.combine(Arbitraries.integers().between(990, 1010), Arbitraries.of(true, false))
                .as((depth, lists) -> {
                    Object value = "bottom";
                    for (int i = 0; i < depth; i++) {
                        value = lists ? new ArrayList<>(List.of(value)) : new LinkedHashMap<>(Map.of("n", value));
                    }
                    return new Candidate(value, depth > MAX_WRITE_DEPTH, false,
                            (lists ? "lists" : "maps") + " nested " + depth + " deep");
                });
        Arbitrary<Candidate> huge = Arbitraries.integers().between(1, 6)
                .map(megabytes -> new Candidate("h".repeat(megabytes << 20), false, false, megabytes + " MiB string"));
        Arbitrary<Candidate> wide = Arbitraries.integers().between(1_000, 20_000).map(width -> {
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < width; i++) {
                map.put("field" + i, i % 3 == 0 ? "v" + i : i);
            }
            return new Candidate(map, false, false, "map of " + width + " fields");
        });
        Arbitrary<Candidate> text = Arbitraries.strings().all().ofMaxLength(200)
                .map(s -> new Candidate(s, false, hasUnpairedSurrogate(s), "text " + describe(s)));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, deep),
                net.jqwik.api.Tuple.of(1, huge),
                net.jqwik.api.Tuple.of(2, wide),
                net.jqwik.api.Tuple.of(3, text));
    }

    // ---- oracles (the contract's rules, written out independently of the engine) -------------------

    private static boolean forbiddenTableName(String name) {
        if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > 255 || name.contains("/")
                || name.contains("\\") || name.contains("..") || name.indexOf('\0') >= 0 || name.startsWith(".")
                || name.endsWith(".tmp") || name.contains(".tmp.")) {
            return true;
        }
        return RESERVED.contains(name.toUpperCase(Locale.ROOT));
    }

    /** Names the contract does not clearly decide: device names with an extension, unpaired surrogates. */
    private static boolean undecidedTableName(String name) {
        int dot = name.indexOf('.');
        String stem = (dot < 0 ? name : name.substring(0, dot)).trim().toUpperCase(Locale.ROOT);
        return RESERVED.contains(stem) || hasUnpairedSurrogate(name);
    }

    /**
     * How deeply a written value may nest (README, "Limits"): deeper values are refused with a clear
     * error, since serialising them would exhaust a default thread stack.
     */
    private static final int MAX_WRITE_DEPTH = 1_000;

    private static boolean forbiddenKey(String key) {
        return key.isEmpty() || key.length() > 1024 || key.indexOf('\0') >= 0;
    }

    static boolean hasUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    // ---- properties -------------------------------------------------------------------------------

    @Property(tries = 300)
    void hostileTableNamesAreStoredFaithfullyOrRejected(@ForAll("tableNames") String table) {
        check(table, "key", Map.of("v", 1), forbiddenTableName(table), undecidedTableName(table));
    }

    @Property(tries = 250)
    void hostileKeysAreStoredFaithfullyOrRejected(@ForAll("keys") String key) {
        check("keys", key, "value", forbiddenKey(key), hasUnpairedSurrogate(key));
    }

    @Property(tries = 40)
    void deepHugeAndWideValuesAreStoredFaithfullyOrRejected(@ForAll("values") Candidate value) {
        check("values", "v", value.value(), value.mustReject(), value.mayReject());
    }

    /**
     * Writes one record into a fresh database and checks the property.
     *
     * @param mustReject the contract forbids the input
     * @param mayReject the input may go either way
     */
    private static void check(String table, String key, Object value, boolean mustReject, boolean mayReject) {
        TRIES.incrementAndGet();
        Path parent = createTempDirectory();
        Path dir = parent.resolve("db");
        try {
            DatabaseOptions options = DatabaseOptions.builder().databaseDirectory(dir).clock(Workload.CLOCK).build();
            boolean accepted;
            try (PikoDB db = new PikoDB(options)) {
                db.start();
                db.write("existing", "k", "v");
                List<String> filesBefore = TestFiles.fileNames(dir);
                try {
                    assertThat(db.write(table, key, value)).as("version of the first write").isEqualTo(1L);
                    accepted = true;
                } catch (IllegalArgumentException e) {
                    accepted = false;
                    assertThat(e.getMessage()).as("rejection message").isNotBlank();
                    assertThat(TestFiles.fileNames(dir)).as("files after a rejected write").isEqualTo(filesBefore);
                    assertThat(db.listTables()).as("tables after a rejected write").containsExactly("existing");
                }
            }
            assertThat(onlyTheDatabaseUnder(parent)).as("entries created outside the database directory").isEmpty();
            if (mustReject) {
                assertThat(accepted).as("the contract forbids table %s / key %s, yet it was accepted",
                        describe(table), describe(key)).isFalse();
            } else if (!mayReject) {
                assertThat(accepted).as("the contract allows table %s / key %s, yet it was rejected",
                        describe(table), describe(key)).isTrue();
            }
            if (accepted) {
                try (PikoDB reopened = new PikoDB(options)) {
                    reopened.start();
                    assertThat(reopened.quarantinedFiles()).isEmpty();
                    assertThat(reopened.listTables()).as("tables after reopening").contains(table);
                    DatabaseRecord record = reopened.getRecord(table, key).orElseThrow(() -> new AssertionError(
                            "table " + describe(table) + " key " + describe(key) + " is missing after reopening; tables "
                                    + reopened.listTables().stream().map(HostileInputPropertyTest::describe).toList()
                                    + ", keys " + reopened.get(table).stream().map(e -> describe(e.getKey())).toList()));
                    assertThat(record.version()).isEqualTo(1L);
                    assertThat(record.value()).as("value read back").isEqualTo(value);
                }
                assertThat(onlyTheDatabaseUnder(parent)).as("entries created outside the database directory").isEmpty();
            }
        } finally {
            TestFiles.deleteTree(parent);
        }
    }

    /** Every path under {@code parent} that is not the database directory or inside it. */
    private static List<Path> onlyTheDatabaseUnder(Path parent) {
        Path dir = parent.resolve("db");
        try (Stream<Path> walk = Files.walk(parent)) {
            return walk.filter(path -> !path.equals(parent) && !path.startsWith(dir)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path createTempDirectory() {
        try {
            return Files.createTempDirectory("pikodb-hostile-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A readable rendering of a hostile string: escapes, length in chars and UTF-8 bytes. */
    static String describe(String text) {
        StringBuilder out = new StringBuilder("\"");
        text.chars().limit(60).forEach(c -> out.append(c < 0x20 || c >= 0x7f ? String.format("\\u%04x", c)
                : String.valueOf((char) c)));
        return out.append(text.length() > 60 ? "...\"" : "\"").append(" (").append(text.length()).append(" chars, ")
                .append(text.getBytes(StandardCharsets.UTF_8).length).append(" bytes)").toString();
    }
}
