package dev.pikodb.internal;

import dev.pikodb.ChangeEvent;
import dev.pikodb.ChangeListener;
import dev.pikodb.spi.ChangeSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the changes an engine publishes to the listeners, on one daemon thread per database
 * ({@code pikodb-events}), in the order they were published. Engines publish in commit order per key
 * while they hold the lock that ordered the change, so publishing only queues; listeners run on the
 * delivery thread, outside every store lock, and one that throws is logged and skipped.
 */
public final class ChangeDispatcher implements ChangeSink {

    private static final Logger log = LoggerFactory.getLogger(ChangeDispatcher.class);
    private static final ChangeEvent STOP = ChangeEvent.tableDeleted("");

    private final String name;
    private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<ChangeEvent> queue = new LinkedBlockingQueue<>();
    private volatile boolean active;
    private Thread thread;
    private boolean closed;

    /**
     * Creates a dispatcher; its thread starts with the first listener.
     *
     * @param name what the database is, for the thread name and log messages
     */
    public ChangeDispatcher(String name) {
        this.name = name;
    }

    /**
     * Adds a listener.
     *
     * @param listener the listener
     */
    public synchronized void subscribe(ChangeListener listener) {
        if (closed) {
            throw new IllegalStateException("PikoDB over " + name + " is closed: no change will be delivered");
        }
        listeners.add(listener);
        active = true;
        if (thread == null) {
            thread = new Thread(this::deliver, "pikodb-events");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /**
     * Removes a listener; it receives nothing published afterwards.
     *
     * @param listener the listener
     * @return true if it was subscribed
     */
    public synchronized boolean unsubscribe(ChangeListener listener) {
        boolean removed = listeners.remove(listener);
        active = !listeners.isEmpty();
        return removed;
    }

    @Override
    public boolean active() {
        return active;
    }

    @Override
    public void publish(ChangeEvent event) {
        if (active) {
            queue.add(event);
        }
    }

    /**
     * Delivers what is queued, then stops the thread.
     *
     * @param timeoutMillis how long to wait for the listeners
     */
    public void close(long timeoutMillis) {
        Thread running;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = thread;
        }
        if (running == null) {
            return;
        }
        queue.add(STOP);
        try {
            running.join(TimeUnit.MILLISECONDS.toMillis(timeoutMillis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (running.isAlive()) {
            log.warn("Change listeners of {} did not finish within {} ms; {} change(s) were not delivered",
                    name, timeoutMillis, queue.size());
            running.interrupt();
        }
        active = false;
    }

    private void deliver() {
        while (true) {
            ChangeEvent event;
            try {
                event = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (event == STOP) {
                return;
            }
            for (ChangeListener listener : listeners) {
                try {
                    listener.onChange(event);
                } catch (Throwable e) {
                    if (e instanceof VirtualMachineError fatal) {
                        throw fatal;
                    }
                    log.warn("Change listener {} of {} failed on {}; delivery goes on", listener, name, event, e);
                }
            }
        }
    }
}
