package dev.pikodb.redis;

import dev.pikodb.Dictionary;
import dev.pikodb.PikoDBException;
import dev.pikodb.PikoDBOutcomeUnknownException;
import dev.pikodb.PikoDBStatistics;
import dev.pikodb.TableSummary;
import dev.pikodb.spi.ChangeSink;
import dev.pikodb.spi.EngineContext;
import dev.pikodb.spi.EngineRecord;
import dev.pikodb.spi.ImportedRecord;
import dev.pikodb.spi.StorageEngine;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * A {@link StorageEngine} over Redis or Redis Cluster, for applications that run as several instances
 * sharing one database. Give it to {@link dev.pikodb.DatabaseOptions.Builder#storage}:
 *
 * <pre>{@code
 * PikoDB db = new PikoDB(DatabaseOptions.builder()
 *         .storage(RedisStorage.builder().uri("redis://localhost:6379").keyPrefix("orders").build())
 *         .build());
 * }</pre>
 *
 * <p><b>Layout</b> (in full in {@link KeySpace}). A table's records are spread over 16 buckets by a
 * hash of the key; each bucket has its own hash tag, chosen so that a table's buckets sit in 16
 * evenly spread cluster slots, and is a hash of records (field = key, value = the record in the
 * Node.js PikoDB's record form with the value last,
 * {@code {"v":3,"t":1732400000000,"x":null,"n":"sensors","d":<value JSON>}}, so that scripts read the
 * metadata without decoding the value, reads hand the value's bytes to the facade without copying, and
 * the data stays readable with {@code redis-cli}) plus a sorted set of its expiring keys. A table with
 * many records thus spreads over every master of a cluster. The catalog of tables (name to generation)
 * and the dictionaries live under the tag {@code {<prefix>}}, one slot, so listing tables is one
 * command even on a cluster. In table names {@code %}, <code>{</code>, <code>}</code> and {@code :}
 * are escaped as {@code %XX}; the prefix may not contain braces. Different prefixes never see each
 * other's data.
 *
 * <p><b>Atomicity.</b> Each write, compare-and-write and delete is one Lua script on its bucket's
 * master ({@code EVALSHA}, falling back to {@code EVAL}), so versions, expiry checks and conditional
 * writes are atomic across every instance. A read is one {@code HGET} when its answer needs no clock
 * (the record is missing, has no expiration, or its expiration is later than the clock can have
 * reached), else the read script judges expiry on the server and removes an expired record (see
 * {@link PointReads}).
 * {@link #deleteTable} unlists the table and notes its generation as dropped in one script (of
 * concurrent calls only that one can return true, and does when a write of the table was stored), then
 * empties its buckets with {@code UNLINK} before it returns; a bucket refuses writes of an older
 * generation, so an instance that missed the deletion lists the table again before writing: no
 * acknowledged write is lost to a deletion it followed, and no record is held by an unlisted table
 * (see {@link Catalog}). A command refused with {@code TRYAGAIN} while its slot migrates did not run and
 * is sent again until the command timeout. A dictionary name is bound with {@code HSETNX}: of
 * instances binding one name with different mappings at once, exactly one wins, the others get
 * {@link IllegalArgumentException}. Kept dictionaries are never removed.
 *
 * <p><b>Indexes and queries.</b> A record's secondary index entries live in its bucket, in a sorted
 * set ordered as queries order them, and are replaced by the same script that writes, deletes or
 * expires the record; the definitions are kept with the data, so every instance maintains them (see
 * {@link IndexDefinitions}). A query fans out over the buckets and merges their ordered answers,
 * checking every candidate against its live record (see {@link RedisQueries}).
 *
 * <p><b>Change events.</b> By default the listeners of the facade that opened this engine receive
 * the changes made through it. With {@link Builder#changeStream}, every script that changes a record
 * also appends the change to its bucket's capped stream, and a reader thread delivers every instance's
 * changes, this one's included, one key's in commit order, each naming its instance, with gaps reported
 * as {@link dev.pikodb.ChangeEvent.Kind#MISSED} (see {@link ChangeStream}).
 *
 * <p><b>Time.</b> By default expiry is judged by the {@code TIME} of the table's master (every instance
 * agrees), and a write's timestamp is that server's time as this instance reckons it (see
 * {@link ServerTime}: exact to half a round trip of one {@code TIME}), or the server's {@code TIME}
 * when the write judged an old record's expiration; when the application configured a clock, both
 * come from that clock.
 *
 * <p><b>Whole-table reads</b> ({@link #forEachLive}) read four buckets at a time: a bucket of at most
 * 8,192 fields with one {@code HGETALL}, a larger one in {@code HSCAN} slices of 1000, so a large
 * table never blocks a shard for long; the next reply is asked for before the one received is
 * decoded, so the servers fetch while the records already received are decoded (see
 * {@link TableScan}). The visit is not a snapshot: every record live for the whole
 * visit is seen exactly once, at some version it had during the
 * visit; records written, deleted or expiring during the visit may or may not be seen. Expiry is
 * judged against the time at the start of the visit.
 *
 * <p><b>Durability.</b> A write is acknowledged once applied on the master, and persisted as the
 * server's {@code appendonly}/{@code appendfsync} settings say. With
 * {@link dev.pikodb.DatabaseOptions#durableWrites()} the engine refuses to open unless every master
 * runs {@code appendonly yes}, {@code appendfsync always} and {@code maxmemory-policy noeviction};
 * without it, an evicting policy is logged as a warning at open. {@link Builder#waitForReplicas} makes
 * each change wait ({@code WAIT}) for that many replicas; a change whose outcome is unknown (timeout,
 * lost connection, too few replicas in time) throws {@link PikoDBOutcomeUnknownException}; a change
 * the server refused throws {@link PikoDBException} with nothing changed. Commands that change data
 * are never re-sent by the client after a reconnect (Lettuce's default would re-send them and could
 * apply a write twice). {@link #flush()} does nothing: every
 * acknowledged write is already where the durability settings put it. There is no lock: any number of
 * instances may share a prefix. {@link #close()} releases the client.
 *
 * <p><b>Summaries and statistics.</b> A {@link TableSummary} gives the buckets' record count (expired
 * records not yet removed included) as {@code records}, the sum of the server's {@code MEMORY USAGE}
 * estimates of the bucket hashes as {@code fileBytes}, and 0 journal bytes. Statistics count this instance's calls;
 * {@code journalBytesWritten} counts value bytes sent in writes; there are no compactions.
 */
public final class RedisStorage implements StorageEngine {

    private final Settings settings;
    private final String description;
    /** Who holds the cleanup lease, and who made the changes this instance publishes. */
    private final String instanceId;
    private final RedisStats stats = new RedisStats();
    private final TableStore tables;
    private final DictionaryStore dictionaries;
    private final KeySpace keys;
    private final ClientLifecycle client;
    private final ScriptTime time;

    private RedisStorage(Settings settings) {
        this.settings = settings;
        this.description = settings.describe();
        this.instanceId = settings.instanceId();
        this.keys = new KeySpace(settings.keyPrefix());
        this.client = new ClientLifecycle(settings, description, keys, stats);
        this.time = new ScriptTime(client);
        this.tables = new TableStore(keys, settings, description, this::connection, time::now, time::writeStamp,
                time::serverUpperBound, stats, this::changes,
                this::dictionary);
        this.dictionaries = new DictionaryStore(keys, () -> connection().commands(), tables, description);
    }

    /**
     * Starts a builder.
     *
     * @return a builder with the default key prefix {@code pikodb} and no server yet
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String describe() {
        return description;
    }

    /**
     * This instance's id ({@link Builder#instanceId}): the holder of the cleanup lease, and the origin
     * its changes name in the change streams.
     *
     * @return the id
     */
    @Override
    public String instanceId() {
        return instanceId;
    }

    /** Connects; with {@code durableWrites}, first checks every master's persistence settings. */
    @Override
    public void open(EngineContext engineContext) {
        client.open(engineContext);
    }

    /**
     * Does nothing: every acknowledged write is already applied on its master (and, with
     * {@link Builder#waitForReplicas}, confirmed by the replicas), and the servers persist it as their
     * {@code appendfsync} setting says. Nothing is buffered in the client.
     */
    @Override
    public void flush() {
        // nothing buffered here
    }

    /** Waits for calls in flight and releases the client (shared client resources stay up). */
    @Override
    public void close() {
        client.close();
    }

    @Override
    public long write(String table, String key, byte[] json, Long expiration, String dictionaryName,
            long expectedVersion) {
        String operation = (expectedVersion >= 0 ? "compare-and-write" : "write") + " of key '" + key
                + "' to table '" + table + "'";
        return guarded(operation, true,
                () -> tables.write(table, key, json, expiration, dictionaryName, expectedVersion, operation));
    }

    /** Stores each batch with one script on the table's master; see {@link Scripts#IMPORT}. */
    @Override
    public void importRecords(String table, List<ImportedRecord> records) {
        String operation = "import of " + records.size() + " record(s) into table '" + table + "'";
        guarded(operation, true, () -> {
            tables.importRecords(table, records, operation);
            return null;
        });
    }

    @Override
    public EngineRecord read(String table, String key) {
        return guarded("read of key '" + key + "' from table '" + table + "'", false, () -> tables.read(table, key));
    }

    @Override
    public boolean delete(String table, String key) {
        String operation = "delete of key '" + key + "' from table '" + table + "'";
        return guarded(operation, true, () -> tables.delete(table, key, operation));
    }

    /**
     * Visits the live records, a bucket at a time by {@code HGETALL} or {@code HSCAN} slices; see the class
     * comment for the bound on one command and the consistency.
     */
    @Override
    public void forEachLive(String table, BiConsumer<String, EngineRecord> action) {
        guarded("read of table '" + table + "'", false, () -> {
            tables.forEachLive(table, action);
            return null;
        });
    }

    @Override
    public int liveCount(String table) {
        return (int) guarded("count of table '" + table + "'", true, () -> tables.cleanup(table))[1];
    }

    @Override
    public int cleanupExpired(String table) {
        return (int) guarded("removal of expired records from table '" + table + "'", true,
                () -> tables.cleanup(table))[0];
    }

    @Override
    public int cleanupAllExpired() {
        guarded("finishing of table deletions left midway", true, () -> tables.finishDrops("deletion of a table"));
        int removed = 0;
        for (String table : listTables()) {
            removed += cleanupExpired(table);
        }
        return removed;
    }

    /**
     * Claims the scheduled cleanup with a lease in the database ({@code SET {<prefix>}:cleanup <instance>
     * NX PX <interval>}): of the instances sharing this prefix, the one that holds the lease cleans up,
     * the others skip, so the shared cleanup runs about once per interval. An instance that stops
     * holding it (stopped, or its runs take longer than the interval) is replaced at the next expiry.
     */
    @Override
    public boolean claimScheduledCleanup(Duration interval) {
        return guarded("claim of the scheduled cleanup", false, () -> tables.claimCleanup(instanceId, interval));
    }

    @Override
    public List<String> listTables() {
        return guarded("listing of tables", false, tables::listTables);
    }

    @Override
    public boolean deleteTable(String table) {
        String operation = "deletion of table '" + table + "'";
        return guarded(operation, true, () -> tables.deleteTable(table, operation));
    }

    @Override
    public Map<String, Dictionary> storedDictionaries() {
        return guarded("reading of dictionaries", false, dictionaries::all);
    }

    @Override
    public void keepDictionary(String name, Dictionary dictionary) {
        guarded("keeping of dictionary '" + name + "'", true, () -> {
            dictionaries.keep(name, dictionary);
            return null;
        });
    }

    @Override
    public List<TableSummary> tableSummaries() {
        List<String> listed = listTables();
        return guarded("summary of " + listed.size() + " tables", false, () -> tables.summaries().of(listed));
    }

    @Override
    public Optional<TableSummary> tableSummary(String table) {
        return guarded("summary of table '" + table + "'", false, () -> tables.summaries().of(table));
    }

    /**
     * {@code PING} to the server (on a cluster, to a node), and on a cluster the {@code cluster_state}
     * of {@code CLUSTER INFO}.
     *
     * @return {@code mode} ({@code standalone} or {@code cluster}), {@code ping} (the server's answer),
     *     on a cluster {@code clusterState}, {@code maxmemoryPolicy} (the masters' policies, or
     *     {@code unknown} when {@code CONFIG GET} is not allowed), {@code evictedKeys} (the masters'
     *     {@code evicted_keys} since they started) and, when keys may be or were evicted, {@code warning};
     *     a constant number of round trips whatever the number of tables
     * @throws PikoDBException when the server does not answer, or the cluster state is not {@code ok}
     */
    @Override
    public Map<String, Object> healthDetails() {
        return HealthDetails.check(client, settings, description);
    }

    /**
     * Creates an index: defines it, then indexes the stored records bucket by bucket in
     * {@code HSCAN} slices; see {@link IndexDefinitions}.
     */
    @Override
    public void createIndex(String table, String indexName, String path) {
        String operation = "creation of index '" + indexName + "' of table '" + table + "'";
        guarded(operation, true, () -> {
            tables.indexes().create(table, indexName, path, operation);
            return null;
        });
    }

    @Override
    public boolean dropIndex(String table, String indexName) {
        String operation = "drop of index '" + indexName + "' of table '" + table + "'";
        return guarded(operation, true, () -> tables.indexes().drop(table, indexName, operation));
    }

    @Override
    public Map<String, String> indexes(String table) {
        return guarded("listing of the indexes of table '" + table + "'", false,
                () -> tables.indexes().ready(table));
    }

    /**
     * True: a query or count refuses a path without a ready index as it plans, with the definitions it
     * reads alongside its bucket reads (see {@link RedisQueries}).
     */
    @Override
    public boolean checksQueryPaths() {
        return true;
    }

    /** Answers a query from the index entries of every bucket; see {@link RedisQueries}. */
    @Override
    public dev.pikodb.spi.QueryPage query(String table, dev.pikodb.spi.QueryPlan plan) {
        return guarded("query of table '" + table + "'", false, () -> tables.queries().query(table, plan));
    }

    @Override
    public long count(String table, dev.pikodb.spi.QueryCondition condition) {
        return guarded("count of table '" + table + "'", false, () -> tables.queries().count(table, condition));
    }

    private Dictionary dictionary(String name) {
        return dictionaries.known(name);
    }

    @Override
    public PikoDBStatistics statistics() {
        return stats.snapshot();
    }

    /** Where the record and table operations report their changes; see {@link ClientLifecycle#changes()}. */
    private ChangeSink changes() {
        return client.changes();
    }

    /**
     * The server's time, which judges expiry, unless the application configured a clock (then the
     * scripts use that clock, and so does the facade).
     *
     * @return epoch milliseconds on the server's clock, or {@code null} for the configured clock
     */
    @Override
    public Long currentTimeMillis() {
        return time.currentTimeMillis();
    }

    /** Replaces this JVM's clock as the server time sees it: for tests of a skewed JVM clock. */
    void localClockForTesting(java.util.function.LongSupplier localMillis) {
        time.localClockForTesting(localMillis);
    }

    /**
     * Widens the margin by which reads stay away from expirations they judge without the server: for
     * tests of records too close to their expiration to be judged by this JVM.
     */
    void serverClockMarginForTesting(long marginMillis) {
        time.serverClockMarginForTesting(marginMillis);
    }

    /**
     * Runs {@code hook} in every query, after it read index members and before it reads the records
     * they name: for tests of a record changed between the two.
     */
    void beforeQueryRecordReadsForTesting(Runnable hook) {
        tables.queries().records().beforeRead(hook);
    }

    private Connection connection() {
        return client.connection();
    }

    /** Runs a call under the lifecycle lock, turning client failures into PikoDB's exceptions. */
    private <T> T guarded(String operation, boolean changes, Supplier<T> call) {
        return client.guarded(operation, changes, call);
    }

    @Override
    public String toString() {
        return "RedisStorage[" + description + "]";
    }

    /**
     * Settings of a {@link RedisStorage}: where the server is, the key prefix, timeouts and how many
     * replicas must confirm each change.
     */
    public static final class Builder {
        private String uri;
        private List<String> clusterNodes;
        private String keyPrefix = "pikodb";
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration commandTimeout = Duration.ofSeconds(5);
        private Duration topologyRefreshPeriod = Duration.ofSeconds(10);
        private int replicas;
        private Duration replicaTimeout = Duration.ZERO;
        private ClientResources clientResources;
        private List<RedisURI> redisUris;
        private boolean cluster;
        private SslOptions sslOptions;
        private String instanceId;
        private int changeStreamLength;
        private Duration changeStreamPollInterval = Duration.ofMillis(100);

        private Builder() {
        }

        /**
         * One Redis server: {@code redis://[user:password@]host:port[/database]}, or {@code rediss://...}
         * for TLS. Exactly one of this and {@link #clusterNodes} must be given. Lettuce also accepts
         * {@code redis-sentinel://host:port[,host:port]/database#masterId}: the master that the
         * sentinels name (PikoDB's tests do not run sentinels).
         *
         * @param uri the server's URI
         * @return this builder
         */
        public Builder uri(String uri) {
            this.uri = uri;
            return this;
        }

        /**
         * A Redis Cluster: the URIs of some of its nodes ({@code redis://host:port}, credentials and TLS
         * as for {@link #uri}); the client discovers the rest. Topology refresh is on: periodic
         * (see {@link #topologyRefreshPeriod}) and on every redirection or reconnection.
         *
         * @param seedUris one or more node URIs
         * @return this builder
         */
        public Builder clusterNodes(List<String> seedUris) {
            this.clusterNodes = seedUris == null ? null : List.copyOf(seedUris);
            return this;
        }

        /**
         * One server (or the master that sentinels name) as a Lettuce {@link RedisURI}, for settings a URI
         * string cannot carry: credentials with any characters, sentinel credentials, client name.
         * Give exactly one of this, {@link #uri(String)}, {@link #clusterNodes} and {@link #clusterUris};
         * the URI is copied.
         *
         * @param redisUri the server
         * @return this builder
         */
        public Builder uri(RedisURI redisUri) {
            this.redisUris = redisUri == null ? null : List.of(redisUri);
            this.cluster = false;
            return this;
        }

        /**
         * A Redis Cluster as Lettuce {@link RedisURI}s of some of its nodes, for settings a URI string
         * cannot carry. Give exactly one of this, {@link #uri(String)}, {@link #clusterNodes} and
         * {@link #uri(RedisURI)}; the URIs are copied.
         * Topology refresh is on, as for {@link #clusterNodes}.
         *
         * @param seedUris one or more node URIs
         * @return this builder
         */
        public Builder clusterUris(List<RedisURI> seedUris) {
            this.redisUris = seedUris == null ? null : List.copyOf(seedUris);
            this.cluster = true;
            return this;
        }

        /**
         * TLS settings (trusted certificates, client key, protocols) for {@code rediss://} servers; by
         * default the JVM's trust store.
         *
         * @param sslOptions Lettuce's TLS settings
         * @return this builder
         */
        public Builder sslOptions(SslOptions sslOptions) {
            this.sslOptions = sslOptions;
            return this;
        }

        /**
         * The prefix of every key this database uses (default {@code pikodb}). Databases with
         * different prefixes on one server never see each other's data.
         *
         * @param keyPrefix a non-empty prefix without braces
         * @return this builder
         */
        public Builder keyPrefix(String keyPrefix) {
            KeySpace.checkPrefix(keyPrefix);
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * How long to wait for a connection (default 10 s).
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * How long to wait for the answer to a command (default 5 s). A change that times out throws
         * {@link PikoDBOutcomeUnknownException}.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = positive(timeout, "commandTimeout");
            return this;
        }

        /**
         * How often a cluster client re-reads the cluster's topology (default 10 s); it also does so
         * on redirections and reconnections.
         *
         * @param period a positive duration
         * @return this builder
         */
        public Builder topologyRefreshPeriod(Duration period) {
            this.topologyRefreshPeriod = positive(period, "topologyRefreshPeriod");
            return this;
        }

        /**
         * Makes every change wait until {@code replicas} replicas of the table's master confirm it
         * ({@code WAIT}), at most {@code timeout}; when fewer confirm in time the call throws
         * {@link PikoDBOutcomeUnknownException} (the change is applied on the master, and may be lost
         * if it fails before the replicas catch up). Default 0: no waiting.
         *
         * @param replicas how many replicas must confirm, 0 for none
         * @param timeout how long to wait, shorter than {@link #commandTimeout}
         * @return this builder
         */
        public Builder waitForReplicas(int replicas, Duration timeout) {
            if (replicas < 0) {
                throw new IllegalArgumentException("waitForReplicas replicas must be >= 0, was " + replicas);
            }
            this.replicas = replicas;
            this.replicaTimeout = replicas == 0 ? Duration.ZERO : positive(timeout, "waitForReplicas timeout");
            return this;
        }

        /**
         * Lettuce client resources (event loops, metrics) to share with other clients of the
         * application; they are not shut down by {@link RedisStorage#close()}. By default the engine
         * creates and releases its own.
         *
         * @param resources the resources
         * @return this builder
         */
        public Builder clientResources(ClientResources resources) {
            this.clientResources = resources;
            return this;
        }

        /**
         * The id of this instance among those sharing the database (default: a random UUID per
         * engine): the origin that {@link dev.pikodb.ChangeEvent#instance()} names for the changes made
         * through it, and the holder of the cleanup lease. With a {@link #changeStream change stream},
         * an instance with a configured id also keeps its reading positions in Redis (one hash under
         * the catalog's hash tag, {@code {<prefix>}:readers:<id>}, saved at most once per read round),
         * so that after a restart it resumes where it stopped, with a
         * {@link dev.pikodb.ChangeEvent.Kind#MISSED} event for what was trimmed meanwhile; without a
         * configured id a restarted instance starts from the streams' end. Give each instance its own,
         * stable across restarts, e.g. its host name and port; two instances with one id would both
         * believe they hold the lease, and share their positions.
         *
         * @param instanceId a non-blank id of at most 200 characters
         * @return this builder
         */
        public Builder instanceId(String instanceId) {
            if (instanceId == null || instanceId.isBlank() || instanceId.length() > 200) {
                throw new IllegalArgumentException("instanceId must be a non-blank string of at most 200 characters,"
                        + " e.g. the host name, was " + (instanceId == null ? "null" : "'" + instanceId + "'"));
            }
            this.instanceId = instanceId;
            return this;
        }

        /**
         * Keeps a change stream (default: none), so that every instance's listeners receive every
         * instance's changes: each script that changes a record also appends the change to a stream of
         * its bucket ({@code XADD ... MAXLEN ~ maxLength}), atomically and in commit order, and each
         * instance reads the streams of every table from where it last read and delivers their entries
         * to its listeners, naming the instance that made each change ({@link dev.pikodb.ChangeEvent#instance()}).
         * Changes of one key arrive in commit order whichever instance made them; this instance's own
         * changes also come through the stream (a poll interval later than without one). An instance
         * that falls more than {@code maxLength} changes of one bucket behind (16 buckets per table)
         * receives a {@link dev.pikodb.ChangeEvent.Kind#MISSED} event naming the table; a restarted
         * instance resumes where it stopped when its {@link #instanceId} was configured, else starts
         * from the streams' end. Every instance sharing the key prefix must keep the
         * stream (the changes of one that does not are not seen by the others). No keyspace
         * notification and no {@code CONFIG} command is used. Writes cost more with a stream: see the
         * README's figures.
         *
         * @param maxLength the length each bucket's stream is capped at (approximately, in whole
         *     nodes of the stream), e.g. 10000; 0 for no stream
         * @return this builder
         */
        public Builder changeStream(int maxLength) {
            if (maxLength < 0) {
                throw new IllegalArgumentException("changeStream maxLength must be >= 0 (0: no change stream), was "
                        + maxLength);
            }
            this.changeStreamLength = maxLength;
            return this;
        }

        /**
         * How long the change stream reader waits after a round that did not fill any stream's batch
         * of 100 entries (default 100 ms): the most a change's delivery waits, so that a busy
         * database's changes are read in batches. Each round sends one {@code XREAD} per bucket of
         * every table (16 per table), one of the stream of listed tables and one {@code HGETALL} of the
         * catalog; a round that filled a batch is followed at once by the next.
         *
         * @param interval a positive duration
         * @return this builder
         */
        public Builder changeStreamPollInterval(Duration interval) {
            this.changeStreamPollInterval = positive(interval, "changeStreamPollInterval");
            return this;
        }

        /**
         * Builds the engine; it connects when the database starts.
         *
         * @return the engine
         * @throws IllegalArgumentException unless exactly one of {@link #uri} and {@link #clusterNodes}
         *     is given and valid, or when the replica timeout is not shorter than the command timeout
         */
        public RedisStorage build() {
            Settings settings = new Settings(uri, clusterNodes, keyPrefix, connectTimeout, commandTimeout,
                    topologyRefreshPeriod, replicas, replicaTimeout, clientResources, redisUris, cluster, sslOptions,
                    instanceId != null ? instanceId : java.util.UUID.randomUUID().toString(), changeStreamLength,
                    changeStreamPollInterval, instanceId != null);
            settings.seeds();
            return new RedisStorage(settings);
        }

        private static Duration positive(Duration duration, String name) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be a positive duration, was " + duration);
            }
            return duration;
        }
    }
}
