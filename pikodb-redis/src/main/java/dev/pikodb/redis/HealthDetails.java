package dev.pikodb.redis;

import dev.pikodb.PikoDBException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The health check of a {@link RedisStorage}: {@code PING}, on a cluster the {@code cluster_state} of
 * {@code CLUSTER INFO}, and what {@link Eviction} reports, in a constant number of round trips
 * whatever the number of tables.
 */
final class HealthDetails {

    private HealthDetails() {
    }

    /**
     * The details that {@link RedisStorage#healthDetails()} answers.
     *
     * @throws PikoDBException when the server does not answer, or the cluster state is not {@code ok}
     */
    static Map<String, Object> check(ClientLifecycle client, Settings settings, String description) {
        Map<String, Object> details = client.guarded("health check", false, () -> {
            Connection open = client.connection();
            Map<String, Object> found = new LinkedHashMap<>();
            found.put("mode", settings.cluster() ? "cluster" : "standalone");
            found.put("ping", open.commands().ping());
            if (settings.cluster()) {
                found.put("clusterState", clusterState(open.commands().clusterInfo()));
            }
            Eviction.report(open, found);
            return found;
        });
        Object state = details.get("clusterState");
        if (state != null && !"ok".equals(state)) {
            throw new PikoDBException(description + " reports cluster_state:" + state
                    + ": some slots have no reachable master, so writes to their tables fail");
        }
        return details;
    }

    private static String clusterState(String clusterInfo) {
        for (String line : clusterInfo.split("\\r?\\n")) {
            if (line.startsWith("cluster_state:")) {
                return line.substring("cluster_state:".length()).trim();
            }
        }
        return "unknown";
    }
}
