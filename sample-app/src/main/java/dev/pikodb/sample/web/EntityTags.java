package dev.pikodb.sample.web;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Entity tags derived from PikoDB record versions: version {@code 3} is the strong tag {@code "3"}.
 */
public final class EntityTags {

    private EntityTags() {
    }

    /**
     * The entity tag of a version.
     *
     * @param version a record version
     * @return the quoted tag, e.g. {@code "3"}
     */
    public static String of(long version) {
        return "\"" + version + "\"";
    }

    /**
     * Parses an {@code If-Match} header.
     *
     * @param header the header value, e.g. {@code "3"}, {@code "3", "4"} or {@code *}
     * @return the condition
     * @throws org.springframework.web.ErrorResponseException (400) when the header is malformed
     */
    public static IfMatch parseIfMatch(String header) {
        String trimmed = header.trim();
        if (trimmed.equals("*")) {
            return new IfMatch(true, Set.of());
        }
        Set<Long> versions = new LinkedHashSet<>();
        for (String part : trimmed.split(",")) {
            String tag = part.trim();
            if (tag.startsWith("W/")) {
                // If-Match uses strong comparison: a weak tag never matches.
                continue;
            }
            if (tag.length() < 3 || tag.charAt(0) != '"' || tag.charAt(tag.length() - 1) != '"') {
                throw malformed(header);
            }
            try {
                versions.add(Long.parseLong(tag.substring(1, tag.length() - 1)));
            }
            catch (NumberFormatException ex) {
                // A well-formed tag this server never issued: it matches nothing.
                versions.add(-1L);
            }
        }
        return new IfMatch(false, versions);
    }

    private static RuntimeException malformed(String header) {
        return Problems.badRequest("Malformed If-Match header '" + header
                + "': send the ETag of the last read, quoted, e.g. If-Match: \"3\"");
    }

    /**
     * A parsed {@code If-Match} condition.
     *
     * @param any whether it was {@code *} (any current version)
     * @param versions the versions it accepts otherwise
     */
    public record IfMatch(boolean any, Set<Long> versions) {

        /**
         * Whether the condition accepts a current version.
         *
         * @param version the current version
         * @return true if the request may proceed
         */
        public boolean matches(long version) {
            return any || versions.contains(version);
        }
    }
}
