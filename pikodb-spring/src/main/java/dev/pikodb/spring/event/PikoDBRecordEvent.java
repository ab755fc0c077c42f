package dev.pikodb.spring.event;

import dev.pikodb.ChangeEvent;
import dev.pikodb.PikoDB;

/**
 * A change of one record: the base of {@link PikoDBRecordChangedEvent} and
 * {@link PikoDBRecordExpiredEvent}.
 */
public abstract class PikoDBRecordEvent extends PikoDBApplicationEvent {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an event.
     *
     * @param pikoDB the store the change was made in
     * @param pikoDBName the name of the store's bean
     * @param change the change
     */
    protected PikoDBRecordEvent(PikoDB pikoDB, String pikoDBName, ChangeEvent change) {
        super(pikoDB, pikoDBName, change);
    }

    /**
     * The key of the record.
     *
     * @return the key
     */
    public String getKey() {
        return getChange().key();
    }

    /**
     * The version of the record before the change.
     *
     * @return the previous version, 0 when the key had no live record
     */
    public long getPreviousVersion() {
        return getChange().previousVersion();
    }

    /**
     * The version of the record after the change.
     *
     * @return the new version, 0 when the record was removed
     */
    public long getVersion() {
        return getChange().version();
    }
}
