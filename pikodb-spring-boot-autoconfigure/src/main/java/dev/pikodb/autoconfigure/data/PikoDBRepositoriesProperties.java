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
}
