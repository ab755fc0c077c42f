package dev.pikodb.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the auto-configured {@link dev.pikodb.PikoDB} bean, bound from {@code pikodb.*}.
 *
 * <pre>{@code
 * pikodb:
 *   storage: directory            # or redis, configured from spring.data.redis.*
 *   database-directory: /var/lib/myapp/pikodb
 *   durable-writes: true
 *   dictionaries:
 *     sensors:
 *       deflate: { sensor: s, temperature: t }
 *   cleanup:
 *     interval: 5m
 * }</pre>
 */
@ConfigurationProperties("pikodb")
public class PikoDBProperties {

    /**
     * Whether to auto-configure the PikoDB store. When false only the auto-configured store goes away:
     * stores the application defines itself keep their scheduled cleanup, health, meters and endpoint.
     */
    private boolean enabled = true;

    /**
     * Where the auto-configured store keeps its data: 'directory' (the default; needs
     * pikodb.database-directory) or 'redis' (a Redis server, sentinel-managed master or Redis Cluster,
     * configured once with Spring Boot's spring.data.redis.* settings; needs pikodb-redis and
     * spring-boot-starter-data-redis on the classpath). With 'redis', several application instances
     * share one database.
     */
    private Storage storage = Storage.DIRECTORY;

    /**
     * Most table journals the directory engine keeps open at once; beyond this, the journals of the
     * least recently written tables are closed and reopened on their next write. Keep it well below the
     * process's open file limit. Unset: the engine's default (256). Ignored with pikodb.storage=redis.
     */
    private @Nullable Integer maxOpenJournals;

    /** Settings of PikoDB on Redis (pikodb.storage=redis). */
    private final Redis redis = new Redis();

    /**
     * Directory that holds the database: one JSON file per table plus hidden bookkeeping files. It is
     * created when missing and locked while the application runs, so only one application can use it
     * at a time. Required: there is no default, because a relative default would land wherever the JVM
     * happens to start (a module folder, an IDE's project root, a container's writable layer that
     * vanishes on restart). Use an absolute path on persistent storage; a relative path is resolved
     * against the working directory and the resolved path is logged at startup.
     */
    private @Nullable Path databaseDirectory;

    /**
     * Whether every write waits until its data is on stable storage (fsync) before returning. When
     * false, a write returns once its bytes are with the operating system: a killed application loses
     * nothing, a power failure may lose the last writes.
     */
    private boolean durableWrites = false;

    /**
     * Named key dictionaries that writes can use to store long JSON object keys as short ones. Give
     * each dictionary exactly one of 'deflate' (long key to short key) or 'inflate' (short key to long
     * key), for example pikodb.dictionaries.sensors.deflate.temperature=t.
     */
    private Map<String, DictionaryProperties> dictionaries = new LinkedHashMap<>();

    /** Scheduled removal of expired records. */
    private final Cleanup cleanup = new Cleanup();

    /** Micrometer meters. */
    private final Metrics metrics = new Metrics();

    /** The health indicator. */
    private final Health health = new Health();

    /** Backups taken through the actuator endpoint. */
    private final Backup backup = new Backup();

    /** Delivery of the store's changes to its listeners. */
    private final Events events = new Events();

    /**
     * Whether to auto-configure the PikoDB store.
     *
     * @return true unless disabled
     */
    public boolean isEnabled() {
        return this.enabled;
    }

    /**
     * Sets whether to auto-configure the PikoDB store.
     *
     * @param enabled false to create nothing
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Where the auto-configured store keeps its data.
     *
     * @return {@link Storage#DIRECTORY} unless configured
     */
    public Storage getStorage() {
        return this.storage;
    }

    /**
     * Sets where the auto-configured store keeps its data.
     *
     * @param storage the storage
     */
    public void setStorage(Storage storage) {
        this.storage = storage;
    }

    /**
     * The most journals the directory engine keeps open.
     *
     * @return the limit, or {@code null} for the engine's default
     */
    public @Nullable Integer getMaxOpenJournals() {
        return this.maxOpenJournals;
    }

