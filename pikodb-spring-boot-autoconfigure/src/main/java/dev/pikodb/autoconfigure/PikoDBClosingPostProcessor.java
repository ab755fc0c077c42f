package dev.pikodb.autoconfigure;

import dev.pikodb.PikoDB;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;

/**
 * Closes every {@link PikoDB} bean when the application context destroys it, and logs the close at
 * INFO with how long it took: closing a store in a directory flushes every table that is behind its
 * journal, which is the part of a shutdown that can take time (a store on Redis only closes its
 * connections, and its log line says nothing of flushing). The bean's own destroy method (a {@code close()} that is
 * idempotent) then finds it closed.
 */
final class PikoDBClosingPostProcessor implements DestructionAwareBeanPostProcessor {

    private static final Logger logger = LoggerFactory.getLogger(PikoDBClosingPostProcessor.class);

    @Override
    public void postProcessBeforeDestruction(Object bean, String beanName) {
        if (!(bean instanceof PikoDB pikoDB) || !pikoDB.isOpen()) {
            return;
        }
        long start = System.nanoTime();
        try {
            pikoDB.close();
        }
        catch (RuntimeException ex) {
            logger.warn("Closing PikoDB '{}' ({}) failed after {} ms; writes it acknowledged are kept by its"
                    + " storage (in a directory, the journals are replayed at the next start)", beanName,
                    pikoDB.storageDescription(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), ex);
            return;
        }
        // Only a directory store flushes its tables when it closes; a store on Redis closes its connections.
        logger.info("Closed PikoDB '{}' ({}) in {} ms{}", beanName, pikoDB.storageDescription(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                (pikoDB.databaseDirectory() != null) ? " (every table flushed)" : "");
    }

    @Override
    public boolean requiresDestruction(Object bean) {
        return bean instanceof PikoDB;
    }
}
