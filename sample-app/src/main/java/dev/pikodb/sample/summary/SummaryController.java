package dev.pikodb.sample.summary;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/summary}: figures about all notes, cached (see {@link NoteSummaryService}).
 */
@RestController
public class SummaryController {

    private final NoteSummaryService summaries;

    /**
     * Creates the controller.
     *
     * @param summaries computes and caches the summary
     */
    public SummaryController(NoteSummaryService summaries) {
        this.summaries = summaries;
    }

    /**
     * The summary of all notes.
     *
     * @return the summary; its {@code computedAt} tells how old it is
     */
    @GetMapping("/api/summary")
    public NoteSummary summary() {
        return summaries.summary();
    }
}
