package dev.pikodb.redis;

import io.lettuce.core.RedisURI;
import java.util.List;
import java.util.stream.Collectors;

/** Redis URIs as PikoDB shows them: never with a password. */
final class Uris {

    private Uris() {
    }

    static String describe(RedisURI uri) {
        String database = uri.getDatabase() != 0 ? "/" + uri.getDatabase() : "";
        if (!uri.getSentinels().isEmpty()) {
            return "redis-sentinel://" + uri.getSentinels().stream().map(s -> s.getHost() + ":" + s.getPort())
                    .collect(Collectors.joining(",")) + database + " master " + uri.getSentinelMasterId();
        }
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ":" + uri.getPort() + database;
    }

    static String describeAll(List<RedisURI> uris) {
        return uris.stream().map(Uris::describe).collect(Collectors.joining(","));
    }

    /** A URI string with any user information removed, for error messages. */
    static String withoutPassword(String text) {
        if (text == null) {
            return "null";
        }
        int scheme = text.indexOf("://");
        int at = text.lastIndexOf('@');
        return scheme >= 0 && at > scheme ? text.substring(0, scheme + 3) + "***@" + text.substring(at + 1) : text;
    }
}
