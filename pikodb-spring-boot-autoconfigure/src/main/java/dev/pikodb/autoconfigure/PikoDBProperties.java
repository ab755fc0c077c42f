package dev.pikodb.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the auto-configured {@link dev.pikodb.PikoDB} bean, bound from {@code pikodb.*}.
 *
 * <pre>{@code
 * pikodb:
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
     * Whether to auto-configure the PikoDB store, and with it scheduled cleanup, the health
     * indicator, the meters and the pikodb endpoint.
     */
    private boolean enabled = true;

    /**
     * Directory that holds the database: one JSON file per table plus hidden bookkeeping files. It is
     * created when missing and locked while the application runs, so only one application can use it
     * at a time. A relative path is resolved against the working directory.
     */
    private Path databaseDirectory = Path.of("./pikodb-data");

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
     * The database directory.
     *
     * @return the directory, {@code ./pikodb-data} by default
     */
    public Path getDatabaseDirectory() {
        return this.databaseDirectory;
    }

    /**
     * Sets the database directory.
     *
     * @param databaseDirectory the directory, created when missing
     */
    public void setDatabaseDirectory(Path databaseDirectory) {
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
     * One named key dictionary: exactly one of {@code deflate} or {@code inflate} must be given; the
     * other direction is derived.
     */
    public static class DictionaryProperties {

        /**
         * Long key to short key, for example 'temperature' to 't'. Mutually exclusive with 'inflate'.
         */
        private Map<String, String> deflate;

        /**
         * Short key to long key, for example 't' to 'temperature'. Mutually exclusive with 'deflate'.
         */
        private Map<String, String> inflate;

        /**
         * The long-to-short mapping.
         *
         * @return the mapping, or {@code null} when not given
         */
        public Map<String, String> getDeflate() {
            return this.deflate;
        }

        /**
         * Sets the long-to-short mapping.
         *
         * @param deflate long key to short key
         */
        public void setDeflate(Map<String, String> deflate) {
            this.deflate = deflate;
        }

        /**
         * The short-to-long mapping.
         *
         * @return the mapping, or {@code null} when not given
         */
        public Map<String, String> getInflate() {
            return this.inflate;
        }

        /**
         * Sets the short-to-long mapping.
         *
         * @param inflate short key to long key
         */
        public void setInflate(Map<String, String> inflate) {
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
         * How often the per-table meters (pikodb.records, pikodb.disk.usage) are brought in line with the
         * tables that exist: tables created since the last refresh get meters, deleted ones lose them.
         * Meter values themselves are always current. Must be positive.
         */
        private Duration tableRefreshInterval = Duration.ofSeconds(30);

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
    }
}
