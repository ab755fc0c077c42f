package dev.pikodb.internal;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/** The argument rules every public method checks before anything changes. */
public final class Validation {

    /** Longest table name, in UTF-8 bytes (a file name on common file systems). */
    public static final int MAX_TABLE_NAME_BYTES = 255;
    /** Longest key, in UTF-16 chars ({@link String#length()}). */
    public static final int MAX_KEY_LENGTH = 1024;

    private static final Set<String> RESERVED_DEVICE_NAMES = Set.of("CON", "PRN", "AUX", "NUL",
            "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
            "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9");

    private Validation() {
    }

    /**
     * Checks a table name.
     *
     * @param table the name
     * @throws IllegalArgumentException naming the rule it breaks
     */
    public static void checkTable(String table) {
        String problem = tableNameProblem(table);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * Describes what is wrong with a table name.
     *
     * @param table the name
     * @return the problem, or {@code null} when the name is valid
     */
    public static String tableNameProblem(String table) {
        if (table == null) {
            return "Table name must not be null";
        }
        if (table.isEmpty()) {
            return "Table name must not be empty";
        }
        // Cheap checks first: this runs on every call, and almost every name passes.
        if (table.length() * 3 > MAX_TABLE_NAME_BYTES
                && table.getBytes(StandardCharsets.UTF_8).length > MAX_TABLE_NAME_BYTES) {
            return "Table name " + quoted(table) + " is longer than " + MAX_TABLE_NAME_BYTES + " bytes in UTF-8";
        }
        if (table.indexOf('\0') >= 0) {
            return "Table name " + quoted(table) + " must not contain a NUL character";
        }
        if (hasUnpairedSurrogate(table)) {
            return "Table name " + quoted(table) + " is not valid Unicode (it has an unpaired surrogate character)";
        }
        if (table.indexOf('/') >= 0 || table.indexOf('\\') >= 0) {
            return "Table name " + quoted(table)
                    + " must not contain '/' or '\\' (a table is one file in the database directory)";
        }
        if (table.contains("..")) {
            return "Table name " + quoted(table) + " must not contain '..'";
        }
        if (table.charAt(0) == '.') {
            return "Table name " + quoted(table) + " must not start with '.' (such files are the store's own)";
        }
        if (table.endsWith(".tmp") || table.contains(".tmp.")) {
            return "Table name " + quoted(table)
                    + " must not end in '.tmp' or contain '.tmp.' (such files are temporary files)";
        }
        if (isReservedDeviceName(table)) {
            return "Table name " + quoted(table)
                    + " is a reserved device name on Windows (CON, PRN, AUX, NUL, COM1-9, LPT1-9)";
        }
        return null;
    }

    private static boolean isReservedDeviceName(String table) {
        int dot = table.indexOf('.');
        String stem = (dot < 0 ? table : table.substring(0, dot)).trim();
        return (stem.length() == 3 || stem.length() == 4)
                && RESERVED_DEVICE_NAMES.contains(stem.toUpperCase(Locale.ROOT));
    }

    private static String quoted(String name) {
        return "'" + printable(name) + "'";
    }

    /**
     * Checks a key.
     *
     * @param table the table, for the message
     * @param key the key
     * @throws IllegalArgumentException naming the rule it breaks
     */
    public static void checkKey(String table, String key) {
        String problem = keyProblem(table, key);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /**
     * Describes what is wrong with a key, by the rules for keys that are written.
     *
     * @param table the table, for the message
     * @param key the key
     * @return the problem, or {@code null} when the key is valid
     */
    public static String keyProblem(String table, String key) {
        if (key == null) {
            return "Key must not be null (table '" + table + "')";
        }
        if (key.isEmpty()) {
            return "Key must not be empty (table '" + table + "')";
        }
        if (key.length() > MAX_KEY_LENGTH) {
            return "Key '" + printable(key.substring(0, 40)) + "...' in table '" + table
                    + "' is " + key.length() + " characters long; the limit is " + MAX_KEY_LENGTH;
        }
        if (key.indexOf('\0') >= 0) {
            return "Key '" + printable(key) + "' in table '" + table + "' must not contain a NUL character";
        }
        if (hasUnpairedSurrogate(key)) {
            return "Key '" + printable(key) + "' in table '" + table
                    + "' is not valid Unicode (it has an unpaired surrogate character)";
        }
        return null;
    }

    /**
     * Checks a dictionary name.
     *
     * @param name the name
     * @throws IllegalArgumentException when it is null, empty or too long
     */
    public static void checkDictionaryName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("Dictionary name must be a non-empty string");
        }
        if (hasUnpairedSurrogate(name)) {
            throw new IllegalArgumentException("Dictionary name '" + printable(name)
                    + "' is not valid Unicode (it has an unpaired surrogate character)");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > 1024) {
            throw new IllegalArgumentException("Dictionary name '" + printable(name.substring(0, 40))
                    + "...' is longer than 1024 bytes");
        }
    }

    /**
     * Whether a string has a surrogate character that is not part of a pair: such a string has no
     * UTF-8 form, so it cannot be a file name or a JSON key.
     *
     * @param text the text
     * @return true when it is not valid Unicode
     */
    public static boolean hasUnpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Makes a name safe to put in a log line or message: control characters become {@code \\uXXXX}.
     *
     * @param text the text
     * @return the printable text, cut at 300 characters
     */
    public static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 300));
        for (int i = 0; i < text.length() && i < 300; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return text.length() > 300 ? out.append("...").toString() : out.toString();
    }
}
