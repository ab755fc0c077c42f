package dev.pikodb;

import dev.pikodb.internal.directory.io.FileIO;
import dev.pikodb.spi.StorageEngine;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.json.JsonMapper;

/**
 * The settings of a {@link PikoDB}. Immutable; build one with {@link #builder()}.
 *
 * <pre>{@code
 * DatabaseOptions options = DatabaseOptions.builder()
 *         .databaseDirectory(Path.of("data"))
 *         .durableWrites(true)
 *         .dictionary("sensors", Dictionary.deflate(Map.of("sensor", "s")))
 *         .build();
 * }</pre>
 */
public final class DatabaseOptions {

    /** The default of {@link Builder#maxOpenJournals(int)}. */
    public static final int DEFAULT_MAX_OPEN_JOURNALS = 256;

    /** The default of {@link Builder#changeEventQueueCapacity(int)}. */
    public static final int DEFAULT_CHANGE_EVENT_QUEUE_CAPACITY = 100_000;

    private final Path databaseDirectory;
    private final boolean durableWrites;
    private final Map<String, Dictionary> dictionaries;
    private final JsonMapper jsonMapper;
    private final Clock clock;
    private final boolean clockConfigured;
    private final StorageEngine storage;
    private final FileIO fileIO;
    private final boolean inlineCompaction;
    private final boolean readOnly;
    private final int maxOpenJournals;
    private final OperationObserver observer;
    private final int changeEventQueueCapacity;

    private DatabaseOptions(Builder builder) {
        this.databaseDirectory = builder.databaseDirectory;
        this.durableWrites = builder.durableWrites;
        this.dictionaries = Collections.unmodifiableMap(new LinkedHashMap<>(builder.dictionaries));
        this.jsonMapper = builder.jsonMapper;
        this.clock = builder.clock;
        this.clockConfigured = builder.clockConfigured;
        this.storage = builder.storage;
        this.fileIO = builder.fileIO;
        this.inlineCompaction = builder.inlineCompaction;
        this.readOnly = builder.readOnly;
        this.maxOpenJournals = builder.maxOpenJournals;
        this.observer = builder.observer;
        this.changeEventQueueCapacity = builder.changeEventQueueCapacity;
    }

    /**
     * Starts a builder with every default: no durable writes, no dictionaries, the store's own
     * {@link JsonMapper} and the system clock.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The directory that holds the database: one file per table plus hidden bookkeeping files.
     *
     * @return the database directory, or {@code null} when the database runs over another
     *     {@link #storage() storage engine}
     */
    public Path databaseDirectory() {
        return databaseDirectory;
    }

    /**
     * Whether every write is forced to stable storage (fsync) before it returns. When false, a write
     * returns once its bytes are with the operating system: a killed process loses nothing, a power
     * failure may lose the last writes.
     *
     * @return true for durable writes
     */
    public boolean durableWrites() {
        return durableWrites;
    }

    /**
     * The named dictionaries available for writing from {@link PikoDB#start()} on.
     *
     * @return an unmodifiable map of dictionary name to dictionary
     */
    public Map<String, Dictionary> dictionaries() {
        return dictionaries;
    }

    /**
     * The mapper used to turn values into JSON and back, or {@code null} for the store's own mapper.
     *
     * @return the configured mapper or {@code null}
     */
    public JsonMapper jsonMapper() {
        return jsonMapper;
    }

    /**
     * The clock that gives write timestamps and decides expiration.
     *
     * @return the clock, the system UTC clock by default
     */
    public Clock clock() {
        return clock;
    }

    /**
     * Whether the clock was given explicitly with {@link Builder#clock(Clock)}. Engines shared by
     * several processes use their server's time unless it was.
     *
     * @return true when configured
     */
    public boolean clockConfigured() {
        return clockConfigured;
    }

    /**
     * The storage engine given with {@link Builder#storage(StorageEngine)}.
     *
     * @return the engine, or {@code null} when the database is a directory
     */
    public StorageEngine storage() {
        return storage;
    }

