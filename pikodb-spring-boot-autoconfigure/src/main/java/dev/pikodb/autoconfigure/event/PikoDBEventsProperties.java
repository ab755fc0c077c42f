package dev.pikodb.autoconfigure.event;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the Spring application events of PikoDB's changes ({@code pikodb.events.enabled}; the
 * store's own {@code pikodb.events.queue-capacity} is in {@link dev.pikodb.autoconfigure.PikoDBProperties}).
 */
@ConfigurationProperties("pikodb.events")
public class PikoDBEventsProperties {

    /**
     * Whether to publish the changes of every PikoDB bean (writes, deletes, expired records removed,
     * deleted tables) as Spring application events that @EventListener methods receive.
     */
    private boolean enabled = true;

    /**
     * Whether change events are published.
     *
     * @return true by default
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Sets whether change events are published.
     *
     * @param enabled false to publish none
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }
}