    /**
     * Sets the most journals the directory engine keeps open.
     *
     * @param maxOpenJournals at least 1, or {@code null} for the engine's default
     */
    public void setMaxOpenJournals(@Nullable Integer maxOpenJournals) {
        this.maxOpenJournals = maxOpenJournals;
    }

    /**
     * The settings of PikoDB on Redis.
     *
     * @return the Redis settings
     */
    public Redis getRedis() {
        return this.redis;
    }

    /**
     * The database directory.
     *
     * @return the directory, or {@code null} when not configured (the auto-configured store then fails
     *     to start with a message naming this property)
     */
    public @Nullable Path getDatabaseDirectory() {
        return this.databaseDirectory;
    }

    /**
     * Sets the database directory.
     *
     * @param databaseDirectory the directory, created when missing
     */
    public void setDatabaseDirectory(@Nullable Path databaseDirectory) {
        this.databaseDirectory = databaseDirectory;
    }

    /**
     * Whether every write is forced to stable storage before it returns.
     *
     * @return true for durable writes, false by default
     */
    public boolean isDurableWrites() {
        return this.durableWrites;
    }

    /**
     * Sets whether every write is forced to stable storage before it returns.
     *
     * @param durableWrites true for durable writes
     */
    public void setDurableWrites(boolean durableWrites) {
        this.durableWrites = durableWrites;
    }

    /**
     * The configured dictionaries by name.
     *
     * @return dictionary name to its mapping
     */
    public Map<String, DictionaryProperties> getDictionaries() {
        return this.dictionaries;
    }

    /**
     * Sets the configured dictionaries.
     *
     * @param dictionaries dictionary name to its mapping
     */
    public void setDictionaries(Map<String, DictionaryProperties> dictionaries) {
        this.dictionaries = dictionaries;
    }

    /**
     * The scheduled cleanup settings.
     *
     * @return the cleanup settings
     */
    public Cleanup getCleanup() {
        return this.cleanup;
    }

    /**
     * The metrics settings.
     *
     * @return the metrics settings
     */
    public Metrics getMetrics() {
        return this.metrics;
    }

    /**
     * The health indicator settings.
     *
     * @return the health settings
     */
    public Health getHealth() {
        return this.health;
    }

    /**
     * The backup settings.
     *
     * @return the backup settings
     */
    public Backup getBackup() {
        return this.backup;
    }

    /**
     * The settings of the delivery of changes to listeners.
     *
     * @return the events settings
     */
    public Events getEvents() {
        return this.events;
    }

    /** Where the auto-configured store keeps its data. */
    public enum Storage {

        /** A directory on the local file system, locked by one application: pikodb.database-directory. */
        DIRECTORY,

        /** Redis or Redis Cluster, from Spring Boot's spring.data.redis.* settings; shared by instances. */
        REDIS
    }

    /**
     * Settings of PikoDB on Redis. Where the server is, credentials and TLS come from Spring Boot's
     * spring.data.redis.* settings (its DataRedisConnectionDetails); PikoDB runs its own Lettuce client
     * with topology refresh on in cluster mode.
     */
    public static class Redis {

        /**
         * Prefix of every Redis key the store uses. Applications or environments sharing one Redis with
         * different prefixes never see each other's data; instances of one application share a prefix.
         * Must not contain braces.
         */
        private String keyPrefix = "pikodb";

        /** How long to wait for a connection to a Redis node. Unset: 10 seconds. */
        private @Nullable Duration connectTimeout;

        /**
         * How long to wait for the answer to a command. A write that times out fails with
         * PikoDBOutcomeUnknownException (it may have been applied). Unset: 5 seconds.
         */
        private @Nullable Duration commandTimeout;

        /**
         * Replicas of a table's master that must confirm each change (Redis WAIT) before it is
         * acknowledged; a change fewer replicas confirm in time fails with PikoDBOutcomeUnknownException.
         * 0 (the default): acknowledged once applied on the master.
         */
        private int waitForReplicas = 0;

