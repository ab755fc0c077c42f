package dev.pikodb.autoconfigure;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * The {@link TaskScheduler} that PikoDB's background tasks (the scheduled cleanup of expired records
 * and the refresh of the per-table meters) run on.
 *
 * <p>It is the application's own {@code TaskScheduler} when the application has exactly one (Spring
 * Boot creates one with {@code @EnableScheduling}, configured by {@code spring.task.scheduling.*});
 * otherwise it is one daemon thread named {@code pikodb-scheduling-1}, owned by this object and shut
 * down with the application context. It is deliberately not registered as a {@code TaskScheduler} bean,
 * so that it never becomes the scheduler of the application's own {@code @Scheduled} methods.
 */
public final class PikoDBScheduler implements DisposableBean {

    private static final Logger logger = LoggerFactory.getLogger(PikoDBScheduler.class);

    /** Name prefix of the thread of PikoDB's own scheduler. */
    public static final String THREAD_NAME_PREFIX = "pikodb-scheduling-";

    private final TaskScheduler taskScheduler;

    private final @Nullable ThreadPoolTaskScheduler ownScheduler;

    private PikoDBScheduler(TaskScheduler taskScheduler, @Nullable ThreadPoolTaskScheduler ownScheduler) {
        this.taskScheduler = taskScheduler;
        this.ownScheduler = ownScheduler;
    }

    /**
     * Uses the application's scheduler.
     *
     * @param applicationScheduler the application's task scheduler, which the application shuts down
     * @return a scheduler that runs PikoDB's tasks on it
     */
    public static PikoDBScheduler using(TaskScheduler applicationScheduler) {
        return new PikoDBScheduler(Objects.requireNonNull(applicationScheduler, "applicationScheduler"), null);
    }

    /**
     * Creates PikoDB's own single daemon thread scheduler, shut down by {@link #destroy()}.
     *
     * @return a scheduler that owns its thread
     */
    public static PikoDBScheduler ownThread() {
        ThreadPoolTaskScheduler own = new ThreadPoolTaskScheduler();
        own.setPoolSize(1);
        own.setThreadNamePrefix(THREAD_NAME_PREFIX);
        own.setDaemon(true);
        own.setRemoveOnCancelPolicy(true);
        own.setWaitForTasksToCompleteOnShutdown(false);
        own.initialize();
        return new PikoDBScheduler(own, own);
    }

    /**
     * The scheduler to submit tasks to.
     *
     * @return the task scheduler
     */
    public TaskScheduler getTaskScheduler() {
        return this.taskScheduler;
    }

    /**
     * Whether the tasks run on the application's scheduler rather than PikoDB's own thread.
     *
     * @return true when the application's scheduler is used
     */
    public boolean isApplicationScheduler() {
        return this.ownScheduler == null;
    }

    /** Shuts down PikoDB's own thread, if it has one; the application's scheduler is left alone. */
    @Override
    public void destroy() {
        if (this.ownScheduler != null) {
            logger.debug("Shutting down the PikoDB scheduling thread");
            this.ownScheduler.destroy();
        }
    }
}
