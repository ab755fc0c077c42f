package dev.pikodb.spring.event;

import dev.pikodb.ChangeEvent;
import dev.pikodb.PikoDB;
import org.springframework.context.ApplicationEvent;

/**
 * A change of a {@link PikoDB}, published as a Spring application event by
 * {@link PikoDBEventBridge}. Listen to this type for every change, or to one of its subclasses:
 * {@link PikoDBRecordChangedEvent} (a write or a delete), {@link PikoDBRecordExpiredEvent} (an expired
 * record removed), {@link PikoDBTableDeletedEvent} (a whole table deleted) and
 * {@link PikoDBChangesMissedEvent} (changes dropped because the listeners did not keep up).
 *
 * <p>The source is the {@link PikoDB} whose listeners received the change; {@link #getPikoDBName()} is
 * the name of its bean. On Redis with a change stream that includes the changes of the other instances
 * sharing the database: {@link #getInstanceId()} names the instance that made the change, and
 * {@link #isLocal()} says whether it was this one. Events are published on the store's
 * {@code pikodb-events} thread, after the change is visible, in commit order for each key.
 */
public abstract class PikoDBApplicationEvent extends ApplicationEvent {

    private static final long serialVersionUID = 1L;

    private final String pikoDBName;

    private final transient ChangeEvent change;

    /**
     * Creates an event.
     *
     * @param pikoDB the store the change was made in
     * @param pikoDBName the name of the store's bean
     * @param change the change as the store reported it
     */
    protected PikoDBApplicationEvent(PikoDB pikoDB, String pikoDBName, ChangeEvent change) {
        super(pikoDB);
        this.pikoDBName = pikoDBName;
        this.change = change;
    }

    /**
     * Creates the event class that matches the kind of the change.
     *
     * @param pikoDB the store the change was made in
     * @param pikoDBName the name of the store's bean
     * @param change the change
     * @return a {@link PikoDBRecordChangedEvent}, {@link PikoDBRecordExpiredEvent},
     *         {@link PikoDBTableDeletedEvent} or {@link PikoDBChangesMissedEvent}
     */
    public static PikoDBApplicationEvent of(PikoDB pikoDB, String pikoDBName, ChangeEvent change) {
        return switch (change.kind()) {
            case WRITTEN, DELETED -> new PikoDBRecordChangedEvent(pikoDB, pikoDBName, change);
            case EXPIRED -> new PikoDBRecordExpiredEvent(pikoDB, pikoDBName, change);
            case TABLE_DELETED -> new PikoDBTableDeletedEvent(pikoDB, pikoDBName, change);
            case MISSED -> new PikoDBChangesMissedEvent(pikoDB, pikoDBName, change);
        };
    }

    /**
     * The store the change was made in.
     *
     * @return the {@link PikoDB}
     */
    @Override
    public PikoDB getSource() {
        return (PikoDB) super.getSource();
    }

    /**
     * The name of the bean of the store the change was made in.
     *
     * @return the bean name, e.g. {@code pikoDB}
     */
    public String getPikoDBName() {
        return pikoDBName;
    }

    /**
     * The table that changed.
     *
     * @return the table, or {@code null} for a {@link PikoDBChangesMissedEvent}
     */
    public String getTable() {
        return change.table();
    }

    /**
     * What happened.
     *
     * @return the kind of change
     */
    public ChangeEvent.Kind getKind() {
        return change.kind();
    }

    /**
     * The id of the instance that made the change ({@link ChangeEvent#instance()}): on Redis with a
     * change stream, any instance sharing the database.
     *
     * @return the instance id
     */
    public String getInstanceId() {
        return change.instance();
    }

    /**
     * Whether the change was made through the store this event comes from, not through another
     * instance sharing its Redis database: act on it here when a change must be acted on once across
     * all instances (a mail, a message to another system).
     *
     * @return true for this instance's own changes
     */
    public boolean isLocal() {
        return getSource().instanceId().equals(change.instance());
    }

    /**
     * The change as the store reported it to its listeners.
     *
     * @return the core change event
     */
    public ChangeEvent getChange() {
        return change;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[pikoDB=" + pikoDBName + ", " + change + "]";
    }
}
