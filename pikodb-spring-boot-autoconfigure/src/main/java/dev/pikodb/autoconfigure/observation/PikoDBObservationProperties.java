package dev.pikodb.autoconfigure.observation;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of PikoDB's observations ({@code pikodb.observations.*}): the spans and timers of its
 * store, cache and repository operations.
 */
@ConfigurationProperties("pikodb.observations")
public class PikoDBObservationProperties {

    /**
     * Whether the operations of the auto-configured PikoDB (and of its caches and repositories) are
     * observed with the application's ObservationRegistry, so that they show as spans and timers.
     */
    private boolean enabled = true;

    /**
     * Whether observations carry the table (a cache's table, a repository's keyspace) as the
     * "pikodb.table" tag. Off by default: every table becomes a time series of its own, which
     * applications with many tables (one per tenant, say) cannot afford.
     */
    private boolean tableTag;

    /**
     * Whether operations are observed.
     *
     * @return true by default
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Sets whether operations are observed.
     *
     * @param enabled false to observe none
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Whether observations are tagged with their table.
     *
     * @return false by default
     */
    public boolean isTableTag() {
        return tableTag;
    }

    /**
     * Sets whether observations are tagged with their table.
     *
     * @param tableTag true to tag them
     */
    public void setTableTag(boolean tableTag) {
        this.tableTag = tableTag;
    }
}
