package dev.pikodb.crash;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures what the store logs (WARN and above, as configured), to assert that recovery says what it
 * did; while capturing, the events are not passed on to the console.
 */
final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final boolean additive;

    private LogCapture(String loggerName) {
        logger = (Logger) LoggerFactory.getLogger(loggerName);
        appender.start();
        logger.addAppender(appender);
        additive = logger.isAdditive();
        logger.setAdditive(false);
    }

    /** Captures the storage engine's log. */
    static LogCapture engine() {
        return new LogCapture("dev.pikodb.internal");
    }

    /** The formatted messages logged at {@code level} since the last {@link #clear()}. */
    List<String> messages(Level level) {
        return appender.list.stream().filter(event -> event.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Every message at WARN or above. */
    List<String> problems() {
        return appender.list.stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                .map(event -> event.getLevel() + " " + event.getFormattedMessage()).toList();
    }

    void clear() {
        appender.list.clear();
    }

    @Override
    public void close() {
        logger.setAdditive(additive);
        logger.detachAppender(appender);
        appender.stop();
    }
}
