package dev.pikodb.autoconfigure;

/**
 * Thrown at startup when the {@code pikodb.*} configuration cannot be used: it names the property,
 * the value, what is wrong and what to do. {@link PikoDBConfigurationFailureAnalyzer} turns it into
 * Spring Boot's startup failure report.
 */
public class PikoDBConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The property at fault, e.g. {@code pikodb.database-directory}. */
    private final String property;

    /** The value it had, as text, or {@code null}. */
    private final String value;

    /** What is wrong with it. */
    private final String reason;

    /** What to do about it. */
    private final String action;

    /**
     * Creates an exception for one property.
     *
     * @param property the property name, for example {@code pikodb.database-directory}
     * @param value the offending value as configured (may be {@code null})
     * @param reason what is wrong with it
     * @param action what to do about it
     * @param cause the underlying failure, or {@code null}
     */
    public PikoDBConfigurationException(String property, Object value, String reason, String action,
            Throwable cause) {
        super("Invalid value '" + value + "' for property '" + property + "': " + reason, cause);
        this.property = property;
        this.value = (value != null) ? value.toString() : null;
        this.reason = reason;
        this.action = action;
    }

    /**
     * The property at fault.
     *
     * @return the property name
     */
    public String getProperty() {
        return this.property;
    }

    /**
     * The offending value.
     *
     * @return the value as text, or {@code null}
     */
    public String getValue() {
        return this.value;
    }

    /**
     * What is wrong with the value.
     *
     * @return the reason
     */
    public String getReason() {
        return this.reason;
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
