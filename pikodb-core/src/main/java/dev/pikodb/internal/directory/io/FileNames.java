package dev.pikodb.internal.directory.io;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The names of the files in a database directory.
 *
 * <pre>
 *   users                     table file: the whole table as JSON (see {@code TableFileFormat})
 *   .users.journal            the table's journal: writes since the table file was last rewritten
 *   .users.retired            a journal set aside by a compaction in progress: its writes are in
 *                             memory and being written to a new table file, after which it is deleted
 *   .users.compact            a table file being rewritten (renamed over "users" when complete)
 *   .users.drop               marker of a table deletion in progress, completed at the next start
 *   .users.corrupt-&lt;time&gt;     an unreadable table file moved aside (never deleted)
 *   .dictionaries             the dictionaries that stored records use
 *   .lock                     held while a PikoDB has the directory open
 *   users.tmp.1732400000000.k3x9q   a temporary file of the Node.js PikoDB's atomic write, left by a crash
 * </pre>
 *
 * Any other name ending in {@code .tmp} or containing {@code .tmp.} is never loaded as a table, and,
 * since the store did not create it, never deleted either.
 *
 * Every file of the store's own starts with '.', which both implementations skip as a table. Hidden
 * names are derived from the table name; a table name too long to fit in a file name with a prefix
 * and suffix is shortened and given a hash, and the journal records the full table name in its header.
 */
public final class FileNames {

    /** The lock file. */
    public static final String LOCK = ".lock";
    /** The persisted dictionaries. */
    public static final String DICTIONARIES = ".dictionaries";
    /** The persisted index definitions. */
    public static final String INDEXES = ".indexes";

    private static final int MAX_BASE_BYTES = 200;
    private static final Pattern NODE_LEFTOVER = Pattern.compile(".+\\.tmp\\.[0-9]{13}\\.[0-9a-z]{0,16}");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS").withZone(ZoneOffset.UTC);

    private FileNames() {
    }

    /**
     * Whether a file name is of the kind temporary files have ({@code x.tmp} or {@code x.tmp.y}): such a
     * file is never a table.
     *
     * @param fileName the file name
     * @return true for a name of a temporary file
     */
    public static boolean isTemporary(String fileName) {
        return fileName.endsWith(".tmp") || fileName.contains(".tmp.");
    }

    /**
     * Whether a file name is exactly what the Node.js PikoDB's atomic write leaves when it is cut short:
     * {@code <table>.tmp.<Date.now(), 13 digits>.<Math.random() in base 36, from its 8th character>}.
     * Only such files are removed at start; any other file the store did not create is left alone.
     *
     * @param fileName the file name
     * @return true for a leftover of the Node.js PikoDB
     */
    public static boolean isNodeLeftover(String fileName) {
        return !fileName.startsWith(".") && NODE_LEFTOVER.matcher(fileName).matches();
    }

    public static Path journal(Path directory, String table) {
        return directory.resolve("." + base(table) + ".journal");
    }

    public static boolean isJournal(String fileName) {
        return fileName.startsWith(".") && fileName.endsWith(".journal");
    }

    public static Path retiredJournal(Path directory, String table) {
        return directory.resolve("." + base(table) + ".retired");
    }

    public static boolean isRetiredJournal(String fileName) {
        return fileName.startsWith(".") && fileName.endsWith(".retired");
    }

    public static Path compactionTemp(Path directory, String table) {
        return directory.resolve("." + base(table) + ".compact");
    }

    public static boolean isCompactionTemp(String fileName) {
        return fileName.startsWith(".") && fileName.endsWith(".compact");
    }

    public static Path dropMarker(Path directory, String table) {
        return directory.resolve("." + base(table) + ".drop");
    }

    public static boolean isDropMarker(String fileName) {
        return fileName.startsWith(".") && fileName.endsWith(".drop");
    }

    public static Path quarantine(Path directory, Path file, Instant when) {
        String name = file.getFileName().toString();
        String stem = name.startsWith(".") ? name.substring(1) : name;
        if (stem.getBytes(StandardCharsets.UTF_8).length > MAX_BASE_BYTES) {
            stem = shorten(stem);
        }
        return directory.resolve("." + stem + ".corrupt-" + STAMP.format(when));
    }

    private static String base(String table) {
        return table.getBytes(StandardCharsets.UTF_8).length <= MAX_BASE_BYTES ? table : shorten(table);
    }

    private static String shorten(String name) {
        StringBuilder prefix = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < name.length(); ) {
            int codePoint = name.codePointAt(i);
            int size = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > 100) {
                break;
            }
            prefix.appendCodePoint(codePoint);
            bytes += size;
            i += Character.charCount(codePoint);
        }
        return prefix + "~" + sha256(name).substring(0, 24);
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
