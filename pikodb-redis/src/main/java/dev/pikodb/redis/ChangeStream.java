package dev.pikodb.redis;

import dev.pikodb.ChangeEvent;
import dev.pikodb.spi.ChangeSink;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the change streams of a database and hands their entries, as {@link ChangeEvent}s naming the
 * instance that made each change, to this instance's listeners.
 *
 * <p><b>Streams.</b> With a change stream, every script that changes a record appends the change to
 * its bucket's stream ({@code <bucket tag>:c}, see {@link KeySpace}) in the same atomic step, capped
 * with {@code XADD ... MAXLEN ~ <length>}; the script that empties a bucket of a deleted table appends
 * the deletion. A bucket's stream thus holds its changes in commit order, and every key lives in one
 * bucket: delivering each stream in order delivers each key's changes in commit order, whichever
 * instance made them. Each entry carries the stream's sequence number (one more than the entry before
 * it, kept in the bucket's state, so across trimming and even a removal of the stream), so a reader
 * finds out when entries it had not read were trimmed.
 *
 * <p><b>Reading.</b> One daemon thread per engine ({@code pikodb-change-stream}) follows the streams
 * of every listed table: in each round it lists the tables (see below), then
 * sends one {@code XREAD COUNT} {@value #BATCH} per stream from its last position, all at once (one
 * command per stream, since a cluster serves a multi-key command only within one slot), and publishes
 * what came, stream by stream; a round that filled no stream's batch is followed by a wait of the poll
 * interval, so that a busy database's changes are read in batches (at most the poll interval late)
 * rather than a few per round, and a round that did fill one is followed at once by the next.
 * Positions start, at open, at the end of each stream of the tables listed then, and at the start of
 * the streams of a table listed later. They live in memory: after a reconnection reading goes on from
 * them. With a configured instance id they are also kept in Redis (see {@link ReaderPositions}, saved at
 * the end of each round in which they moved), and a restarted instance resumes from them: a table it
 * followed from its position (also one deleted since, for its deletion), a table listed since from its
 * streams' start, with a MISSED event where the stream was trimmed past a position; without one a
 * restarted instance starts from the end again. Tables are found in the catalog ({@code HGETALL})
 * and in the stream of listed tables ({@code {<prefix>}:tables}), so that one created and deleted
 * between two rounds is read too. Own changes come from the stream too (this
 * instance's engine publishes nothing directly while a stream is kept), which is what keeps one key's
 * changes in commit order across instances.
 *
 * <p><b>Gaps.</b> When the first entry read after a position does not follow it (the stream was
 * trimmed past the position while this instance was behind or disconnected), the listeners receive a
 * {@link ChangeEvent.Kind#MISSED} event naming the table, with the count of entries trimmed unread
 * (exact while the bucket kept its sequence; 1, meaning "some", when the bucket's records hash was
 * removed from outside and its sequence started again; for the first entry read of a table listed after this reader started, the entries
 * before it, which may also be of older generations: "best effort").
 *
 * <p><b>Table deletions</b> are appended to each of the table's 16 streams (in order with the
 * bucket's changes); the first one read is delivered as {@link ChangeEvent.Kind#TABLE_DELETED}, once
 * per deleted generation. The streams stay (capped) after a deletion; each entry names the table's
 * generation it was made in, so that a reader that finds a table listed after it started skips what
 * its streams still hold of generations deleted before.
 *
 * <p><b>Bounds.</b> At most {@value #BATCH} entries per stream per round; positions of at most
 * {@value #MAX_TABLES} tables; the listeners' queue is the database's bounded change queue.
 * {@link #close} reads what the streams hold at that moment (for at most the command timeout), so
 * that closing delivers the changes made before it, then stops the thread.
 */
final class ChangeStream implements AutoCloseable {

    /** Entries read per stream and round. */
    static final int BATCH = 100;
    /** The most tables whose positions are kept. */
    static final int MAX_TABLES = 10_000;
    /** Empty rounds a table is still read after it was unlisted (its deletion's entries may follow). */
    private static final int ROUNDS_AFTER_UNLISTED = 20;
    private static final Logger log = LoggerFactory.getLogger(ChangeStream.class);

    /** Where a stream was read up to. */
    static final class Position {
        final byte[] key;
        String id;
        /**
         * The sequence number of the last entry read; 0 before the first (a table listed after this
         * reader started: its streams hold only changes made since, after its deletion entry if it
         * was deleted before).
         */
        long seq;

        Position(byte[] key, String id, long seq) {
            this.key = key;
            this.id = id;
            this.seq = seq;
        }
    }

    /**
     * The positions of one table's streams, how many rounds it has been unlisted, and the first
     * generation of it this reader delivers (a table listed after the reader started is read from its
     * streams' start, which may hold the changes of generations deleted before).
     */
    static final class Followed {
        final Position[] streams;
        final long fromGeneration;
        int unlistedRounds;

        Followed(Position[] streams, long fromGeneration) {
            this.streams = streams;
            this.fromGeneration = fromGeneration;
        }
    }

    private final KeySpace keys;
    private final Commands commands;
    private final Supplier<ChangeSink> sink;
    private final String instanceId;
    private final Duration pollInterval;
    private final Duration drainTimeout;
    private final String where;
    /** Read and written by the reading thread only (and by {@link #start} before it runs). */
    private final Map<String, Followed> followed = new LinkedHashMap<>();
    /** Where the stream of listed tables was read up to; reading thread only. */
    private String tablesPosition = "0-0";
    /** Where the positions are kept for a restart, or null when the instance id was not configured. */
    private final ReaderPositions saved;
    /** Tables whose positions moved since they were last saved, and tables no longer followed; reading thread only. */
    private final Set<String> moved = new HashSet<>();
    private final Set<String> forgotten = new HashSet<>();
    /** Hands the entries read to the listeners; reading thread only. */
    private final StreamDelivery delivery;
    private String savedTablesPosition;
    private ReaderThread thread;
    /** Whether the last round filled a stream's batch (more is waiting); reading thread only. */
    private boolean behind;

    ChangeStream(KeySpace keys, Commands commands, Supplier<ChangeSink> sink, Settings settings, String where) {
        this.keys = keys;
        this.commands = commands;
        this.sink = sink;
        this.instanceId = settings.instanceId();
        this.pollInterval = settings.changeStreamPollInterval();
        this.drainTimeout = settings.commandTimeout();
        this.where = where;
        this.delivery = new StreamDelivery(instanceId, moved);
        this.saved = settings.instanceIdConfigured()
                ? new ReaderPositions(keys.readerPositionsKey(settings.instanceId()), commands) : null;
    }

    /**
     * Takes the positions this instance saved before its restart when its id was configured and
     * there are some, else the end of every listed table's streams, then starts the thread.
     */
    void start() {
        ReaderPositions.Saved before = saved == null ? null : saved.load();
        if (before != null && before.tablesPosition() != null) {
            resume(before);
        } else {
            startAtTheEnd();
        }
        if (saved != null) {
            moved.addAll(followed.keySet());
            save();
        }
        thread = new ReaderThread(this::round, () -> behind, pollInterval, drainTimeout, where);
        thread.start();
    }

    /**
     * Takes the positions an earlier run of this instance saved: a table it followed is read on from
     * there (one deleted since also, for its deletion entries), a table listed since from its start.
     */
    private void resume(ReaderPositions.Saved before) {
        tablesPosition = before.tablesPosition();
        Map<String, Long> listed = listed();
        for (Map.Entry<String, ReaderPositions.Table> table : before.tables().entrySet()) {
            if (followed.size() >= MAX_TABLES) {
                break;
            }
            ReaderPositions.Table positions = table.getValue();
            Followed follow = follow(table.getKey(), "0-0", 0, positions.fromGeneration());
            for (int b = 0; b < follow.streams.length; b++) {
                follow.streams[b].id = positions.ids()[b];
                follow.streams[b].seq = positions.seqs()[b];
            }
            if (!listed.containsKey(table.getKey())) {
                follow.unlistedRounds = 1;
            }
        }
        for (Map.Entry<String, Long> table : listed.entrySet()) {
            if (!followed.containsKey(table.getKey()) && followed.size() < MAX_TABLES) {
                follow(table.getKey(), "0-0", 0, table.getValue());
            }
        }
    }

    private void startAtTheEnd() {
        List<Position> all = new ArrayList<>();
        for (String table : listed().keySet()) {
            Followed follow = follow(table, "0-0", 0, 0);
            for (Position position : follow.streams) {
                all.add(position);
            }
        }
        List<StreamMessage<byte[], byte[]>> lastListed = commands.command(() -> commands.sync()
                .xrevrange(keys.tablesStreamKey(), Range.<String>unbounded(), Limit.from(1)));
        if (!lastListed.isEmpty()) {
            tablesPosition = lastListed.get(0).getId();
        }
        List<List<StreamMessage<byte[], byte[]>>> lasts = commands.fanOut(all.size(),
                i -> commands.async().xrevrange(all.get(i).key, Range.<String>unbounded(), Limit.from(1)),
                i -> commands.sync().xrevrange(all.get(i).key, Range.<String>unbounded(), Limit.from(1)));
        for (int i = 0; i < all.size(); i++) {
            Position position = all.get(i);
            List<StreamMessage<byte[], byte[]>> last = lasts.get(i);
            if (last.isEmpty()) {
                position.seq = 0;
            } else {
                position.id = last.get(0).getId();
                position.seq = Long.parseLong(field(last.get(0), 's'));
            }
        }
    }

    /** Saves the positions that moved, when the instance id was configured; at most once per round. */
    private void save() {
        if (saved == null || (moved.isEmpty() && forgotten.isEmpty() && tablesPosition.equals(savedTablesPosition))) {
            return;
        }
        Map<String, ReaderPositions.Table> tables = new HashMap<>();
        for (String table : moved) {
            Followed follow = followed.get(table);
            if (follow != null) {
                String[] ids = new String[follow.streams.length];
                long[] seqs = new long[follow.streams.length];
                for (int b = 0; b < ids.length; b++) {
                    ids[b] = follow.streams[b].id;
                    seqs[b] = follow.streams[b].seq;
                }
                tables.put(table, new ReaderPositions.Table(follow.fromGeneration, ids, seqs));
            }
        }
        saved.save(tablesPosition, tables, forgotten);
        moved.clear();
        forgotten.clear();
        savedTablesPosition = tablesPosition;
    }

    /** Reads what the streams hold now (at most the command timeout), then stops the thread. */
    @Override
    public void close() {
        ReaderThread running = thread;
        if (running != null) {
            running.stop();
            thread = null;
        }
    }

    /** One round: the tables, then one read of each followed stream; returns the entries read. */
    int round() {
        refreshTables();
        List<String> names = new ArrayList<>();
        List<Position> read = new ArrayList<>();
        for (Map.Entry<String, Followed> entry : followed.entrySet()) {
            if (entry.getValue().unlistedRounds <= ROUNDS_AFTER_UNLISTED) {
                for (Position position : entry.getValue().streams) {
                    names.add(entry.getKey());
                    read.add(position);
                }
            }
        }
        XReadArgs count = XReadArgs.Builder.count(BATCH);
        List<List<StreamMessage<byte[], byte[]>>> replies = commands.fanOut(read.size(),
                i -> commands.async().xread(count, XReadArgs.StreamOffset.from(read.get(i).key, read.get(i).id)),
                i -> commands.sync().xread(count, XReadArgs.StreamOffset.from(read.get(i).key, read.get(i).id)));
        int entries = 0;
        behind = false;
        for (List<StreamMessage<byte[], byte[]>> reply : replies) {
            behind |= reply != null && reply.size() >= BATCH;
        }
        ChangeSink listeners = sink.get();
        for (int from = 0; from < read.size(); from += KeySpace.BUCKETS) {
            entries += delivery.deliverTable(names.get(from), followed.get(names.get(from)),
                    read.subList(from, from + KeySpace.BUCKETS),
                    replies.subList(from, from + KeySpace.BUCKETS), listeners);
        }
        for (Followed follow : followed.values()) {
            if (follow.unlistedRounds > 0 && follow.unlistedRounds <= ROUNDS_AFTER_UNLISTED) {
                follow.unlistedRounds++;
            }
        }
        save();
        return entries;
    }

    private void refreshTables() {
        List<StreamMessage<byte[], byte[]>> newlyListed = commands.command(() -> commands.sync().xread(
                XReadArgs.Builder.count(1_000), XReadArgs.StreamOffset.from(keys.tablesStreamKey(), tablesPosition)));
        for (StreamMessage<byte[], byte[]> entry : newlyListed == null ? List.<StreamMessage<byte[], byte[]>>of()
                : newlyListed) {
            tablesPosition = entry.getId();
            String table = field(entry, 't');
            Followed follow = followed.get(table);
            if (follow == null) {
                if (followed.size() >= MAX_TABLES) {
                    forgetUnlisted(listed().keySet());
                }
                follow(table, "0-0", 0, Long.parseLong(field(entry, 'g')));
            } else {
                follow.unlistedRounds = 0;
            }
        }
        Map<String, Long> listed = listed();
        Set<String> now = listed.keySet();
        for (Map.Entry<String, Followed> entry : followed.entrySet()) {
            if (!now.contains(entry.getKey())) {
                if (entry.getValue().unlistedRounds == 0) {
                    // also a table found in the stream of listed tables and deleted since: read a while
                    entry.getValue().unlistedRounds = 1;
                }
            } else {
                entry.getValue().unlistedRounds = 0;
            }
        }
        for (Map.Entry<String, Long> table : listed.entrySet()) {
            if (!followed.containsKey(table.getKey())) {
                if (followed.size() >= MAX_TABLES) {
                    forgetUnlisted(now);
                }
                follow(table.getKey(), "0-0", 0, table.getValue());
            }
        }
    }

    /** The listed tables and their generations, from the catalog. */
    private Map<String, Long> listed() {
        Map<byte[], byte[]> catalog = commands.command(() -> commands.sync().hgetall(keys.catalogKey()));
        Map<String, Long> tables = new HashMap<>();
        for (Map.Entry<byte[], byte[]> field : catalog.entrySet()) {
            if (field.getKey().length > 0 && field.getKey()[0] != 0) {
                tables.put(new String(field.getKey(), StandardCharsets.UTF_8),
                        Long.parseLong(new String(field.getValue(), StandardCharsets.UTF_8)));
            }
        }
        return tables;
    }

    private void forgetUnlisted(Set<String> listed) {
        for (String table : followed.keySet()) {
            if (!listed.contains(table)) {
                forgotten.add(table);
                moved.remove(table);
            }
        }
        followed.keySet().removeIf(table -> !listed.contains(table));
        delivery.forget(listed);
        if (followed.size() >= MAX_TABLES) {
            log.warn("{} lists more than {} tables; the change stream reader follows the first {} only", where,
                    MAX_TABLES, MAX_TABLES);
        }
    }

    private Followed follow(String table, String id, long seq, long fromGeneration) {
        byte[][][] buckets = keys.buckets(table);
        Position[] positions = new Position[buckets.length];
        for (int b = 0; b < buckets.length; b++) {
            positions[b] = new Position(buckets[b][4], id, seq);
        }
        Followed follow = new Followed(positions, fromGeneration);
        if (followed.size() < MAX_TABLES) {
            followed.put(table, follow);
        }
        return follow;
    }

    private static String field(StreamMessage<byte[], byte[]> message, char name) {
        return ChangeEntry.field(message, name);
    }
}
