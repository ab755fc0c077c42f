package dev.pikodb;

/**
 * Thrown when PikoDB cannot read or persist data: an I/O failure, a directory held by another
 * instance, or a table that has been put into the failed state by an earlier I/O failure.
 *
 * <p>When a write throws this exception, nothing of it is visible: the in-memory state is as if the
 * call never happened. Bad arguments are reported with {@link IllegalArgumentException} instead, and
 * calls on a store that is not open with {@link IllegalStateException}.
 */
public class PikoDBException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message that names the table, key or file concerned.
     *
     * @param message what failed and what to do about it
     */
    public PikoDBException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and the underlying cause.
     *
     * @param message what failed and what to do about it
     * @param cause the underlying failure, usually an {@link java.io.IOException}
     */
    public PikoDBException(String message, Throwable cause) {
        super(message, cause);
    }
}
