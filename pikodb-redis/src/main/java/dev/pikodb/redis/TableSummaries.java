package dev.pikodb.redis;

import dev.pikodb.TableSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The {@link TableSummary summaries} of a {@link RedisStorage}'s tables: the buckets' record counts
 * ({@code HLEN}) and the server's {@code MEMORY USAGE} estimates of the bucket hashes, each a command
 * per bucket sent at once.
 */
final class TableSummaries {

    private static final int FAN_OUT_ROUND = 4096;

    private final KeySpace keys;
    private final Commands commands;
    private final Catalog catalog;

    TableSummaries(KeySpace keys, Commands commands, Catalog catalog) {
        this.keys = keys;
        this.commands = commands;
        this.catalog = catalog;
    }

    /** The summary of one table, or empty when it is not listed. */
    Optional<TableSummary> of(String table) {
        if (!catalog.isListed(table, "summary of table '" + table + "'")) {
            return Optional.empty();
        }
        byte[][][] buckets = keys.buckets(table);
        List<Long> lengths = commands.fanOut(buckets.length, b -> commands.async().hlen(buckets[b][0]),
                b -> commands.sync().hlen(buckets[b][0]));
        long records = 0;
        for (long length : lengths) {
            records += Math.max(0, length - 1);
        }
        long bytes = 0;
        if (records > 0) {
            for (Long usage : commands.fanOut(buckets.length, b -> commands.async().memoryUsage(buckets[b][0]),
                    b -> commands.sync().memoryUsage(buckets[b][0]))) {
                bytes += usage == null ? 0 : usage;
            }
        }
        return Optional.of(new TableSummary(table, (int) records, bytes, 0));
    }

    /**
     * The summaries of many tables: the buckets' lengths and memory estimates in rounds of at most
     * {@value #FAN_OUT_ROUND} commands sent at once (not one table after another).
     */
    List<TableSummary> of(List<String> tables) {
        List<byte[]> hashes = new ArrayList<>(tables.size() * KeySpace.BUCKETS);
        for (String table : tables) {
            for (byte[][] bucket : keys.buckets(table)) {
                hashes.add(bucket[0]);
            }
        }
        List<Long> lengths = inRounds(hashes, key -> commands.async().hlen(key), key -> commands.sync().hlen(key));
        List<byte[]> used = new ArrayList<>();
        for (int i = 0; i < hashes.size(); i++) {
            if (lengths.get(i) > 1) {
                used.add(hashes.get(i));
            }
        }
        List<Long> usages = inRounds(used, key -> commands.async().memoryUsage(key),
                key -> commands.sync().memoryUsage(key));
        List<TableSummary> summaries = new ArrayList<>(tables.size());
        int u = 0;
        for (int t = 0; t < tables.size(); t++) {
            long records = 0;
            long bytes = 0;
            for (int b = 0; b < KeySpace.BUCKETS; b++) {
                long length = lengths.get(t * KeySpace.BUCKETS + b);
                if (length > 1) {
                    records += length - 1;
                    Long usage = usages.get(u++);
                    bytes += usage == null ? 0 : usage;
                }
            }
            summaries.add(new TableSummary(tables.get(t), (int) records, bytes, 0));
        }
        return summaries;
    }

    private <T> List<T> inRounds(List<byte[]> keysToAsk, Function<byte[], io.lettuce.core.RedisFuture<T>> async,
            Function<byte[], T> sync) {
        List<T> replies = new ArrayList<>(keysToAsk.size());
        for (int from = 0; from < keysToAsk.size(); from += FAN_OUT_ROUND) {
            List<byte[]> round = keysToAsk.subList(from, Math.min(keysToAsk.size(), from + FAN_OUT_ROUND));
            replies.addAll(commands.fanOut(round.size(), i -> async.apply(round.get(i)), i -> sync.apply(round.get(i))));
        }
        return replies;
    }
}
