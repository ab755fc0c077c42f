package dev.pikodb.internal.directory;

import dev.pikodb.PikoDBException;
import dev.pikodb.internal.directory.io.AtomicFile;
import dev.pikodb.internal.directory.io.FileIO;
import dev.pikodb.internal.directory.io.FileNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The index definitions of every table, kept in the directory's {@code .indexes} file (hidden: the
 * Node.js PikoDB skips it, as every name starting with '.').
 *
 * <p>Format: one JSON object, table name to an object of index name to JSON Pointer:
 * {@code {"notes": {"owner": "/owner", "tags": "/tags"}}}. The file is only ever replaced whole and
 * atomically ({@link AtomicFile}: temp file {@code .indexes.new}, fsync, rename, directory fsync)
 * before the change is made in memory, so a crash leaves the old or the new definitions, and a
 * definition that {@code createIndex} acknowledged is there at the next start. Index entries are not
 * persisted: they are rebuilt from the records at start.
 */
final class IndexFile {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Map<String, String>>> FILE_TYPE = new TypeReference<>() {
    };

    private final Path directory;
    private final FileIO io;
    private final Path file;
    private final Map<String, Map<String, String>> definitions = new TreeMap<>();
    /** What readers see: an immutable copy of {@link #definitions}, replaced after each change. */
    private volatile Map<String, Map<String, String>> snapshot = Map.of();

    IndexFile(Path directory, FileIO io) {
        this.directory = directory;
        this.io = io;
        this.file = directory.resolve(FileNames.INDEXES);
    }

    /**
     * Reads the file, when there is one.
     *
     * @throws PikoDBException when it cannot be read, saying what to do
     */
    synchronized void load() {
        definitions.clear();
        if (!Files.exists(file)) {
            return;
        }
        try {
            Map<String, Map<String, String>> stored = MAPPER.readValue(io.readAll(file), FILE_TYPE);
            stored.forEach((table, indexes) -> definitions.put(table, new TreeMap<>(indexes)));
            publish();
        } catch (IOException | JacksonException | NullPointerException e) {
            definitions.clear();
            throw new PikoDBException("Cannot read the index definitions file " + file + ": " + e.getMessage()
                    + "; the records are safe (indexes are rebuilt from them at start): repair the file, or move it"
                    + " away and create the indexes again with createIndex", e);
        }
    }

    /** A table's definitions, index name to path, by name. Never blocks. */
    Map<String, String> of(String table) {
        return snapshot.getOrDefault(table, Map.of());
    }

    private void publish() {
        Map<String, Map<String, String>> copy = new TreeMap<>();
        definitions.forEach((table, indexes) -> copy.put(table, java.util.Collections.unmodifiableMap(new TreeMap<>(indexes))));
        snapshot = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * Adds a definition and saves it.
     *
     * @return false when the same definition was there already
     * @throws IllegalArgumentException when the name is defined with another path
     */
    synchronized boolean add(String table, String name, String path) {
        Map<String, String> indexes = definitions.getOrDefault(table, Map.of());
        String existing = indexes.get(name);
        if (existing != null) {
            if (existing.equals(path)) {
                return false;
            }
            throw new IllegalArgumentException("Table '" + table + "' already has an index named '" + name + "' on \""
                    + existing + "\", not on \"" + path + "\"; drop it first with dropIndex(\"" + table + "\", \"" + name
                    + "\"), or choose another name");
        }
        Map<String, Map<String, String>> next = copy();
        next.computeIfAbsent(table, t -> new TreeMap<>()).put(name, path);
        save(next, "create index '" + name + "' on table '" + table + "'");
        return true;
    }

    /** Removes a definition and saves the change; false when there was none. */
    synchronized boolean remove(String table, String name) {
        Map<String, String> indexes = definitions.get(table);
        if (indexes == null || !indexes.containsKey(name)) {
            return false;
        }
        Map<String, Map<String, String>> next = copy();
        next.get(table).remove(name);
        if (next.get(table).isEmpty()) {
            next.remove(table);
        }
        save(next, "drop index '" + name + "' of table '" + table + "'");
        return true;
    }

    /** Removes a table's definitions and saves the change; false when it had none. */
    synchronized boolean removeTable(String table) {
        if (!definitions.containsKey(table)) {
            return false;
        }
        Map<String, Map<String, String>> next = copy();
        next.remove(table);
        save(next, "remove the index definitions of deleted table '" + table + "'");
        return true;
    }

    private Map<String, Map<String, String>> copy() {
        Map<String, Map<String, String>> copy = new TreeMap<>();
        definitions.forEach((table, indexes) -> copy.put(table, new TreeMap<>(indexes)));
        return copy;
    }

    private void save(Map<String, Map<String, String>> next, String what) {
        try {
            if (next.isEmpty()) {
                io.deleteIfExists(file);
                io.forceDirectory(directory);
            } else {
                AtomicFile.replace(io, directory, file, directory.resolve(FileNames.INDEXES + ".new"),
                        out -> out.write(MAPPER.writeValueAsBytes(next)));
            }
        } catch (IOException e) {
            throw new PikoDBException("Cannot " + what + ": saving " + file + " failed: " + e
                    + "; nothing changed. Check that the directory is writable and has free space", e);
        }
        definitions.clear();
        definitions.putAll(next);
        publish();
    }
}
