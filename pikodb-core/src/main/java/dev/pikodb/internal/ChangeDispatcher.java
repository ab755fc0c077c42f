package dev.pikodb.internal;

import dev.pikodb.ChangeEvent;
import dev.pikodb.ChangeListener;
import dev.pikodb.spi.ChangeSink;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the changes an engine publishes to the listeners, on one daemon thread per database
 * ({@code pikodb-events}), in the order they were published. Engines publish in commit order per key
 * while they hold the lock that ordered the change, so publishing only queues; listeners run on the
 * delivery thread, outside every store lock, and one that throws is logged and skipped.
 *
 * <p><b>Bound.</b> The queue holds at most {@code capacity} changes, plus one {@link ChangeEvent.Kind#MISSED}
 * marker. Publishing never waits for room: a change that finds the queue full is dropped and counted,
 * and the count of changes dropped since the last marker is kept aside. The marker carrying it enters
 * the queue just before the next change that finds room, or is handed to the listeners as soon as
 * they have taken everything queued before the drops, whichever comes first; so the listeners
 * receive it exactly where the dropped changes would have been, and one marker stands for a whole run
 * of drops.
 */
public final class ChangeDispatcher implements ChangeSink {

    private static final Logger log = LoggerFactory.getLogger(ChangeDispatcher.class);

    /** How often, at most, dropping changes is logged. */
    private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String name;
    private final int capacity;
    /** The id of this instance, given to the events whose engine did not name their origin. */
    private final String instanceId;
    private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    /** Guarded by {@link #lock}. */
    private final ArrayDeque<ChangeEvent> queue = new ArrayDeque<>();
    /** Changes dropped since the last marker was queued; guarded by {@link #lock}. */
    private long unreported;
    /** Written under {@link #lock}. */
    private volatile long dropped;
    /** Guarded by {@link #lock}. */
    private boolean stopping;
    /** Guarded by {@link #lock}; {@code System.nanoTime()} of the last log of drops. */
    private long lastDropLog;
    private boolean droppedBefore;
    private volatile boolean active;
    private Thread thread;
    private boolean closed;

    /**
     * Creates a dispatcher; its thread starts with the first listener.
     *
     * @param name what the database is, for the thread name and log messages
     * @param capacity the most changes waiting for the listeners, at least 1
     */
    public ChangeDispatcher(String name, int capacity) {
        this(name, capacity, null);
    }

    /**
     * Creates a dispatcher that names {@code instanceId} as the origin of the events published without
     * one; its thread starts with the first listener.
     *
     * @param name what the database is, for the thread name and log messages
     * @param capacity the most changes waiting for the listeners, at least 1
     * @param instanceId the id of this instance, or {@code null} to leave events as published
     */
    public ChangeDispatcher(String name, int capacity, String instanceId) {
        if (capacity < 1) {
            throw new IllegalArgumentException("The change event queue capacity must be at least 1, not " + capacity);
        }
        this.name = name;
        this.capacity = capacity;
        this.instanceId = instanceId;
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
        if (!active) {
            return;
        }
        boolean logDrop = false;
        lock.lock();
        try {
            if (stopping) {
                return;
            }
            if (queue.size() >= capacity) {
                unreported++;
                dropped++;
                long now = System.nanoTime();
                if (!droppedBefore || now - lastDropLog >= DROP_LOG_INTERVAL_NANOS) {
                    droppedBefore = true;
                    lastDropLog = now;
                    logDrop = true;
                }
            } else {
                if (unreported > 0) {
                    queue.add(ChangeEvent.missed(unreported).withInstance(instanceId));
                    unreported = 0;
                }
                queue.add(event.instance() == null && instanceId != null ? event.withInstance(instanceId) : event);
                ready.signal();
            }
        } finally {
            lock.unlock();
        }
        if (logDrop) {
            log.warn("Change listeners of {} do not keep up: {} changes are queued, so changes are dropped ({} so far)"
                    + " and the listeners receive a MISSED event in their place. Make the listeners faster (hand the"
                    + " work to another thread) or raise the change event queue capacity. Logged at most once a"
                    + " minute.", name, capacity, dropped);
        }
    }

    /**
     * How many changes were dropped because the queue was full.
     *
     * @return the count since this dispatcher was created
     */
    public long dropped() {
        return dropped;
    }

    /**
     * The most changes waiting for the listeners.
     *
     * @return the capacity
     */
    public int capacity() {
        return capacity;
    }

    /**
     * How many changes (and markers) wait for the listeners now.
     *
     * @return the queue's length
     */
    public int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
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
        lock.lock();
        try {
            stopping = true;
            ready.signal();
        } finally {
            lock.unlock();
        }
        if (running == null) {
            return;
        }
        try {
            running.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (running.isAlive()) {
            log.warn("Change listeners of {} did not finish within {} ms; {} change(s) were not delivered",
                    name, timeoutMillis, queued());
            running.interrupt();
        }
        active = false;
    }

    private void deliver() {
        while (true) {
            ChangeEvent event;
            lock.lock();
            try {
                while (queue.isEmpty() && unreported == 0) {
                    if (stopping) {
                        return;
                    }
                    ready.await();
                }
                if (queue.isEmpty()) {
                    // Everything queued before the drops is delivered, and nothing found room since.
                    event = ChangeEvent.missed(unreported).withInstance(instanceId);
                    unreported = 0;
                } else {
                    event = queue.poll();
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
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
