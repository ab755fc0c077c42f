package dev.pikodb.internal;

import dev.pikodb.Dictionary;
import dev.pikodb.PikoDBException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The named dictionaries of a database: the ones configured or added (available for writing) and the
 * ones stored records use, which are kept in the {@code .dictionaries} file so that those records stay
 * readable without the original configuration. The file is a JSON object of name to
 * {@code {"deflate": {long: short}}}, replaced atomically (temp file, fsync, rename, directory fsync).
 */
public final class DictionaryRegistry {

    private static final Logger log = LoggerFactory.getLogger(DictionaryRegistry.class);
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Map<String, Map<String, String>>>> FILE_TYPE = new TypeReference<>() {
    };

    private final Path directory;
    private final FileIO io;
    private final Map<String, Dictionary> known = new ConcurrentHashMap<>();
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private final Set<String> writable = new TreeSet<>();
    private final Set<String> persisted = new HashSet<>();
    private final Set<String> usedByRecords = new HashSet<>();

    DictionaryRegistry(Path directory, FileIO io) {
        this.directory = directory;
        this.io = io;
    }

    /**
     * Loads the kept dictionaries, then registers the configured ones.
     *
     * @return the problem with the dictionaries file when it could not be read, else {@code null}
     */
    synchronized String load(Map<String, Dictionary> configured) {
        Path file = directory.resolve(FileNames.DICTIONARIES);
        String problem = null;
        if (Files.exists(file)) {
            try {
                Map<String, Map<String, Map<String, String>>> stored = MAPPER.readValue(io.readAll(file), FILE_TYPE);
                stored.forEach((name, mapping) -> {
                    Dictionary dictionary = Dictionary.deflate(mapping.get("deflate"));
                    known.put(name, dictionary);
                    persisted.add(name);
                    writable.add(name);
                });
            } catch (IOException | JacksonException | IllegalArgumentException | NullPointerException e) {
                problem = "cannot read the dictionaries file " + file + ": " + e.getMessage();
            }
        }
        configured.forEach((name, dictionary) -> {
            Dictionary stored = known.get(name);
            if (stored != null && !stored.equals(dictionary)) {
                throw new IllegalArgumentException("Dictionary '" + name + "' is configured with " + dictionary
                        + " but records in " + directory + " were written with " + stored
                        + "; changing a dictionary under stored data would corrupt it: use a new name");
            }
            known.put(name, dictionary);
            writable.add(name);
        });
        return problem;
    }

    /** Records that stored records use these names; persists the known ones not yet kept. */
    synchronized void usedByRecords(Collection<String> dictionaryNames) {
        usedByRecords.addAll(dictionaryNames);
        for (String name : dictionaryNames) {
            if (!known.containsKey(name)) {
                log.warn("Records in {} use dictionary '{}', which is not configured: they cannot be read until it is added",
                        directory, name);
            } else if (!persisted.contains(name)) {
                persist(name);
            }
        }
    }

    /**
     * Registers a dictionary for writing.
     *
     * @param name the name
     * @param dictionary the mapping
     * @throws IllegalArgumentException when the name has a different mapping
     */
    public synchronized void add(String name, Dictionary dictionary) {
        Dictionary existing = known.get(name);
        if (existing != null && !existing.equals(dictionary)) {
            throw new IllegalArgumentException("Dictionary '" + name + "' already exists with a different mapping "
                    + existing + (persisted.contains(name) ? ", which stored records use" : "")
                    + "; changing a mapping under stored data would corrupt it: use a new name");
        }
        known.put(name, dictionary);
        writable.add(name);
        if (usedByRecords.contains(name) && !persisted.contains(name)) {
            persist(name);
        }
    }

    /**
     * Stops new writes from using a dictionary; records that use it stay readable.
     *
     * @param name the name
     * @return true if it was available for writing
     */
    public synchronized boolean remove(String name) {
        boolean removed = writable.remove(name);
        if (removed && !persisted.contains(name) && !usedByRecords.contains(name)) {
            known.remove(name);
        }
        return removed;
    }

    /**
     * The dictionaries available for writing.
     *
     * @return names in alphabetical order
     */
    public synchronized List<String> names() {
        return List.copyOf(writable);
    }

    /** The dictionary to write with; call {@link #keep} before the first record using it is appended. */
    Dictionary forWrite(String name) {
        Dictionary dictionary;
        synchronized (this) {
            dictionary = writable.contains(name) ? known.get(name) : null;
            if (dictionary == null) {
                throw new IllegalArgumentException("Dictionary '" + name + "' is not registered; available dictionaries: "
                        + writable + " (add it with addDictionary or configure it in DatabaseOptions)");
            }
        }
        return dictionary;
    }

    /** Makes sure the dictionary's mapping is on disk, so records written with it stay readable. */
    synchronized void keep(String name) {
        if (!persisted.contains(name)) {
            persist(name);
        }
    }

    /** The dictionary to read records written with {@code name}, or {@code null} when unknown. */
    Dictionary forRead(String name) {
        return known.get(name);
    }

    /** One shared instance per dictionary name, so records do not each hold a copy. */
    String intern(String name) {
        return names.computeIfAbsent(name, n -> n);
    }

    private void persist(String name) {
        Map<String, Map<String, Map<String, String>>> content = new LinkedHashMap<>();
        List<String> toKeep = new ArrayList<>(persisted);
        toKeep.add(name);
        for (String kept : new TreeSet<>(toKeep)) {
            content.put(kept, Map.of("deflate", known.get(kept).deflateMapping()));
        }
        Path file = directory.resolve(FileNames.DICTIONARIES);
        try {
            AtomicFile.replace(io, directory, file, directory.resolve(FileNames.DICTIONARIES + ".new"),
                    out -> out.write(MAPPER.writeValueAsBytes(content)));
        } catch (IOException e) {
            throw new PikoDBException("Cannot save dictionary '" + name + "' to " + file + ": " + e
                    + "; the write that needed it was not made", e);
        }
        persisted.add(name);
    }
}
