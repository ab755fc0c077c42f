package dev.pikodb;

/**
 * Thrown when a write or delete may or may not have been applied: the storage did not answer in
 * time, the connection was lost while the command was in flight, or a server applied it but fewer
 * replicas than required confirmed it. Unlike a plain {@link PikoDBException}, the data may have
 * changed: read the record again (its version tells) before retrying a write that is not idempotent.
 *
 * <p>Only engines that talk to a server over a network throw it; the directory engine never does.
 */
public class PikoDBOutcomeUnknownException extends PikoDBException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was attempted, on which table and key, and why its outcome is unknown
     * @param cause the underlying failure, or {@code null}
     */
    public PikoDBOutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
