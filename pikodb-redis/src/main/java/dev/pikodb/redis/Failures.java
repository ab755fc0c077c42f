package dev.pikodb.redis;

import dev.pikodb.PikoDBException;
import dev.pikodb.PikoDBOutcomeUnknownException;
import io.lettuce.core.RedisCommandExecutionException;

/**
 * Turns client failures into PikoDB's exceptions. A command the server answered with an error
 * ({@link RedisCommandExecutionException}: {@code OOM}, {@code READONLY}, {@code MOVED}, ...) did not
 * run, and PikoDB's scripts check everything before they change anything, so such a failure changed
 * nothing; nor did a command the client rejected because its connection was down. Any other failure
 * of a data-changing command (a timeout, a connection lost with the command in flight) leaves its
 * outcome unknown.
 */
final class Failures {

    private Failures() {
    }

    /** The message of Lettuce's rejection of a command issued while its connection is down (never sent). */
    private static final String NOT_CONNECTED = "Currently not connected";

    static boolean rejectedByServer(Throwable e) {
        return e instanceof RedisCommandExecutionException;
    }

    static boolean neverSent(Throwable e) {
        return e.getMessage() != null && e.getMessage().startsWith(NOT_CONNECTED);
    }

    /**
     * Whether the server refused a command with {@code TRYAGAIN}: its keys are half moved between two
     * nodes while their slot migrates. Nothing ran; the command can be sent again.
     */
    static boolean tryAgain(Throwable e) {
        String message = e.getMessage();
        return rejectedByServer(e) && message != null && message.startsWith("TRYAGAIN");
    }

    static boolean redirected(Throwable e) {
        String message = e.getMessage();
        return rejectedByServer(e) && message != null && (message.startsWith("MOVED") || message.startsWith("ASK"));
    }

    /**
     * The exception for a failed write, delete or table deletion.
     *
     * @param operation what was attempted, e.g. {@code write of key 'k' to table 't'}
     * @param where the storage description
     * @param e the failure
     * @return the exception to throw
     */
    static PikoDBException change(String operation, String where, RuntimeException e) {
        if (e instanceof PikoDBException pikodb) {
            return pikodb;
        }
        if (rejectedByServer(e)) {
            return new PikoDBException("The " + operation + " failed on " + where + ": the server refused it ("
                    + e.getMessage() + "); nothing was changed", e);
        }
        if (neverSent(e)) {
            return new PikoDBException("The " + operation + " failed: the connection to " + where
                    + " is down (reconnecting); nothing was sent or changed", e);
        }
        return new PikoDBOutcomeUnknownException("The " + operation + " on " + where
                + " may or may not have been applied: " + e + ". Read the record again before retrying", e);
    }

    /**
     * The exception for a failed read.
     *
     * @param operation what was attempted
     * @param where the storage description
     * @param e the failure
     * @return the exception to throw
     */
    static PikoDBException read(String operation, String where, RuntimeException e) {
        if (e instanceof PikoDBException pikodb) {
            return pikodb;
        }
        return new PikoDBException("The " + operation + " failed on " + where + ": " + e, e);
    }
}
