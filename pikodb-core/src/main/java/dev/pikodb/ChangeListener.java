package dev.pikodb;

/**
 * Receives the changes of a {@link PikoDB}: register one with {@link PikoDB#subscribe}.
 *
 * <p>Guarantees: a listener is called after the change is visible to reads, on the database's
 * {@code pikodb-events} thread, never while the store holds a lock; changes of one key arrive in the
 * order they were committed; a listener that throws is logged and never fails a write or stops
 * delivery. Changes are those made through this {@code PikoDB} instance, and on Redis with a change
 * stream ({@code RedisStorage.Builder#changeStream}) those of every instance sharing the database, each
 * naming its origin ({@link ChangeEvent#instance()}). Delivery is asynchronous: a listener runs
 * shortly after the call that made the change has returned; {@link PikoDB#close()} delivers what is
 * queued before it returns.
 *
 * <p>Changes wait for the listeners in a bounded queue
 * ({@link DatabaseOptions.Builder#changeEventQueueCapacity(int)}): a listener that does not keep up
 * never slows or fails a write, but when the queue is full changes are dropped, and the listeners
 * receive one {@link ChangeEvent.Kind#MISSED} event where they would have been, with their number.
 */
@FunctionalInterface
public interface ChangeListener {

    /**
     * Called once per change.
     *
     * @param event the change
     */
    void onChange(ChangeEvent event);
}
