package dev.pikodb.autoconfigure.data;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of Spring Data repositories over PikoDB ({@code pikodb.repositories.*}).
 */
@ConfigurationProperties("pikodb.repositories")
public class PikoDBRepositoriesProperties {

    /**
     * Whether to enable Spring Data repositories over PikoDB when spring-data-keyvalue is on the
     * classpath. Backs off when the application uses @EnablePikoDBRepositories itself.
     */
    private boolean enabled = true;

    /**
     * Whether a derived query method that no index serves fails the startup. When false, such a
     * method is reported at startup in a warning naming it and the @Indexed property that would serve
     * it, and reads the whole table on each call.
     */
    private boolean requireIndexes;

    /**
     * Whether repositories over PikoDB are enabled.
     *
     * @return true by default
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Sets whether repositories over PikoDB are enabled.
     *
     * @param enabled false to switch them off
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * Whether a query method no index serves fails the startup.
     *
     * @return false by default
     */
    public boolean isRequireIndexes() {
        return requireIndexes;
    }

    /**
     * Sets whether a query method no index serves fails the startup.
     *
     * @param requireIndexes true to fail
     */
    public void setRequireIndexes(boolean requireIndexes) {
        this.requireIndexes = requireIndexes;
    }
}