    /**
     * How many journal files the directory engine keeps open at once; see
     * {@link Builder#maxOpenJournals(int)}.
     *
     * @return the budget, {@value #DEFAULT_MAX_OPEN_JOURNALS} by default
     */
    public int maxOpenJournals() {
        return maxOpenJournals;
    }

    /**
     * The observer that sees every operation, given with {@link Builder#observer(OperationObserver)}.
     *
     * @return the observer, or {@code null} when operations are not observed
     */
    public OperationObserver observer() {
        return observer;
    }

    /**
     * Whether the directory is opened read-only; see {@link Builder#readOnly(boolean)}.
     *
     * @return false by default
     */
    public boolean readOnly() {
        return readOnly;
    }

    /**
     * The most changes that wait for the {@link ChangeListener}s; see
     * {@link Builder#changeEventQueueCapacity(int)}.
     *
     * @return the capacity, {@value #DEFAULT_CHANGE_EVENT_QUEUE_CAPACITY} by default
     */
    public int changeEventQueueCapacity() {
        return changeEventQueueCapacity;
    }

    FileIO fileIO() {
        return fileIO;
    }

    boolean inlineCompaction() {
        return inlineCompaction;
    }

    /** Builds {@link DatabaseOptions}. Not thread-safe. */
    public static final class Builder {

        private Path databaseDirectory;
        private boolean durableWrites;
        private final Map<String, Dictionary> dictionaries = new LinkedHashMap<>();
        private JsonMapper jsonMapper;
        private Clock clock = Clock.systemUTC();
        private boolean clockConfigured;
        private StorageEngine storage;
        private FileIO fileIO = FileIO.DEFAULT;
        private boolean inlineCompaction;
        private boolean readOnly;
        private int maxOpenJournals = DEFAULT_MAX_OPEN_JOURNALS;
        private OperationObserver observer;
        private int changeEventQueueCapacity = DEFAULT_CHANGE_EVENT_QUEUE_CAPACITY;

        private Builder() {
        }

        /**
         * Sets the database directory, for the default directory engine. It is created when missing.
         * Exactly one of this and {@link #storage(StorageEngine)} must be given.
         *
         * @param databaseDirectory the directory
         * @return this builder
         */
        public Builder databaseDirectory(Path databaseDirectory) {
            this.databaseDirectory = databaseDirectory;
            return this;
        }

        /**
         * Makes every write wait for fsync before it returns (default false).
         *
         * @param durableWrites true for durable writes
         * @return this builder
         */
        public Builder durableWrites(boolean durableWrites) {
            this.durableWrites = durableWrites;
            return this;
        }