        /**
         * How long a change waits for pikodb.redis.wait-for-replicas replicas. Must be shorter than the
         * command timeout.
         */
        private Duration waitForReplicasTimeout = Duration.ofSeconds(1);

        /**
         * The id of this application instance among those sharing the database: the origin that change
         * events name (ChangeEvent.instance()) and the holder of the cleanup lease; with a change stream,
         * also the key under which the instance keeps its reading positions, so that after a restart it
         * resumes where it stopped (MISSED for what was trimmed meanwhile). Give each instance its own,
         * stable across restarts, e.g. its host name. Unset: a random UUID per start, and a restarted
         * instance reads the change streams from their end.
         */
        private @Nullable String instanceId;

        /** A change stream, so that every instance's listeners receive every instance's changes. */
        private final ChangeStream changeStream = new ChangeStream();

        /**
         * The instance id.
         *
         * @return the id, or {@code null} for a random one
         */
        public @Nullable String getInstanceId() {
            return this.instanceId;
        }

        /**
         * Sets the instance id.
         *
         * @param instanceId a non-blank id of at most 200 characters, or {@code null} for a random one
         */
        public void setInstanceId(@Nullable String instanceId) {
            this.instanceId = instanceId;
        }

        /**
         * The change stream settings.
         *
         * @return the settings
         */
        public ChangeStream getChangeStream() {
            return this.changeStream;
        }

        /**
         * The key prefix.
         *
         * @return the prefix, "pikodb" by default
         */
        public String getKeyPrefix() {
            return this.keyPrefix;
        }

        /**
         * Sets the key prefix.
         *
         * @param keyPrefix a non-empty prefix without braces
         */
        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        /**
         * The connect timeout.
         *
         * @return the timeout, or {@code null} for the engine's default
         */
        public @Nullable Duration getConnectTimeout() {
            return this.connectTimeout;
        }

        /**
         * Sets the connect timeout.
         *
         * @param connectTimeout a positive duration, or {@code null} for the default
         */
        public void setConnectTimeout(@Nullable Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
        }

        /**
         * The command timeout.
         *
         * @return the timeout, or {@code null} for the engine's default
         */
        public @Nullable Duration getCommandTimeout() {
            return this.commandTimeout;
        }

        /**
         * Sets the command timeout.
         *
         * @param commandTimeout a positive duration, or {@code null} for the default
         */
        public void setCommandTimeout(@Nullable Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
        }

        /**
         * Replicas that must confirm each change.
         *
         * @return the count, 0 by default
         */
        public int getWaitForReplicas() {
            return this.waitForReplicas;
        }

        /**
         * Sets how many replicas must confirm each change.
         *
         * @param waitForReplicas 0 or more
         */
        public void setWaitForReplicas(int waitForReplicas) {
            this.waitForReplicas = waitForReplicas;
        }

        /**
         * How long a change waits for its replicas.
         *
         * @return the timeout, 1 second by default
         */
        public Duration getWaitForReplicasTimeout() {
            return this.waitForReplicasTimeout;
        }

        /**
         * Sets how long a change waits for its replicas.
         *
         * @param waitForReplicasTimeout a positive duration shorter than the command timeout
         */
        public void setWaitForReplicasTimeout(Duration waitForReplicasTimeout) {
            this.waitForReplicasTimeout = waitForReplicasTimeout;
        }
    }

    /**
     * The change stream of PikoDB on Redis (see RedisStorage.Builder#changeStream): with it, each change
     * is also appended to a capped Redis stream in the same atomic step, and every instance delivers
     * every instance's changes to its listeners (Spring application events, caches, session events).
     * Every instance sharing the key prefix must set the same.
     */
    public static class ChangeStream {

        /**
         * Whether changes are appended to change streams and read from them. Off by default: listeners
         * then receive only the changes made through their own instance, and writes do not pay for the
         * stream.
         */
        private boolean enabled = false;

        /**
         * The length each of a table's 16 bucket streams is capped at (approximately). An instance that
         * falls further behind receives a changes-missed event naming the table.
         */
        private int maxLength = 10_000;

