package dev.pikodb.spring.event;

import dev.pikodb.ChangeEvent;
import dev.pikodb.PikoDB;

/**
 * Changes of the store were dropped instead of being published, because the listeners did not keep up
 * and the store's change event queue was full ({@link ChangeEvent.Kind#MISSED}). It comes where the
 * dropped changes would have come: the events before and after it are published as usual.
 * {@link #getTable()} is {@code null}: the dropped changes may concern any table.
 *
 * <p>A listener that keeps state derived from the events (counts, a local copy, a projection) can no
 * longer trust it and should rebuild it from the store. The store counts the dropped changes in
 * {@code PikoDB.statistics().droppedChangeEvents()} (the meter {@code pikodb.events.dropped}).
 */
public class PikoDBChangesMissedEvent extends PikoDBApplicationEvent {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an event.
     *
     * @param pikoDB the store whose changes were dropped
     * @param pikoDBName the name of the store's bean
     * @param change a {@link ChangeEvent.Kind#MISSED} event
     */
    public PikoDBChangesMissedEvent(PikoDB pikoDB, String pikoDBName, ChangeEvent change) {
        super(pikoDB, pikoDBName, requireKind(change));
    }

    private static ChangeEvent requireKind(ChangeEvent change) {
        if (change.kind() != ChangeEvent.Kind.MISSED) {
            throw new IllegalArgumentException("A PikoDBChangesMissedEvent is a MISSED event, not " + change.kind()
                    + " (table '" + change.table() + "'); use PikoDBApplicationEvent.of");
        }
        return change;
    }

    /**
     * How many changes were dropped in the place of this event.
     *
     * @return at least 1
     */
    public long getMissed() {
        return getChange().missed();
    }
}
