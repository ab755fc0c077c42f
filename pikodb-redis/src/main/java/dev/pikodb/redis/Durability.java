package dev.pikodb.redis;

import dev.pikodb.PikoDBException;
import java.util.List;
import java.util.Map;

/**
 * The checks behind {@code durableWrites}: every master must fsync its append-only file on every write
 * and never evict keys ({@code maxmemory-policy noeviction}: any other policy lets a master under
 * memory pressure delete acknowledged records, whole tables included, with no error). Without
 * {@code durableWrites}, an evicting policy is logged as a warning when the engine opens.
 */
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
            configs = connection.masterConfigs("appendonly", "appendfsync", "maxmemory-policy");
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
            String policy = config.getOrDefault("maxmemory-policy", "?");
            if (!"noeviction".equalsIgnoreCase(policy)) {
                throw new PikoDBException("durableWrites is set but " + where + " runs with maxmemory-policy "
                        + policy + ": under memory pressure Redis would evict acknowledged records (whole tables "
                        + "too) without an error. Configure every master with 'maxmemory-policy noeviction' "
                        + "(redis.conf or CONFIG SET): writes then fail with OOM instead, or turn durableWrites off");
            }
        }
    }

    /**
     * Logs a warning when a master may evict keys; says nothing when the setting cannot be read.
     *
     * @param connection the open connection
     * @param where the storage description, for messages
     * @param log where to warn
     */
    static void warnOfEviction(Connection connection, String where, org.slf4j.Logger log) {
        try {
            for (Map<String, String> config : connection.masterConfigs("maxmemory-policy")) {
                String policy = config.getOrDefault("maxmemory-policy", "noeviction");
                if (!"noeviction".equalsIgnoreCase(policy)) {
                    log.warn("{} runs with maxmemory-policy {}: under memory pressure Redis evicts keys, and with "
                            + "them acknowledged PikoDB records and whole tables, without an error. Set "
                            + "'maxmemory-policy noeviction' on every master (PikoDB's writes then fail with OOM "
                            + "instead); durableWrites refuses to start without it", where, policy);
                    return;
                }
            }
        } catch (RuntimeException e) {
            log.debug("Cannot read maxmemory-policy of {} ({}); not checking eviction", where, e.toString());
        }
    }
}
