package dev.pikodb.test.autoconfigure.app;

import dev.pikodb.spring.event.PikoDBRecordChangedEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Records the keys of changed books. */
@Component
public class ChangeCounter {

    private final List<String> changes = new CopyOnWriteArrayList<>();

    @EventListener(condition = "#event.table == 'books'")
    void onChange(PikoDBRecordChangedEvent event) {
        changes.add(event.getKey() + "@" + event.getVersion());
    }

    /**
     * The changes received, as {@code key@version}.
     *
     * @return the changes
     */
    public List<String> changes() {
        return changes;
    }
}
