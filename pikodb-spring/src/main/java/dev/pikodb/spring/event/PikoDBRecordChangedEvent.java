package dev.pikodb.spring.event;

import dev.pikodb.ChangeEvent;
import dev.pikodb.PikoDB;

/**
 * A record written (a write or a successful compare-and-write, {@link ChangeEvent.Kind#WRITTEN}) or
 * deleted ({@link ChangeEvent.Kind#DELETED}).
 */
public class PikoDBRecordChangedEvent extends PikoDBRecordEvent {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an event.
     *
     * @param pikoDB the store the change was made in
     * @param pikoDBName the name of the store's bean
     * @param change a {@link ChangeEvent.Kind#WRITTEN} or {@link ChangeEvent.Kind#DELETED} change
     */
    public PikoDBRecordChangedEvent(PikoDB pikoDB, String pikoDBName, ChangeEvent change) {
        super(pikoDB, pikoDBName, requireKind(change));
    }

    private static ChangeEvent requireKind(ChangeEvent change) {
        if (change.kind() != ChangeEvent.Kind.WRITTEN && change.kind() != ChangeEvent.Kind.DELETED) {
            throw new IllegalArgumentException("A PikoDBRecordChangedEvent is a WRITTEN or DELETED change, not "
                    + change.kind() + " (table '" + change.table() + "'); use PikoDBApplicationEvent.of");
        }
        return change;
    }

    /**
     * Whether the record was deleted rather than written.
     *
     * @return true for a delete
     */
    public boolean isDeleted() {
        return getKind() == ChangeEvent.Kind.DELETED;
    }
}
