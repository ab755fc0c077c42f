package dev.pikodb.sample.changes;

import dev.pikodb.ChangeEvent;
import dev.pikodb.spring.event.PikoDBApplicationEvent;
import dev.pikodb.spring.event.PikoDBChangesMissedEvent;
import dev.pikodb.spring.event.PikoDBRecordEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Listens to the store's changes (Spring application events published by the PikoDB starter), logs
 * them and keeps counts per table and kind of change, and the latest changes, for
 * {@code GET /api/changes}. The counts cover the changes made since this process started.
 */
@Component
public class ChangeLog {

    /** How many recent changes are kept. */
    static final int RECENT = 10;

    private static final Logger logger = LoggerFactory.getLogger(ChangeLog.class);

    private final ConcurrentMap<String, ConcurrentMap<ChangeEvent.Kind, AtomicLong>> counts = new ConcurrentHashMap<>();

    private final Deque<Change> recent = new ArrayDeque<>();

    private final Clock clock;

    /**
     * Creates the log.
     *
     * @param clock stamps the changes as they are received
     */
    public ChangeLog(Clock clock) {
        this.clock = clock;
    }

    /**
     * Records one change.
     *
     * @param event the change
     */
    @EventListener
    public void onChange(PikoDBApplicationEvent event) {
        if (event instanceof PikoDBChangesMissedEvent missed) {
            // The store dropped changes because listeners did not keep up: the counts miss them.
            logger.warn("{} changes were not received; the counts are short by that many", missed.getMissed());
            remember(new Change(clock.instant(), event.getKind(), event.getTable(), null, 0, 0,
                    event.getInstanceId()));
            return;
        }
        counts.computeIfAbsent(event.getTable(), (table) -> new ConcurrentHashMap<>())
            .computeIfAbsent(event.getKind(), (kind) -> new AtomicLong())
            .incrementAndGet();
        Change change = (event instanceof PikoDBRecordEvent record)
                ? new Change(clock.instant(), event.getKind(), event.getTable(), record.getKey(),
                        record.getPreviousVersion(), record.getVersion(), event.getInstanceId())
                : new Change(clock.instant(), event.getKind(), event.getTable(), null, 0, 0, event.getInstanceId());
        remember(change);
        logger.info("{} {}/{} v{} -> v{} by {}", change.kind(), change.table(), change.key(), change.previousVersion(),
                change.version(), change.instance());
    }

    private void remember(Change change) {
        synchronized (recent) {
            recent.addFirst(change);
            while (recent.size() > RECENT) {
                recent.removeLast();
            }
        }
    }

    /**
     * The counts and the latest changes.
     *
     * @return a snapshot
     */
    public Snapshot snapshot() {
        Map<String, Map<ChangeEvent.Kind, Long>> byTable = new TreeMap<>();
        counts.forEach((table, kinds) -> {
            Map<ChangeEvent.Kind, Long> byKind = new TreeMap<>();
            kinds.forEach((kind, count) -> byKind.put(kind, count.get()));
            byTable.put(table, byKind);
        });
        List<Change> latest;
        synchronized (recent) {
            latest = new ArrayList<>(recent);
        }
        return new Snapshot(byTable, latest);
    }

    /**
     * One change as received.
     *
     * @param receivedAt when it was received
     * @param kind what happened
     * @param table the table, {@code null} for changes missed
     * @param key the key, {@code null} for a deleted table or changes missed
     * @param previousVersion the version before (0: none)
     * @param version the version after (0: none)
     * @param instance the id of the instance that made the change (with a Redis change stream, any
     *     instance of the sample sharing the database)
     */
    public record Change(Instant receivedAt, ChangeEvent.Kind kind, String table, String key, long previousVersion,
            long version, String instance) {
    }

    /**
     * What {@code GET /api/changes} returns.
     *
     * @param counts per table, how many changes of each kind
     * @param recent the latest changes, newest first
     */
    public record Snapshot(Map<String, Map<ChangeEvent.Kind, Long>> counts, List<Change> recent) {
    }
}
