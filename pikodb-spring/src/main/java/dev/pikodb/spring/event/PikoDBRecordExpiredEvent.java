package dev.pikodb.spring.event;

import dev.pikodb.ChangeEvent;
import dev.pikodb.PikoDB;

/**
 * An expired record removed from the store: by a read that met it, by a size count or by a cleanup.
 * {@link #getPreviousVersion()} is the version of the record removed. The removal, not the instant of
 * expiry, is what is reported: a record nobody reads expires silently until the next cleanup.
 */
public class PikoDBRecordExpiredEvent extends PikoDBRecordEvent {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an event.
     *
     * @param pikoDB the store the change was made in
     * @param pikoDBName the name of the store's bean
     * @param change an {@link ChangeEvent.Kind#EXPIRED} change
     */
    public PikoDBRecordExpiredEvent(PikoDB pikoDB, String pikoDBName, ChangeEvent change) {
        super(pikoDB, pikoDBName, requireKind(change));
    }

    private static ChangeEvent requireKind(ChangeEvent change) {
        if (change.kind() != ChangeEvent.Kind.EXPIRED) {
            throw new IllegalArgumentException("A PikoDBRecordExpiredEvent is an EXPIRED change, not " + change.kind()
                    + " (table '" + change.table() + "'); use PikoDBApplicationEvent.of");
        }
        return change;
    }
}