        /** How long the reader waits after finding nothing new: the delay of a change's delivery. */
        private Duration pollInterval = Duration.ofMillis(100);

        /**
         * Whether the change stream is on.
         *
         * @return true when on
         */
        public boolean isEnabled() {
            return this.enabled;
        }

        /**
         * Turns the change stream on or off.
         *
         * @param enabled true for on
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * The length each bucket stream is capped at.
         *
         * @return the length
         */
        public int getMaxLength() {
            return this.maxLength;
        }

        /**
         * Sets the length each bucket stream is capped at.
         *
         * @param maxLength a positive length
         */
        public void setMaxLength(int maxLength) {
            this.maxLength = maxLength;
        }

        /**
         * How long the reader waits after finding nothing new.
         *
         * @return the interval
         */
        public Duration getPollInterval() {
            return this.pollInterval;
        }

        /**
         * Sets how long the reader waits after finding nothing new.
         *
         * @param pollInterval a positive duration
         */
        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }
    }

    /**
     * One named key dictionary: exactly one of {@code deflate} or {@code inflate} must be given; the
     * other direction is derived.
     */
    public static class DictionaryProperties {

        /**
         * Long key to short key, for example 'temperature' to 't'. Mutually exclusive with 'inflate'.
         */
        private @Nullable Map<String, String> deflate;

        /**
         * Short key to long key, for example 't' to 'temperature'. Mutually exclusive with 'deflate'.
         */
        private @Nullable Map<String, String> inflate;

        /**
         * The long-to-short mapping.
         *
         * @return the mapping, or {@code null} when not given
         */
        public @Nullable Map<String, String> getDeflate() {
            return this.deflate;
        }

        /**
         * Sets the long-to-short mapping.
         *
         * @param deflate long key to short key
         */
        public void setDeflate(@Nullable Map<String, String> deflate) {
            this.deflate = deflate;
        }

        /**
         * The short-to-long mapping.
         *
         * @return the mapping, or {@code null} when not given
         */
        public @Nullable Map<String, String> getInflate() {
            return this.inflate;
        }

        /**
         * Sets the short-to-long mapping.
         *
         * @param inflate short key to long key
         */
        public void setInflate(@Nullable Map<String, String> inflate) {
            this.inflate = inflate;
        }
    }

    /** Settings of the scheduled removal of expired records. */
    public static class Cleanup {

        /**
         * Whether to remove expired records from every table on a schedule. Expired records are
         * invisible to reads either way; the cleanup frees their memory and disk space.
         */
        private boolean enabled = true;

        /**
         * Time between the end of one cleanup run and the start of the next. Must be positive.
         */
        private Duration interval = Duration.ofMinutes(1);

        /**
         * Whether the scheduled cleanup runs.
         *
         * @return true by default
         */
        public boolean isEnabled() {
            return this.enabled;
        }

        /**
         * Sets whether the scheduled cleanup runs.
         *
         * @param enabled false to rely on removal on read only
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * The time between two cleanup runs.
         *
         * @return the interval, one minute by default
         */
        public Duration getInterval() {
            return this.interval;
        }

        /**
         * Sets the time between two cleanup runs.
         *
         * @param interval a positive duration
         */
        public void setInterval(Duration interval) {
            this.interval = interval;
        }
    }

    /** Settings of the Micrometer meters. */
    public static class Metrics {

        /**
         * How often the per-table meters (pikodb.table.records, pikodb.table.disk.usage) are brought in
         * line with the tables that exist: tables created since the last refresh get meters, deleted ones
         * lose them. Meter values themselves are always current, and the store-wide totals never wait
         * for a refresh. Must be positive.
         */
        private Duration tableRefreshInterval = Duration.ofSeconds(30);

        /** The per-table meters. */
        private final TableMeters tableMeters = new TableMeters();

        /**
         * How often the per-table meters are refreshed.
         *
         * @return the interval, 30 seconds by default
         */
        public Duration getTableRefreshInterval() {
            return this.tableRefreshInterval;
        }

        /**
         * Sets how often the per-table meters are refreshed.
         *
         * @param tableRefreshInterval a positive duration
         */
        public void setTableRefreshInterval(Duration tableRefreshInterval) {
            this.tableRefreshInterval = tableRefreshInterval;
        }

        /**
         * The per-table meter settings.
         *
         * @return the per-table meter settings
         */
        public TableMeters getTableMeters() {
            return this.tableMeters;
        }
    }

    /** Settings of the per-table meters. */
    public static class TableMeters {

        /**
         * Whether to register the per-table meters pikodb.table.records and pikodb.table.disk.usage
         * (tagged with the table name). The store-wide totals are registered either way.
         */
        private boolean enabled = true;

        /**
         * Most tables per store that get per-table meters, to bound the number of time series. Tables
         * keep their meters once they have them; tables beyond the limit get none (logged once at WARN),
         * and the store-wide totals still count them. Must not be negative.
         */
        private int maxTables = 100;

        /**
         * Whether the per-table meters are registered.
         *
         * @return true by default
         */
        public boolean isEnabled() {
            return this.enabled;
        }

        /**
         * Sets whether the per-table meters are registered.
         *
         * @param enabled false for the store-wide totals only
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * The most tables per store with per-table meters.
         *
         * @return the limit, 100 by default
         */
        public int getMaxTables() {
            return this.maxTables;
        }

        /**
         * Sets the most tables per store with per-table meters.
         *
         * @param maxTables the limit, zero or more
         */
        public void setMaxTables(int maxTables) {
            this.maxTables = maxTables;
        }
    }

    /** Settings of the health indicator. */
    public static class Health {

        /**
         * Free space on the database directory's file system below which the health indicator reports
         * DOWN, because writes are about to fail.
         */
        private DataSize diskSpaceThreshold = DataSize.ofMegabytes(10);

        /**
         * The free-space threshold.
         *
         * @return the threshold, 10MB by default
         */
        public DataSize getDiskSpaceThreshold() {
            return this.diskSpaceThreshold;
        }

        /**
         * Sets the free-space threshold.
         *
         * @param diskSpaceThreshold the threshold, zero or more
         */
        public void setDiskSpaceThreshold(DataSize diskSpaceThreshold) {
            this.diskSpaceThreshold = diskSpaceThreshold;
        }
    }

    /** Settings of the backups that the {@code pikodb} actuator endpoint takes. */
    public static class Backup {

        /**
         * Folder that {@code POST /actuator/pikodb/{store}} writes backups into, each in a new
         * sub-folder named after the store and the time. Backups through the endpoint are refused
         * while it is not set (and, like every write operation of the endpoint, unless
         * management.endpoint.pikodb.access=unrestricted).
         */
        private @Nullable Path directory;

        /**
         * The backup folder.
         *
         * @return the folder, or {@code null} when backups through the endpoint are off
         */
        public @Nullable Path getDirectory() {
            return this.directory;
        }

        /**
         * Sets the backup folder.
         *
         * @param directory the folder, created when missing
         */
        public void setDirectory(@Nullable Path directory) {
            this.directory = directory;
        }
    }

    /**
     * Delivery of the store's changes to its listeners (the Spring application events and every
     * PikoDB.subscribe listener). Whether application events are published at all is
     * pikodb.events.enabled.
     */
    public static class Events {

        /**
         * Most changes that wait for slow listeners, about 120 bytes each plus the table and key. A write
         * never waits for a listener: when this many are waiting, further changes are dropped, counted
         * (the pikodb.events.dropped meter), and listeners receive a PikoDBChangesMissedEvent in their
         * place. Unset: 100000.
         */
        private @Nullable Integer queueCapacity;

        /**
         * The most changes that wait for the listeners.
         *
         * @return the capacity, or {@code null} for the default
         */
        public @Nullable Integer getQueueCapacity() {
            return this.queueCapacity;
        }

        /**
         * Sets the most changes that wait for the listeners.
         *
         * @param queueCapacity at least 1, or {@code null} for the default
         */
        public void setQueueCapacity(@Nullable Integer queueCapacity) {
            this.queueCapacity = queueCapacity;
        }
    }
}
