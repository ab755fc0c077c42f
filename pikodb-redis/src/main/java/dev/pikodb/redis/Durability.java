package dev.pikodb.redis;

import dev.pikodb.PikoDBException;
import java.util.List;
import java.util.Map;

/** The check behind {@code durableWrites}: every master must fsync its append-only file on every write. */
final class Durability {

    private Durability() {
    }

    /**
     * Checks that every master runs {@code appendonly yes} and {@code appendfsync always}.
     *
     * @param connection the open connection
     * @param where the storage description, for messages
     * @throws PikoDBException naming the setting when one is missing, or when the settings cannot be read
     */
    static void check(Connection connection, String where) {
        List<Map<String, String>> configs;
        try {
            configs = connection.masterConfigs("appendonly", "appendfsync");
        } catch (RuntimeException e) {
            throw new PikoDBException("durableWrites is set but the persistence settings of " + where
                    + " cannot be read with CONFIG GET (" + e.getMessage() + "); allow CONFIG GET for PikoDB's user, "
                    + "or turn durableWrites off if the server's persistence is known", e);
        }
        for (Map<String, String> config : configs) {
            String appendonly = config.getOrDefault("appendonly", "?");
            String appendfsync = config.getOrDefault("appendfsync", "?");
            if (!"yes".equalsIgnoreCase(appendonly) || !"always".equalsIgnoreCase(appendfsync)) {
                throw new PikoDBException("durableWrites is set but " + where + " runs with appendonly "
                        + appendonly + " and appendfsync " + appendfsync + ": a write acknowledged by Redis could be "
                        + "lost in a crash. Configure every master with 'appendonly yes' and 'appendfsync always' "
                        + "(redis.conf or CONFIG SET), or turn durableWrites off");
            }
        }
    }
}
