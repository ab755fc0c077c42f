package dev.pikodb.reliability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/** Switches the store's logging off around code that provokes failures on purpose. */
final class QuietLogs {

    private QuietLogs() {
    }

    /**
     * Runs {@code body} with the store's logging switched off: the fault loops provoke thousands of
     * expected ERROR lines.
     */
    static <T> T quietly(Supplier<T> body) {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.pikodb");
        Level previous = logger.getLevel();
        logger.setLevel(Level.OFF);
        try {
            return body.get();
        } finally {
            logger.setLevel(previous);
        }
    }
}
