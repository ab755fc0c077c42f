package dev.pikodb.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Thrown at startup when the {@code pikodb.*} configuration cannot be used: it names the property,
 * the value, what is wrong and what to do. {@link PikoDBConfigurationFailureAnalyzer} turns it into
 * Spring Boot's startup failure report, with the value as written and where it was written (file and
 * line) when the property comes from the environment.
 */
public class PikoDBConfigurationException extends InvalidConfigurationPropertyValueException {

    private static final long serialVersionUID = 1L;

    /** What to do about it. */
    private final String action;

    /**
     * Creates an exception for one property.
     *
     * @param property the property name, for example {@code pikodb.database-directory}
     * @param value the offending value as used (may be {@code null})
     * @param reason what is wrong with it
     * @param action what to do about it
     * @param cause the underlying failure, or {@code null}
     */
    public PikoDBConfigurationException(String property, @Nullable Object value, String reason, String action,
            @Nullable Throwable cause) {
        super(property, value, reason, cause);
        this.action = action;
    }

    /**
     * The property at fault; the same as {@link #getName()}.
     *
     * @return the property name
     */
    public String getProperty() {
        return getName();
    }

    /**
     * What to do about it.
     *
     * @return the suggested action
     */
    public String getAction() {
        return this.action;
    }
}
