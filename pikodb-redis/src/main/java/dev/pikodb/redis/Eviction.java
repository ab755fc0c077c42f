package dev.pikodb.redis;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the health check says about eviction: the masters' {@code maxmemory-policy} and how many keys
 * they evicted ({@code INFO stats}, {@code evicted_keys}), in two commands per master whatever the
 * number of tables. A policy other than {@code noeviction} lets Redis delete acknowledged records
 * silently under memory pressure; evicted keys under a PikoDB prefix are lost records.
 */
final class Eviction {

    private static final Pattern EVICTED = Pattern.compile("evicted_keys:(\\d+)");

    private Eviction() {
    }

    static void report(Connection connection, Map<String, Object> details) {
        Set<String> policies = new TreeSet<>();
        try {
            for (Map<String, String> config : connection.masterConfigs("maxmemory-policy")) {
                policies.add(config.getOrDefault("maxmemory-policy", "unknown"));
            }
        } catch (RuntimeException e) {
            policies.add("unknown");
        }
        long evicted = 0;
        for (String info : connection.masterInfo("stats")) {
            Matcher matcher = EVICTED.matcher(info);
            if (matcher.find()) {
                evicted += Long.parseLong(matcher.group(1));
            }
        }
        String policy = String.join(",", policies);
        details.put("maxmemoryPolicy", policy);
        details.put("evictedKeys", evicted);
        StringBuilder warning = new StringBuilder();
        if (!"noeviction".equals(policy) && !"unknown".equals(policy)) {
            warning.append("Redis runs with maxmemory-policy ").append(policy)
                    .append(": under memory pressure it deletes keys, acknowledged records and whole tables included; "
                            + "set 'maxmemory-policy noeviction'. ");
        }
        if (evicted > 0) {
            warning.append("Redis evicted ").append(evicted)
                    .append(" keys since it started: records may have been lost.");
        }
        if (!warning.isEmpty()) {
            details.put("warning", warning.toString().trim());
        }
    }
}
