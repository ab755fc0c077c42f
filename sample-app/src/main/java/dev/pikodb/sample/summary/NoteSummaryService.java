package dev.pikodb.sample.summary;

import dev.pikodb.sample.notes.Note;
import dev.pikodb.sample.notes.NoteRepository;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * Computes the {@link NoteSummary}, which reads every note: the result is cached in the PikoDB cache
 * {@value #CACHE} (the table {@code cache-note-summary}) with the time-to-live configured in
 * {@code pikodb.cache.caches.note-summary.time-to-live}, so it survives restarts and is recomputed at
 * most once per time-to-live.
 */
@Service
public class NoteSummaryService {

    /** The cache that holds the summary. */
    public static final String CACHE = "note-summary";

    private static final Logger logger = LoggerFactory.getLogger(NoteSummaryService.class);

    private final NoteRepository notes;

    private final Clock clock;

    private final AtomicLong computations = new AtomicLong();

    /**
     * Creates the service.
     *
     * @param notes the notes
     * @param clock stamps the summary
     */
    public NoteSummaryService(NoteRepository notes, Clock clock) {
        this.notes = notes;
        this.clock = clock;
    }

    /**
     * The summary of all notes, from the cache when it holds one.
     *
     * @return the summary
     */
    @Cacheable(CACHE)
    public NoteSummary summary() {
        long computation = computations.incrementAndGet();
        List<Note> all = notes.findAll();
        long words = all.stream().mapToLong((note) -> words(note.title()) + words(note.body())).sum();
        Map<String, Long> counts = new TreeMap<>();
        all.forEach((note) -> note.tags().forEach((tag) -> counts.merge(tag, 1L, Long::sum)));
        Map<String, Long> tags = new LinkedHashMap<>();
        counts.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .forEach((entry) -> tags.put(entry.getKey(), entry.getValue()));
        Instant lastUpdatedAt = all.stream().map(Note::updatedAt).filter(Objects::nonNull)
            .max(Comparator.naturalOrder()).orElse(null);
        logger.info("Note summary computed (computation #{} in this process, {} notes)", computation, all.size());
        return new NoteSummary(all.size(), words, tags, lastUpdatedAt, clock.instant().truncatedTo(ChronoUnit.MILLIS));
    }

    /**
     * How many times this process has computed the summary (the rest came from the cache).
     *
     * @return the number of computations
     */
    public long computations() {
        return computations.get();
    }

    private static long words(String text) {
        return (text == null || text.isBlank()) ? 0 : text.trim().split("\\s+").length;
    }
}
