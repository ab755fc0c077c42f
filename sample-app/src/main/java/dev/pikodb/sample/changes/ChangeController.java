package dev.pikodb.sample.changes;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/changes}: what {@link ChangeLog} has seen of the store's changes.
 */
@RestController
public class ChangeController {

    private final ChangeLog changes;

    /**
     * Creates the controller.
     *
     * @param changes the change log
     */
    public ChangeController(ChangeLog changes) {
        this.changes = changes;
    }

    /**
     * The counts of changes per table and kind, and the latest changes.
     *
     * @return the snapshot
     */
    @GetMapping("/api/changes")
    public ChangeLog.Snapshot changes() {
        return changes.snapshot();
    }
}
