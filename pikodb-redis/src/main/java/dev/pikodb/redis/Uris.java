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

    /**
     * A message about a URI string with that URI's user information (user and password) replaced by
     * {@code ***}; when a part of it still appears anywhere in the message, the message is left out.
     *
     * @param uri the URI the message is about
     * @param message the message
     * @return the cleaned message
     */
    static String withoutCredentialsOf(String uri, String message) {
        if (message == null) {
            return "no details";
        }
        if (uri == null) {
            return message;
        }
        int scheme = uri.indexOf("://");
        int at = uri.lastIndexOf('@');
        if (scheme < 0 || at <= scheme + 3) {
            return message;
        }
        String userInfo = uri.substring(scheme + 3, at);
        String cleaned = message.replace(userInfo, "***");
        for (String part : userInfo.split(":")) {
            if (!part.isEmpty() && cleaned.contains(part)) {
                // A short credential may appear anywhere in the message: leave the message out.
                return "the client's message quotes the credentials, so it is left out";
            }
        }
        return cleaned;
    }
}
