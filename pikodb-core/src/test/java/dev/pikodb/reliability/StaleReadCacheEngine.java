package dev.pikodb.reliability;

import dev.pikodb.CopyProgress;
import dev.pikodb.CopySummary;
import dev.pikodb.Dictionary;
import dev.pikodb.IgnoredFile;
import dev.pikodb.PikoDBStatistics;
import dev.pikodb.QuarantinedFile;
import dev.pikodb.TableSummary;
import dev.pikodb.spi.EngineContext;
import dev.pikodb.spi.EngineRecord;
import dev.pikodb.spi.ImportedRecord;
import dev.pikodb.spi.QueryCondition;
import dev.pikodb.spi.QueryPage;
import dev.pikodb.spi.QueryPlan;
import dev.pikodb.spi.StorageEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * A deliberately wrong engine, to show that a linearizability check fails on one: it serves reads from
 * a cache that a write or a read of the key fills but a delete or a table deletion does not clear, so a
 * read after a delete can return the deleted record. Everything else goes to the engine it wraps.
 */
final class StaleReadCacheEngine implements StorageEngine {

    private final StorageEngine engine;
    private final Map<String, EngineRecord> reads = new ConcurrentHashMap<>();

    StaleReadCacheEngine(StorageEngine engine) {
        this.engine = engine;
    }

    private static String cacheKey(String table, String key) {
        return table + "\u0000" + key;
    }

    @Override
    public EngineRecord read(String table, String key) {
        EngineRecord cached = reads.get(cacheKey(table, key));
        if (cached != null) {
            return cached;
        }
        EngineRecord record = engine.read(table, key);
        if (record != null) {
            reads.put(cacheKey(table, key), record);
        }
        return record;
    }

    @Override
    public long write(String table, String key, byte[] json, Long expiration, String dictionaryName,
            long expectedVersion) {
        reads.remove(cacheKey(table, key));
        long version = engine.write(table, key, json, expiration, dictionaryName, expectedVersion);
        if (version != 0) {
            // Kept from the write, so that a delete that follows leaves it to be read.
            EngineRecord written = engine.read(table, key);
            if (written != null) {
                reads.put(cacheKey(table, key), written);
            }
        }
        return version;
    }

    @Override
    public boolean delete(String table, String key) {
        return engine.delete(table, key);
    }

    @Override
    public boolean deleteTable(String table) {
        return engine.deleteTable(table);
    }

    @Override
    public void open(EngineContext context) {
        engine.open(context);
    }

    @Override
    public void flush() {
        engine.flush();
    }

    @Override
    public void close() {
        engine.close();
    }

    @Override
    public void abandon() {
        engine.abandon();
    }

    @Override
    public String describe() {
        return "stale read cache over " + engine.describe();
    }

    @Override
    public void forEachLive(String table, BiConsumer<String, EngineRecord> action) {
        engine.forEachLive(table, action);
    }

    @Override
    public int liveCount(String table) {
        return engine.liveCount(table);
    }

    @Override
    public List<String> listTables() {
        return engine.listTables();
    }

    @Override
    public int cleanupExpired(String table) {
        return engine.cleanupExpired(table);
    }

    @Override
    public int cleanupAllExpired() {
        return engine.cleanupAllExpired();
    }

    @Override
    public Long currentTimeMillis() {
        return engine.currentTimeMillis();
    }

    @Override
    public boolean claimScheduledCleanup(Duration interval) {
        return engine.claimScheduledCleanup(interval);
    }

    @Override
    public Map<String, Dictionary> storedDictionaries() {
        return engine.storedDictionaries();
    }

    @Override
    public void keepDictionary(String name, Dictionary dictionary) {
        engine.keepDictionary(name, dictionary);
    }

    @Override
    public Set<String> dictionaryNamesInUse() {
        return engine.dictionaryNamesInUse();
    }

    @Override
    public List<TableSummary> tableSummaries() {
        return engine.tableSummaries();
    }

    @Override
    public Optional<TableSummary> tableSummary(String table) {
        return engine.tableSummary(table);
    }

    @Override
    public PikoDBStatistics statistics() {
        return engine.statistics();
    }

    @Override
    public List<QuarantinedFile> quarantinedFiles() {
        return engine.quarantinedFiles();
    }

    @Override
    public List<IgnoredFile> ignoredFiles() {
        return engine.ignoredFiles();
    }

    @Override
    public Map<String, String> failedTables() {
        return engine.failedTables();
    }

    @Override
    public Map<String, Object> healthDetails() {
        return engine.healthDetails();
    }

    @Override
    public void importRecords(String table, List<ImportedRecord> records) {
        engine.importRecords(table, records);
    }

    @Override
    public Optional<CopySummary> backup(Path target, CopyProgress progress) {
        return engine.backup(target, progress);
    }

    @Override
    public void createIndex(String table, String indexName, String path) {
        engine.createIndex(table, indexName, path);
    }

    @Override
    public boolean dropIndex(String table, String indexName) {
        return engine.dropIndex(table, indexName);
    }

    @Override
    public Map<String, String> indexes(String table) {
        return engine.indexes(table);
    }

    @Override
    public QueryPage query(String table, QueryPlan plan) {
        return engine.query(table, plan);
    }

    @Override
    public long count(String table, QueryCondition condition) {
        return engine.count(table, condition);
    }
}
