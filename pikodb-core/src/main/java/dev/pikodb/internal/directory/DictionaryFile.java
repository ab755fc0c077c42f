package dev.pikodb.internal.directory;

import dev.pikodb.Dictionary;
import dev.pikodb.PikoDBException;
import dev.pikodb.internal.directory.io.AtomicFile;
import dev.pikodb.internal.directory.io.FileIO;
import dev.pikodb.internal.directory.io.FileNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dictionaries that stored records use, kept in the directory's {@code .dictionaries} file so
 * that those records stay readable without the configuration that wrote them.
 *
 * <p>Format: one JSON object, dictionary name to {@code {"deflate": {long: short}}}. The file is
 * only ever replaced whole and atomically ({@link AtomicFile}: temp file, fsync, rename, directory
 * fsync), before the first record that uses a new dictionary is appended, so a record on disk
 * always has its mapping on disk. A name once kept keeps its mapping for good.
 */
final class DictionaryFile {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Map<String, Map<String, String>>>> FILE_TYPE = new TypeReference<>() {
    };

    private final Path directory;
    private final FileIO io;
    private final Path file;
    private final Map<String, Dictionary> kept = new TreeMap<>();

    DictionaryFile(Path directory, FileIO io) {
        this.directory = directory;
        this.io = io;
        this.file = directory.resolve(FileNames.DICTIONARIES);
    }

    Path path() {
        return file;
    }

    /**
     * Reads the file, when there is one.
     *
     * @return the problem when it cannot be read (the caller moves it aside), else {@code null}
     */
    synchronized String load() {
        kept.clear();
        if (!Files.exists(file)) {
            return null;
        }
        try {
            Map<String, Map<String, Map<String, String>>> stored = MAPPER.readValue(io.readAll(file), FILE_TYPE);
            stored.forEach((name, mapping) -> kept.put(name, Dictionary.deflate(mapping.get("deflate"))));
            return null;
        } catch (IOException | JacksonException | IllegalArgumentException | NullPointerException e) {
            kept.clear();
            return "cannot read the dictionaries file " + file + ": " + e.getMessage();
        }
    }

    /** The kept dictionary of a name, or null. */
    synchronized Dictionary get(String name) {
        return kept.get(name);
    }

    synchronized Map<String, Dictionary> all() {
        return Map.copyOf(kept);
    }

    /** Adds a mapping to the file; returns once it is on stable storage. */
    synchronized void keep(String name, Dictionary dictionary) {
        Dictionary existing = kept.get(name);
        if (existing != null) {
            if (!existing.equals(dictionary)) {
                throw new IllegalArgumentException("Dictionary '" + name + "' is kept in " + file + " with " + existing
                        + ", which stored records use; changing a mapping under stored data would corrupt it: use a new name");
            }
            return;
        }
        Map<String, Map<String, Map<String, String>>> content = new LinkedHashMap<>();
        Map<String, Dictionary> next = new TreeMap<>(kept);
        next.put(name, dictionary);
        next.forEach((each, mapping) -> content.put(each, Map.of("deflate", mapping.deflateMapping())));
        try {
            AtomicFile.replace(io, directory, file, directory.resolve(FileNames.DICTIONARIES + ".new"),
                    out -> out.write(MAPPER.writeValueAsBytes(content)));
        } catch (IOException e) {
            throw new PikoDBException("Cannot save dictionary '" + name + "' to " + file + ": " + e
                    + "; the write that needed it was not made. Check that the directory is writable and has free space", e);
        }
        kept.put(name, dictionary);
    }
}
