package dev.pikodb.redis;

import dev.pikodb.PikoDBOutcomeUnknownException;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;

/** Waits for replicas to confirm a change ({@code WAIT}) on the connection that sent it. */
final class Replicas {

    private Replicas() {
    }

    /**
     * Waits until {@code replicas} replicas confirm every change sent so far on {@code commands}.
     *
     * @param commands the connection the change was sent on
     * @param replicas how many replicas must confirm; 0 returns at once
     * @param timeout how long to wait
     * @param operation the change, for the message
     * @param where the storage description, for the message
     * @throws PikoDBOutcomeUnknownException when fewer confirm in time
     */
    static void await(RedisClusterCommands<byte[], byte[]> commands, int replicas, Duration timeout,
            String operation, String where) {
        if (replicas == 0) {
            return;
        }
        long confirmed;
        try {
            confirmed = commands.waitForReplication(replicas, timeout.toMillis());
        } catch (RuntimeException e) {
            throw new PikoDBOutcomeUnknownException("The " + operation + " was applied on the master of " + where
                    + " but waiting for its replicas failed (" + e + "): it may be lost if the master fails before they"
                    + " catch up", e);
        }
        if (confirmed < replicas) {
            throw new PikoDBOutcomeUnknownException("The " + operation + " was applied on the master of " + where
                    + " but only " + confirmed + " of the " + replicas + " replicas required confirmed it within "
                    + timeout.toMillis() + " ms: it may be lost if the master fails before they catch up", null);
        }
    }
}
