package dev.pikodb.spi;

import dev.pikodb.ChangeEvent;

/**
 * Where an engine reports the changes it makes visible, so the facade can notify its
 * {@link dev.pikodb.ChangeListener}s.
 *
 * <p>An engine calls {@link #publish} after a change is visible to reads, in commit order per key
 * (for example while it still holds the lock that ordered the change): publishing only queues the
 * event and never blocks. It checks {@link #active()} first and builds no event when nobody listens.
 */
public interface ChangeSink {

    /** A sink with no listener. */
    ChangeSink NONE = new ChangeSink() {
        @Override
        public boolean active() {
            return false;
        }

        @Override
        public void publish(ChangeEvent event) {
        }
    };

    /**
     * Whether any listener is registered; when false, engines skip building events.
     *
     * @return true while someone listens
     */
    boolean active();

    /**
     * Queues a change for the listeners; never blocks, never throws.
     *
     * @param event the change
     */
    void publish(ChangeEvent event);
}
