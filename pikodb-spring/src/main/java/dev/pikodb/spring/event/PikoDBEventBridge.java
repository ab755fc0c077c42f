package dev.pikodb.spring.event;

import dev.pikodb.ChangeEvent;
import dev.pikodb.ChangeListener;
import dev.pikodb.PikoDB;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Publishes the changes of one or more {@link PikoDB} stores as Spring application events
 * ({@link PikoDBApplicationEvent} and its subclasses), so that {@code @EventListener} methods receive
 * them.
 *
 * <p>A {@link SmartLifecycle}: it subscribes to every store when the application context starts and
 * unsubscribes when it stops, so changes made while the context runs are published, and none after it
 * has begun to close. Changes made while beans are being created (before the context starts) are not
 * published.
 *
 * <p>Listeners are called on the store's {@code pikodb-events} thread, shortly after the call that
 * made the change has returned, in commit order for each key; they may read and write the store. A
 * listener that throws is logged by the store and fails neither the write nor the delivery of later
 * events. Only changes made through these {@code PikoDB} instances, in this JVM, are published. When
 * the listeners do not keep up and the store's change event queue fills, the store drops changes and
 * a {@link PikoDBChangesMissedEvent} is published in their place.
 *
 * <p>Spring Boot applications get one automatically for every {@code PikoDB} bean; elsewhere declare
 * it as a bean:
 *
 * <pre class="code">
 * &#64;Bean
 * PikoDBEventBridge pikoDBEventBridge(PikoDB pikoDB, ApplicationEventPublisher publisher) {
 *     return new PikoDBEventBridge("pikoDB", pikoDB, publisher);
 * }
 * </pre>
 */
public class PikoDBEventBridge implements SmartLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(PikoDBEventBridge.class);

    private final Map<String, PikoDB> stores;

    private final ApplicationEventPublisher publisher;

    private final List<Subscription> subscriptions = new ArrayList<>();

    private volatile boolean running;

    /**
     * Creates a bridge for one store.
     *
     * @param pikoDBName the name the events carry, usually the store's bean name
     * @param pikoDB the store
     * @param publisher where events are published, usually the application context
     */
    public PikoDBEventBridge(String pikoDBName, PikoDB pikoDB, ApplicationEventPublisher publisher) {
        this(Map.of(pikoDBName, pikoDB), publisher);
    }

    /**
     * Creates a bridge for several stores.
     *
     * @param stores the stores by the name their events carry (usually their bean names)
     * @param publisher where events are published, usually the application context
     */
    public PikoDBEventBridge(Map<String, PikoDB> stores, ApplicationEventPublisher publisher) {
        if (stores == null || publisher == null) {
            throw new IllegalArgumentException("PikoDBEventBridge needs the stores and an ApplicationEventPublisher");
        }
        stores.forEach((name, pikoDB) -> {
            if (name == null || pikoDB == null) {
                throw new IllegalArgumentException("PikoDBEventBridge: store '" + name + "' has no name or no PikoDB");
            }
        });
        this.stores = new LinkedHashMap<>(stores);
        this.publisher = publisher;
    }

    /**
     * The stores whose changes this bridge publishes.
     *
     * @return the stores by name
     */
    public Map<String, PikoDB> getStores() {
        return Map.copyOf(stores);
    }

    /** Subscribes to every store. */
    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        stores.forEach((name, pikoDB) -> {
            Subscription subscription = new Subscription(name, pikoDB);
            pikoDB.subscribe(subscription);
            subscriptions.add(subscription);
        });
        running = true;
        logger.debug("Publishing the changes of {} as application events", stores.keySet());
    }

    /** Unsubscribes from every store: no change made after is published. */
    @Override
    public synchronized void stop() {
        for (Subscription subscription : subscriptions) {
            subscription.pikoDB.unsubscribe(subscription);
        }
        subscriptions.clear();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private final class Subscription implements ChangeListener {

        private final String name;

        private final PikoDB pikoDB;

        Subscription(String name, PikoDB pikoDB) {
            this.name = name;
            this.pikoDB = pikoDB;
        }

        @Override
        public void onChange(ChangeEvent event) {
            publisher.publishEvent(PikoDBApplicationEvent.of(pikoDB, name, event));
        }
    }
}
