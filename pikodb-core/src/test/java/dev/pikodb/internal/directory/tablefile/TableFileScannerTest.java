package dev.pikodb.internal.directory.tablefile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pikodb.internal.directory.journal.JournalFormat;
import dev.pikodb.internal.directory.records.Records;
import dev.pikodb.internal.directory.records.Stats;
import dev.pikodb.internal.directory.records.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The fast path of reading a table file ({@link TableFileScanner}) against the general reader
 * (Jackson's streaming parser, {@link TableFileFormat#readWithParser}), which defines the format:
 * whatever the fast path accepts, the general reader accepts with exactly the same records (same key,
 * same value bytes, same metadata); what it does not accept goes to the general reader, which reads it
 * or reports the problem.
 */
class TableFileScannerTest {

    private static final JournalFormat.Interner SAME = name -> name;

    /** The records the fast path reads, by key, or {@code null} when it leaves the file to the general reader. */
    private static Map<String, String> fast(byte[] file) {
        TableFileFormat.Entries entries = new TableFileFormat.Entries();
        if (!TableFileScanner.read(file, entries, SAME)) {
            return null;
        }
        return describe(entries);
    }

    /** The records the general reader reads, or {@code null} when it rejects the file. */
    private static Map<String, String> general(byte[] file) {
        TableFileFormat.Entries entries = new TableFileFormat.Entries();
        try {
            TableFileFormat.readWithParser(file, entries, SAME);
        } catch (TableFileFormat.MalformedTableFileException | RuntimeException e) {
            return null;
        }
        return describe(entries);
    }

    private static Map<String, String> describe(TableFileFormat.Entries entries) {
        Records records = new Records(new Stats(), entries.size());
        entries.putAll(records);
        Map<String, String> described = new TreeMap<>();
        for (Map.Entry<String, StoredRecord> entry : records.all()) {
            StoredRecord record = entry.getValue();
            described.put(entry.getKey(), new String(record.bytes, record.valueOffset, record.valueLength(),
                    StandardCharsets.ISO_8859_1) + " v=" + record.version + " t=" + record.timestamp + " x="
                    + record.expirationOrNull() + " n=" + record.dictionaryName);
        }
        return described;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Asserts that the fast path reads the file, exactly as the general reader does. */
    private static Map<String, String> assertFastAndSame(byte[] file) {
        Map<String, String> general = general(file);
        assertThat(general).as("the general reader reads %s", new String(file, StandardCharsets.UTF_8)).isNotNull();
        assertThat(fast(file)).as("the fast path reads %s", new String(file, StandardCharsets.UTF_8))
                .isEqualTo(general);
        return general;
    }

    /** Asserts that the fast path leaves the file to the general reader. */
    private static void assertLeftToGeneralReader(byte[] file) {
        assertThat(fast(file)).as("the fast path leaves %s", new String(file, StandardCharsets.ISO_8859_1)).isNull();
    }

    @Test
    void readsWhatTheTableFileWriterWrites() throws Exception {
        byte[] file = utf8("[[\"user1\",{\"d\":{\"name\":\"Alice\"},\"v\":3,\"t\":1732400000000,\"x\":null}],\n"
                + "[\"r1\",{\"d\":{\"s\":\"DHT22\",\"t\":23.5},\"v\":1,\"t\":1732400000001,\"x\":1732403600000,"
                + "\"n\":\"sensors\"}]]\n");
        Map<String, String> records = assertFastAndSame(file);
        assertThat(records).containsEntry("user1", "{\"name\":\"Alice\"} v=3 t=1732400000000 x=null n=null")
                .containsEntry("r1", "{\"s\":\"DHT22\",\"t\":23.5} v=1 t=1732400000001 x=1732403600000 n=sensors");
    }

    @Test
    void valuesOfEveryKindComeBackByteForByte() {
        List<String> values = List.of("null", "true", "false", "0", "-0", "12", "-12", "1.5", "-0.25", "1e10",
                "1E+10", "2.5e-3", "123456789012345678901234567890", "1.0E-400", "\"\"", "\"plain\"",
                "\"quote \\\" backslash \\\\ slash \\/ \\b\\f\\n\\r\\t\"", "\"\\u0000\\u001f\\u00e9\\u20AC\"",
                "\"lone \\ud800 and \\uDC00\"", "\"pair \\ud83d\\ude00\"", "\"é 漢字 😀 \u007f\"", "[]", "{}",
                "[1,[2,[3,[]]],{\"a\":{\"b\":[null,true]}}]", "{\"\":0,\"a b\":\"c\",\"é\":[\"😀\"]}",
                "[ 1 , 2 ]", "{ \"a\" :\t1 ,\n\"b\":\r[ ] }", "[".repeat(TableFileScanner.MAX_DEPTH) + "1"
                        + "]".repeat(TableFileScanner.MAX_DEPTH));
        for (String value : values) {
            byte[] file = utf8("[[\"k\",{\"d\":" + value + ",\"v\":2,\"t\":5,\"x\":null}]]");
            assertThat(assertFastAndSame(file)).containsEntry("k",
                    new String(utf8(value), StandardCharsets.ISO_8859_1) + " v=2 t=5 x=null n=null");
        }
    }

    /** Strings are checked eight bytes at a time: a special byte at every offset within and across words. */
    @Test
    void aSpecialByteIsFoundAtEveryOffsetOfAString() {
        for (int before = 0; before <= 20; before++) {
            for (String special : List.of("\\\"", "\\\\", "\\u00e9", "é", "漢", "😀", "\u007f", " ")) {
                String text = "a".repeat(before) + special + "b".repeat(20 - before);
                String json = "[[\"" + text + "\",{\"d\":[\"" + text + "\",{\"" + text + "\":\"" + text + "\"}]}]]";
                assertFastAndSame(utf8(json));
            }
            String tab = "a".repeat(before) + "\t" + "b".repeat(3);
            assertLeftToGeneralReader(utf8("[[\"k\",{\"d\":\"" + tab + "\"}]]"));
            String cut = "a".repeat(before);
            assertLeftToGeneralReader(utf8("[[\"k\",{\"d\":\"" + cut));
        }
    }

    @Test
    void keysWithEscapesAndUnicodeComeBackAsTheSameStrings() {
        Map<String, String> keys = Map.of(
                "\"plain\"", "plain",
                "\"é漢😀\"", "é漢😀",
                "\"a\\\"b\\\\c\\/d\\n\"", "a\"b\\c/d\n",
                "\"\\u00e9\\u6F22\"", "é漢",
                "\"lone \\ud800\"", "lone \ud800",
                "\"\\udc00 low first\"", "\udc00 low first",
                "\"pair \\ud83d\\ude00\"", "pair 😀",
                "\"\"", "");
        keys.forEach((json, key) -> {
            byte[] file = utf8("[[" + json + ",{\"d\":1,\"v\":1,\"t\":0,\"x\":null}]]");
            assertThat(assertFastAndSame(file)).containsOnlyKeys(key);
        });
    }

    @Test
    void fieldsInAnyOrderSpelledAnyWayMissingOrUnknownAreReadAsTheGeneralReaderReadsThem() {
        List<String> records = List.of(
                "{\"x\":7,\"t\":6,\"v\":5,\"d\":[1]}",
                "{\"d\":1}",
                "{}",
                "{\"v\":3}",
                "{\"\\u0064\":\"escaped name\",\"v\":2}",
                "{\"d\":1,\"other\":{\"deep\":[1,2,{\"x\":1}]},\"v\":4,\"zz\":null}",
                "{\"d\":1,\"d\":2,\"v\":1,\"v\":9}",
                "{\"d\":1,\"x\":-5,\"n\":null}",
                "{\"d\":1,\"n\":\"dict\\u00e9\"}",
                "{ \"d\" : 1 , \"v\" : 2 }",
                "{\"d\":1,\"v\":-3,\"t\":999999999999999999}");
        for (String record : records) {
            assertFastAndSame(utf8("[[\"k\",\n" + record + "]]"));
        }
        assertFastAndSame(utf8(" \n[ [ \"a\" , {\"d\":1} ] ,\r\n\t[\"b\",{\"d\":2}] ] \n\n"));
        assertFastAndSame(utf8("[]"));
        assertFastAndSame(utf8("[[\"a\",{\"d\":1}],[\"a\",{\"d\":2}]]"));
    }

    @Test
    void leavesEveryOtherFormToTheGeneralReader() {
        List<String> files = List.of(
                "", " ", "[", "[[", "[[\"k\"", "[[\"k\",{\"d\":", "[[\"k\",{\"d\":1", "[[\"k\",{\"d\":1}]",
                "[[\"k\",{\"d\":1}],]", "[[\"k\",{\"d\":1}]]x", "[[\"k\",{\"d\":1}]][]", "{}", "[1]", "[[1,{}]]",
                "[[\"k\"]]", "[[\"k\",{\"d\":1},3]]", "[[\"k\",[]]]", "[[\"k\",{\"d\":01}]]", "[[\"k\",{\"d\":1.}]]",
                "[[\"k\",{\"d\":.5}]]", "[[\"k\",{\"d\":-}]]", "[[\"k\",{\"d\":+1}]]", "[[\"k\",{\"d\":1e}]]",
                "[[\"k\",{\"d\":NaN}]]", "[[\"k\",{\"d\":tru}]]", "[[\"k\",{\"d\":truex}]]", "[[\"k\",{\"d\":nul}]]",
                "[[\"k\",{\"d\":\"\\x\"}]]", "[[\"k\",{\"d\":\"\\u12G4\"}]]", "[[\"k\",{\"d\":\"tab\there\"}]]",
                "[[\"k\",{\"d\":[1,]}]]", "[[\"k\",{\"d\":{\"a\"}}]]", "[[\"k\",{\"d\":{\"a\":1,}}]]",
                "[[\"k\",{\"d\":{1:2}}]]", "[[\"k\",{\"d\":[1}]]", "[[\"k\",{\"d\":1,\"v\":3.0}]]",
                "[[\"k\",{\"d\":1,\"v\":\"3\"}]]", "[[\"k\",{\"d\":1,\"v\":1234567890123456789}]]",
                "[[\"k\",{\"d\":1,\"x\":1e3}]]", "[[\"k\",{\"d\":1,\"n\":5}]]", "[[\"k\",{\"d\":1,\"v\":null}]]",
                "[[\"k\",{\"d\":1} ]]]", "/* c */[]", "[[\"k\",{\"d\":1}]]\u0000",
                "[[\"k\",{\"d\":" + "[".repeat(TableFileScanner.MAX_DEPTH + 1) + "1" + "]".repeat(TableFileScanner.MAX_DEPTH + 1)
                        + "}]]");
        for (String file : files) {
            assertLeftToGeneralReader(utf8(file));
        }
        // Bytes that are not well-formed UTF-8: overlong, encoded surrogate, beyond U+10FFFF, cut short, stray.
        for (int[] bytes : List.of(new int[] {0xc0, 0x80}, new int[] {0xe0, 0x80, 0x80}, new int[] {0xed, 0xa0, 0x80},
                new int[] {0xf4, 0x90, 0x80, 0x80}, new int[] {0xf5, 0x80, 0x80, 0x80}, new int[] {0xe2, 0x82},
                new int[] {0x80}, new int[] {0xff}, new int[] {0xc3, 0x28})) {
            byte[] prefix = utf8("[[\"k\",{\"d\":\"");
            byte[] suffix = utf8("\"}]]");
            byte[] file = new byte[prefix.length + bytes.length + suffix.length];
            System.arraycopy(prefix, 0, file, 0, prefix.length);
            for (int i = 0; i < bytes.length; i++) {
                file[prefix.length + i] = (byte) bytes[i];
            }
            System.arraycopy(suffix, 0, file, prefix.length + bytes.length, suffix.length);
            assertLeftToGeneralReader(file);
        }
        // The general reader takes an escaped surrogate in a member name only as part of a pair.
        assertLeftToGeneralReader(utf8("[[\"k\",{\"d\":{\"\\ud800\":1}}]]"));
        assertLeftToGeneralReader(utf8("[[\"k\",{\"d\":{\"\\ud83d\\ude00\":1}}]]"));
        assertLeftToGeneralReader(utf8("[[\"k\",{\"\\udc00\":1}]]"));
        byte[] bom = utf8("\uFEFF[[\"k\",{\"d\":1}]]");
        assertLeftToGeneralReader(bom);
    }

    @Test
    void aFileTheFastPathLeavesIsReadOrRejectedByTheGeneralReader() throws Exception {
        Records floats = TableFileFormat.read(utf8("[[\"k\",{\"d\":1,\"v\":3.0,\"t\":1.5E3}]]"), new Stats(), SAME);
        assertThat(floats.raw("k").version).isEqualTo(3);
        assertThat(floats.raw("k").timestamp).isEqualTo(1500);

        assertThatThrownBy(() -> TableFileFormat.read(utf8("[[\"k\",{\"d\":1}],\n[\"j\",{\"d\":"), new Stats(), SAME))
                .isInstanceOf(TableFileFormat.MalformedTableFileException.class)
                .hasMessageContaining("at byte");
        assertThatThrownBy(() -> TableFileFormat.read(utf8("[[\"k\",{\"d\":1,\"v\":\"x\"}]]"), new Stats(), SAME))
                .isInstanceOf(TableFileFormat.MalformedTableFileException.class)
                .hasMessageContaining("field 'v' of key 'k' is not a number");
    }

    // ---- properties --------------------------------------------------------------------------------

    @Property(tries = 300)
    void theFastPathReadsGeneratedFilesExactlyAsTheGeneralReader(@ForAll("files") String file) {
        assertFastAndSame(utf8(file));
    }

    @Property(tries = 1500)
    void whateverTheFastPathAcceptsOfADamagedFileTheGeneralReaderReadsTheSame(@ForAll("files") String text,
            @ForAll @IntRange(min = 0, max = 3) int kind, @ForAll @IntRange(min = 0, max = 100_000) int where,
            @ForAll("damage") byte b) {
        byte[] file = utf8(text);
        int at = where % (file.length + 1);
        byte[] damaged = switch (kind) {
            case 0 -> java.util.Arrays.copyOf(file, at);
            case 1 -> {
                byte[] copy = file.clone();
                if (at < copy.length) {
                    copy[at] = b;
                }
                yield copy;
            }
            case 2 -> {
                byte[] copy = new byte[file.length + 1];
                System.arraycopy(file, 0, copy, 0, at);
                copy[at] = b;
                System.arraycopy(file, at, copy, at + 1, file.length - at);
                yield copy;
            }
            default -> {
                if (at == file.length) {
                    yield file;
                }
                byte[] copy = new byte[file.length - 1];
                System.arraycopy(file, 0, copy, 0, at);
                System.arraycopy(file, at + 1, copy, at, file.length - at - 1);
                yield copy;
            }
        };
        Map<String, String> fast = fast(damaged);
        if (fast != null) {
            assertThat(general(damaged)).as("the general reader on %s", new String(damaged, StandardCharsets.UTF_8))
                    .isEqualTo(fast);
        }
    }

    @Provide
    Arbitrary<Byte> damage() {
        return Arbitraries.of((byte) '"', (byte) '\\', (byte) ',', (byte) ']', (byte) '[', (byte) '{', (byte) '}',
                (byte) ':', (byte) ' ', (byte) '\n', (byte) '0', (byte) '9', (byte) '-', (byte) '+', (byte) '.',
                (byte) 'e', (byte) 'u', (byte) 'n', (byte) 't', (byte) 'd', (byte) 'v', (byte) 0, (byte) 0x1f,
                (byte) 0x7f, (byte) 0x80, (byte) 0xbf, (byte) 0xc0, (byte) 0xc3, (byte) 0xe0, (byte) 0xed,
                (byte) 0xf0, (byte) 0xf4, (byte) 0xf5, (byte) 0xff);
    }

    @Provide
    Arbitrary<String> files() {
        Arbitrary<String> entry = Combinators.combine(jsonString(false), value(3), Arbitraries.longs().between(-5, 1L << 50),
                        Arbitraries.longs().between(0, 999_999_999_999_999_999L),
                        Arbitraries.longs().between(-1, 1L << 45), Arbitraries.of("", "sensors", "d\u00e9"),
                        Arbitraries.of(true, false))
                .as((key, value, version, timestamp, expiration, dictionary, extra) -> "[" + key + ",{\"d\":" + value
                        + ",\"v\":" + version + ",\"t\":" + timestamp + ",\"x\":"
                        + (expiration < 0 ? "null" : expiration)
                        + (dictionary.isEmpty() ? "" : ",\"n\":\"" + dictionary + "\"")
                        + (extra ? ",\"later\":[{\"field\":true}]" : "") + "}]");
        return entry.list().ofMaxSize(6).map(entries -> "[" + String.join(",\n", entries) + "]\n");
    }

    private Arbitrary<String> value(int depth) {
        Arbitrary<String> scalar = Arbitraries.oneOf(jsonString(false), number(), Arbitraries.of("true", "false", "null"));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<String> array = value(depth - 1).list().ofMaxSize(4)
                .map(items -> "[" + String.join(",", items) + "]");
        Arbitrary<String> object = Combinators.combine(jsonString(true), value(depth - 1)).as((k, v) -> k + ":" + v)
                .list().ofMaxSize(4).map(members -> "{" + String.join(",", members) + "}");
        return Arbitraries.frequencyOf(Tuple.of(4, scalar), Tuple.of(1, array), Tuple.of(1, object));
    }

    private Arbitrary<String> number() {
        return Combinators.combine(Arbitraries.of("", "-"),
                        Arbitraries.oneOf(Arbitraries.just("0"), Arbitraries.strings().numeric().ofMinLength(1)
                                .ofMaxLength(25).map(digits -> "1" + digits)),
                        Arbitraries.oneOf(Arbitraries.just(""), Arbitraries.strings().numeric().ofMinLength(1)
                                .ofMaxLength(5).map(digits -> "." + digits)),
                        Arbitraries.oneOf(Arbitraries.just(""), Combinators.combine(Arbitraries.of("e", "E"),
                                Arbitraries.of("", "+", "-"), Arbitraries.strings().numeric().ofMinLength(1)
                                        .ofMaxLength(3)).as((e, sign, digits) -> e + sign + digits)))
                .as((sign, integer, fraction, exponent) -> sign + integer + fraction + exponent);
    }

    /**
     * A JSON string of any characters, each written raw or escaped (lone surrogates always escaped).
     * A member name has no lone surrogate and no escaped surrogate: the general reader rejects those.
     */
    private Arbitrary<String> jsonString(boolean name) {
        return Combinators.combine(Arbitraries.strings().all().ofMaxLength(10), Arbitraries.longs())
                .as((text, choices) -> {
                    StringBuilder json = new StringBuilder("\"");
                    long bits = choices;
                    for (int i = 0; i < text.length(); i++) {
                        char c = text.charAt(i);
                        boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                                && Character.isLowSurrogate(text.charAt(i + 1));
                        if (name && Character.isSurrogate(c) && !paired) {
                            continue;
                        }
                        boolean escape = (bits & 1) != 0 && !(name && paired) || c < 0x20 || c == '"' || c == '\\'
                                || (Character.isSurrogate(c) && !paired);
                        bits = Long.rotateRight(bits, 1);
                        if (!escape) {
                            json.append(c);
                            if (paired) {
                                json.append(text.charAt(++i));
                            }
                        } else if (c == '"' || c == '\\') {
                            json.append('\\').append(c);
                        } else if (c == '\n' && (bits & 1) != 0) {
                            json.append("\\n");
                        } else {
                            String hex = String.format("\\u%04x", (int) c);
                            json.append((bits & 2) != 0 ? hex.toUpperCase(Locale.ROOT).replace("\\U", "\\u") : hex);
                        }
                    }
                    return json.append('"').toString();
                });
    }

    @Test
    void manyRecordsAreReadInFileOrderLaterEntriesOfAKeyWinning() throws Exception {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            entries.add("[\"k" + (i % 3_000) + "\",{\"d\":{\"i\":" + i + "},\"v\":" + (i + 1) + ",\"t\":0,\"x\":null}]");
        }
        byte[] file = utf8("[" + String.join(",\n", entries) + "]\n");
        assertFastAndSame(file);
        Records records = TableFileFormat.read(file, new Stats(), SAME);
        assertThat(records.size()).isEqualTo(3_000);
        assertThat(records.raw("k0").version).isEqualTo(3_001);
        assertThat(records.raw("k2999").version).isEqualTo(3_000);
    }
}
