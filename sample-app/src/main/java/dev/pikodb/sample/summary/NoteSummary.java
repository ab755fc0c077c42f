package dev.pikodb.sample.summary;

import java.time.Instant;
import java.util.Map;

/**
 * Figures about all notes, as {@code GET /api/summary} returns them.
 *
 * @param notes how many notes there are
 * @param words how many words their titles and bodies hold
 * @param tags how many notes carry each tag, most used first
 * @param lastUpdatedAt when a note was last changed, or {@code null} when there is none
 * @param computedAt when these figures were computed: they are cached for a while
 */
public record NoteSummary(long notes, long words, Map<String, Long> tags, Instant lastUpdatedAt, Instant computedAt) {
}
