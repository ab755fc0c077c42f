package dev.pikodb.internal;

import dev.pikodb.Dictionary;
import dev.pikodb.spi.StorageEngine;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The named dictionaries of a database: the ones configured or added (available for writing) and the
 * ones kept with the data by the engine ({@link StorageEngine#keepDictionary}), which records were
 * written with.
 *
 * <p><b>The rule that keeps records readable.</b> A record is stored with a dictionary name, so that
 * name must map, for good, to exactly the mapping that encoded the record. {@link #forWrite} therefore
 * keeps a dictionary with the data <em>before</em> handing it to the encoder, in one step under this
 * registry's lock; from then on the name is bound: {@link #remove} only stops new writes from using
 * it, and {@link #add} with another mapping is refused. A write racing a remove-and-re-add of the
 * same name thus either encodes with the kept mapping or fails; it can never store bytes encoded with
 * one mapping under a name that reads back with another.
 */
public final class DictionaryRegistry {

    private static final Logger log = LoggerFactory.getLogger(DictionaryRegistry.class);

    private final StorageEngine engine;
    /** Names bound for good to the mapping kept with the data. Read without locking on every read. */
    private final Map<String, Dictionary> kept = new ConcurrentHashMap<>();
    /** Configured or added mappings that no record uses yet. */
    private final Map<String, Dictionary> unbound = new ConcurrentHashMap<>();
    private final Set<String> writable = new TreeSet<>();
    /**
     * Names removed here, or added here with a mapping that lost to the stored one: not made writable
     * again by another process keeping them.
     */
    private final Set<String> removedHere = new TreeSet<>();

    /**
     * Creates the registry of a database.
     *
     * @param engine the engine that keeps dictionaries with the data
     */
    public DictionaryRegistry(StorageEngine engine) {
        this.engine = engine;
    }

    /**
     * Loads the dictionaries the engine keeps, then registers the configured ones; called once the
     * engine is open.
     *
     * @param configured the dictionaries of the options
     * @throws IllegalArgumentException when a configured name is kept with another mapping
     */
    public synchronized void open(Map<String, Dictionary> configured) {
        engine.storedDictionaries().forEach((name, dictionary) -> {
            kept.put(name, dictionary);
            writable.add(name);
        });
        configured.forEach((name, dictionary) -> {
            Dictionary stored = kept.get(name);
            if (stored != null && !stored.equals(dictionary)) {
                throw new IllegalArgumentException("Dictionary '" + name + "' is configured with " + dictionary
                        + " but records in " + engine.describe() + " were written with " + stored
                        + "; changing a dictionary under stored data would corrupt it: use a new name");
            }
            if (stored == null) {
                unbound.put(name, dictionary);
            }
            writable.add(name);
        });
        for (String name : engine.dictionaryNamesInUse()) {
            if (kept.containsKey(name)) {
                continue;
            }
            Dictionary configuredMapping = unbound.get(name);
            if (configuredMapping == null) {
                log.warn("Records in {} use dictionary '{}', which is not configured: they cannot be read until it is added",
                        engine.describe(), name);
            } else {
                bind(name, configuredMapping);
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
        Dictionary existing = kept.get(name);
        boolean bound = existing != null;
        if (existing == null) {
            existing = unbound.get(name);
        }
        if (existing != null && !existing.equals(dictionary)) {
            throw new IllegalArgumentException("Dictionary '" + name + "' already exists with a different mapping "
                    + existing + (bound ? ", which stored records use" : "")
                    + "; changing a mapping under stored data would corrupt it: use a new name");
        }
        if (!bound) {
            unbound.put(name, dictionary);
        }
        writable.add(name);
        removedHere.remove(name);
    }

    /**
     * Stops new writes from using a dictionary; records that use it stay readable.
     *
     * @param name the name
     * @return true if it was available for writing
     */
    public synchronized boolean remove(String name) {
        boolean removed = writable.remove(name);
        if (removed) {
            unbound.remove(name);
            removedHere.add(name);
        }
        return removed;
    }

    /**
     * The dictionaries available for writing, including those another process sharing the engine
     * kept since this registry opened (one call to the engine), except those removed here.
     *
     * @return names in alphabetical order
     */
    public synchronized List<String> names() {
        engine.storedDictionaries().forEach((name, dictionary) -> {
            if (!kept.containsKey(name)) {
                learn(name, dictionary);
            }
            if (kept.containsKey(name) && !removedHere.contains(name)) {
                writable.add(name);
            }
        });
        return List.copyOf(writable);
    }

    /**
     * The dictionary to write with, kept with the data before it is returned (see the class comment). A
     * name unknown here is looked up in the engine once: another process may have kept it.
     *
     * @param name the dictionary name
     * @return the mapping
     * @throws IllegalArgumentException when the name is not available for writing
     */
    public synchronized Dictionary forWrite(String name) {
        if (!writable.contains(name) && !removedHere.contains(name) && refresh(name) != null
                && !removedHere.contains(name)) {
            // Another process sharing the engine kept it since this registry opened: a name bound for
            // good is writable everywhere. Only a name unknown here costs this look-up.
            writable.add(name);
        }
        if (!writable.contains(name)) {
            throw new IllegalArgumentException("Dictionary '" + name + "' is not registered; available dictionaries: "
                    + writable + " (add it with addDictionary or configure it in DatabaseOptions)");
        }
        Dictionary dictionary = kept.get(name);
        if (dictionary == null) {
            dictionary = unbound.get(name);
            bind(name, dictionary);
        }
        return dictionary;
    }

    /**
     * The dictionary to read records written with {@code name}: the mapping kept with the data. A
     * name this registry has not seen kept (another process sharing the engine kept it) is looked up
     * in the engine once.
     *
     * @param name the name a record carries
     * @return the mapping, or {@code null} when unknown
     */
    public Dictionary forRead(String name) {
        Dictionary dictionary = kept.get(name);
        return dictionary != null ? dictionary : refresh(name);
    }

    private synchronized Dictionary refresh(String name) {
        Dictionary dictionary = kept.get(name);
        if (dictionary == null) {
            dictionary = engine.storedDictionaries().get(name);
            if (dictionary != null) {
                learn(name, dictionary);
            }
        }
        return dictionary;
    }

    /** Takes in a mapping another process kept; the stored mapping wins over a local one. */
    private void learn(String name, Dictionary dictionary) {
        kept.put(name, dictionary);
        Dictionary local = unbound.remove(name);
        if (local != null && !local.equals(dictionary)) {
            writable.remove(name);
            removedHere.add(name);
            log.warn("Dictionary '{}' was added here with {} but records in {} use {}: the stored mapping wins",
                    name, local, engine.describe(), dictionary);
        }
    }

    /** Keeps a mapping with the data, binding its name for good. Called under the lock. */
    private void bind(String name, Dictionary dictionary) {
        engine.keepDictionary(name, dictionary);
        kept.put(name, dictionary);
        unbound.remove(name);
    }
}
