package dev.pikodb.spring.event;

import dev.pikodb.ChangeEvent;
import dev.pikodb.PikoDB;

/**
 * A whole table deleted (with {@link PikoDB#deleteTable(String)}; a cache's {@code clear()} and a
 * repository's {@code deleteAll} of a keyspace do that). No event is published per record.
 */
public class PikoDBTableDeletedEvent extends PikoDBApplicationEvent {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an event.
     *
     * @param pikoDB the store the change was made in
     * @param pikoDBName the name of the store's bean
     * @param change a {@link ChangeEvent.Kind#TABLE_DELETED} change
     */
    public PikoDBTableDeletedEvent(PikoDB pikoDB, String pikoDBName, ChangeEvent change) {
        super(pikoDB, pikoDBName, requireKind(change));
    }

    private static ChangeEvent requireKind(ChangeEvent change) {
        if (change.kind() != ChangeEvent.Kind.TABLE_DELETED) {
            throw new IllegalArgumentException("A PikoDBTableDeletedEvent is a TABLE_DELETED change, not "
                    + change.kind() + " (table '" + change.table() + "'); use PikoDBApplicationEvent.of");
        }
        return change;
    }
}
