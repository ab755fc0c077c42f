package dev.pikodb.sample.summary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.PikoDB;
import dev.pikodb.sample.MutableClock;
import dev.pikodb.sample.notes.Note;
import dev.pikodb.sample.notes.NoteRepository;
import dev.pikodb.test.autoconfigure.PikoDBTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;

/**
 * The cached summary in a PikoDB test slice: the store, the repositories and the PikoDB cache with the
 * application's configuration (a 30s time-to-live), and the service under test.
 */
@PikoDBTest
@Import({ NoteSummaryService.class, NoteSummaryServiceTests.ClockConfiguration.class })
class NoteSummaryServiceTests {

    private static final Instant START = Instant.parse("2026-01-01T09:00:00Z");

    @TestConfiguration
    static class ClockConfiguration {

        @Bean
        @Primary
        MutableClock testClock() {
            return new MutableClock(START);
        }
    }

    @Autowired
    NoteSummaryService summaries;

    @Autowired
    NoteRepository notes;

    @Autowired
    MutableClock clock;

    @Autowired
    PikoDB db;

    @Test
    void theSummaryIsComputedOncePerTimeToLiveAndKeptInPikoDB() {
        notes.save(new Note("n1", null, "Buy milk", "and eggs", List.of("home", "todo"), START, START, null));
        notes.save(new Note("n2", null, "Write report", null, List.of("todo"), START, START, null));

        NoteSummary first = summaries.summary();
        assertThat(first.notes()).isEqualTo(2);
        assertThat(first.words()).isEqualTo(6);
        assertThat(first.tags()).containsExactly(Map.entry("todo", 2L), Map.entry("home", 1L));
        assertThat(first.computedAt()).isEqualTo(START);
        assertThat(summaries.summary()).isEqualTo(first);
        assertThat(summaries.computations()).isEqualTo(1);
        assertThat(db.getRecord("cache-note-summary", "SimpleKey []").orElseThrow().expiration())
            .isEqualTo(START.plusSeconds(30).toEpochMilli());

        notes.save(new Note("n3", null, "Call Bob", null, List.of(), START, START, null));
        clock.advance(Duration.ofSeconds(30));
        assertThat(summaries.summary()).isEqualTo(first);
        assertThat(summaries.computations()).isEqualTo(1);

        clock.advance(Duration.ofMillis(1));
        NoteSummary second = summaries.summary();
        assertThat(second.notes()).isEqualTo(3);
        assertThat(second.computedAt()).isEqualTo(START.plusSeconds(30).plusMillis(1));
        assertThat(summaries.computations()).isEqualTo(2);
    }
}
