package dev.pikodb.redis;

import dev.pikodb.ChangeEvent;
import dev.pikodb.redis.ChangeStream.Followed;
import dev.pikodb.redis.ChangeStream.Position;
import dev.pikodb.spi.ChangeSink;
import io.lettuce.core.StreamMessage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hands what a {@link ChangeStream} round read of a table's streams to the listeners: each stream's
 * entries in order, a table deletion once every stream of the table reached it, a
 * {@link ChangeEvent.Kind#MISSED} event where entries were trimmed unread, and each deleted generation
 * once. Moves the positions past what it delivered. Used by the reading thread only.
 */
final class StreamDelivery {

    private final String instanceId;
    /** Tables whose positions moved since they were last saved (shared with the reader, which saves them). */
    private final Set<String> moved;
    /** The dropped generation last delivered per table. */
    private final Map<String, Long> deliveredDrops = new HashMap<>();

    StreamDelivery(String instanceId, Set<String> moved) {
        this.instanceId = instanceId;
        this.moved = moved;
    }

    /**
     * Delivers what one round read of a table's streams. A table deletion is delivered only once every
     * stream of the table was read up to its deletion entry or to its end, after the changes before
     * those entries and before the ones after them; otherwise the deletion entries are read again in the
     * next round. So no change of a generation comes after its deletion, nor one of the next before it.
     */
    int deliverTable(String table, Followed follow, List<Position> positions,
            List<List<StreamMessage<byte[], byte[]>>> replies, ChangeSink listeners) {
        int[] deletionAt = new int[positions.size()];
        boolean deletion = false;
        boolean complete = true;
        int entries = 0;
        for (int b = 0; b < positions.size(); b++) {
            List<StreamMessage<byte[], byte[]>> messages = replies.get(b) == null ? List.of() : replies.get(b);
            entries += messages.size();
            deletionAt[b] = -1;
            for (int m = 0; m < messages.size() && deletionAt[b] < 0; m++) {
                if (ChangeEntry.isDeletion(messages.get(m))) {
                    deletionAt[b] = m;
                    deletion = true;
                }
            }
            complete &= deletionAt[b] >= 0 || messages.size() < ChangeStream.BATCH;
        }
        if (entries > 0) {
            follow.unlistedRounds = 0;
        }
        for (int b = 0; b < positions.size(); b++) {
            List<StreamMessage<byte[], byte[]>> messages = replies.get(b) == null ? List.of() : replies.get(b);
            int end = deletionAt[b] < 0 ? messages.size() : deletionAt[b];
            for (int m = 0; m < end; m++) {
                deliver(table, follow, positions.get(b), messages.get(m), listeners);
            }
        }
        if (deletion && complete) {
            for (int b = 0; b < positions.size(); b++) {
                List<StreamMessage<byte[], byte[]>> messages = replies.get(b);
                if (deletionAt[b] >= 0) {
                    for (int m = deletionAt[b]; m < messages.size(); m++) {
                        deliver(table, follow, positions.get(b), messages.get(m), listeners);
                    }
                }
            }
        }
        return entries;
    }

    private void deliver(String table, Followed follow, Position position, StreamMessage<byte[], byte[]> message,
            ChangeSink listeners) {
        ChangeEntry entry = ChangeEntry.of(message);
        long expected = position.seq + 1;
        // A table listed after this reader started may begin with changes of generations deleted before.
        boolean old = entry.generationOf() < follow.fromGeneration;
        boolean gap = entry.seq() != expected && !(old && position.seq == 0);
        position.id = entry.id();
        position.seq = entry.seq();
        moved.add(table);
        if (!listeners.active()) {
            return;
        }
        if (gap) {
            long missed = entry.seq() > expected ? entry.seq() - expected : 1;
            listeners.publish(new ChangeEvent(ChangeEvent.Kind.MISSED, table, null, 0, 0, missed, instanceId));
        }
        ChangeEvent event = entry.event(table);
        if (old || event == null) {
            return;
        }
        if (entry.deletion()) {
            Long before = deliveredDrops.put(table, entry.previous());
            if (before != null && before == entry.previous()) {
                return;
            }
        }
        listeners.publish(event);
    }

    /** Forgets the deletions delivered of tables no longer listed. */
    void forget(Set<String> listed) {
        deliveredDrops.keySet().removeIf(table -> !listed.contains(table));
    }
}