        /**
         * Adds a named dictionary. Repeatable; a later call with the same name replaces the earlier.
         *
         * @param name the name writes refer to
         * @param dictionary the dictionary
         * @return this builder
         */
        public Builder dictionary(String name, Dictionary dictionary) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("Dictionary name must be a non-empty string");
            }
            this.dictionaries.put(name, Objects.requireNonNull(dictionary,
                    () -> "Dictionary '" + name + "' must not be null"));
            return this;
        }

        /**
         * Adds every dictionary of the map, as {@link #dictionary(String, Dictionary)} does.
         *
         * @param dictionaries dictionary name to dictionary
         * @return this builder
         */
        public Builder dictionaries(Map<String, Dictionary> dictionaries) {
            Objects.requireNonNull(dictionaries, "dictionaries must not be null").forEach(this::dictionary);
            return this;
        }

        /**
         * Sets the mapper used to turn values into JSON and back. Optional: by default the store uses
         * its own mapper, so that stored data never changes shape with an application's settings.
         *
         * @param jsonMapper the mapper
         * @return this builder
         */
        public Builder jsonMapper(JsonMapper jsonMapper) {
            this.jsonMapper = jsonMapper;
            return this;
        }

        /**
         * Sets the clock for write timestamps and expiration (default: the system UTC clock).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock must not be null");
            this.clockConfigured = true;
            return this;
        }

        /**
         * Runs the database over another storage engine instead of a directory, e.g. a
         * {@code dev.pikodb.redis.RedisStorage}. Exactly one of this and
         * {@link #databaseDirectory(Path)} must be given. The engine belongs to the database from then
         * on: {@link PikoDB#start()} opens it and {@link PikoDB#close()} closes it.
         *
         * @param engine the engine
         * @return this builder
         */
        public Builder storage(StorageEngine engine) {
            this.storage = engine;
            return this;
        }

        /**
         * Sets how many journal files the directory engine keeps open at once (default
         * {@value DatabaseOptions#DEFAULT_MAX_OPEN_JOURNALS}). Every table written since its file was
         * last rewritten has a journal; beyond this many, the journals of the least recently written
         * tables are closed, and opened again when those tables are next written. So the files the
         * database holds open stay within this budget (plus the lock file and a few files while
         * tables are rewritten) however many tables exist. Raise it when more tables than this are
         * written all the time, since reopening costs a little on each such write; keep it well below
         * the process's open file limit ({@code ulimit -n}). Ignored by other storage engines.
         *
         * @param maxOpenJournals at least 1
         * @return this builder
         * @throws IllegalArgumentException when less than 1
         */
        public Builder maxOpenJournals(int maxOpenJournals) {
            if (maxOpenJournals < 1) {
                throw new IllegalArgumentException("maxOpenJournals must be at least 1, not " + maxOpenJournals
                        + "; it is how many journal files the database may keep open at once");
            }
            this.maxOpenJournals = maxOpenJournals;
            return this;
        }

        /**
         * Lets an observer see every operation, to time or trace it (default none: operations run
         * directly). See {@link OperationObserver}.
         *
         * @param observer the observer, or {@code null} for none
         * @return this builder
         */
        public Builder observer(OperationObserver observer) {
            this.observer = observer;
            return this;
        }

        /**
         * Opens the database directory without changing any file in it, for looking inside a
         * database (the command-line tool): the directory must exist; it is still locked against
         * other instances; tables are loaded as a start would load them, except that nothing is moved
         * aside, cut or removed (a table that a normal start would set aside is left out, a torn
         * journal tail is ignored); every write, deletion and flush throws
         * {@link IllegalStateException}; close writes nothing. Reads, {@code find} and
         * {@link PikoDB#backup(Path)} work. Ignored by other storage engines.
         *
         * @param readOnly true to open read-only
         * @return this builder
         */
        public Builder readOnly(boolean readOnly) {
            this.readOnly = readOnly;
            return this;
        }

        /**
         * Sets how many changes may wait for the {@link ChangeListener}s (default
         * {@value DatabaseOptions#DEFAULT_CHANGE_EVENT_QUEUE_CAPACITY}). Listeners run on one thread,
         * after the write has returned; the changes they have not taken yet wait in a queue of this
         * many, about 120 bytes each plus the table and key strings. A write never waits for a
         * listener: when the queue is full, the change is dropped instead, counted in
         * {@link PikoDBStatistics#droppedChangeEvents()}, and the listeners receive a
         * {@link ChangeEvent.Kind#MISSED} event in its place. Raise it for listeners that must see every
         * change through long bursts of writes.
         *
         * @param capacity at least 1
         * @return this builder
         * @throws IllegalArgumentException when less than 1
         */
        public Builder changeEventQueueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("changeEventQueueCapacity must be at least 1, not " + capacity
                        + "; it is how many changes may wait for the change listeners");
            }
            this.changeEventQueueCapacity = capacity;
            return this;
        }

        /** For tests: compactions run on the writing thread, so file operations come in one order. */
        Builder inlineCompaction() {
            this.inlineCompaction = true;
            return this;
        }

        Builder fileIO(FileIO fileIO) {
            this.fileIO = Objects.requireNonNull(fileIO, "fileIO must not be null");
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException unless exactly one of a database directory and a storage
         *     engine was given
         */
        public DatabaseOptions build() {
            if (databaseDirectory == null && storage == null) {
                throw new IllegalArgumentException("A database directory or a storage engine is required: call "
                        + "DatabaseOptions.builder().databaseDirectory(path) or .storage(engine)");
            }
            if (databaseDirectory != null && storage != null) {
                throw new IllegalArgumentException("Both a database directory (" + databaseDirectory
                        + ") and a storage engine (" + storage.describe() + ") were given; give exactly one");
            }
            return new DatabaseOptions(this);
        }
    }
}
