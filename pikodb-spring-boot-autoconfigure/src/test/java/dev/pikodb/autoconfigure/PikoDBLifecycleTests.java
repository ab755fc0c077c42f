package dev.pikodb.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pikodb.PikoDB;
import dev.pikodb.autoconfigure.metrics.PikoDBMetricsAutoConfiguration;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Where PikoDB's background work runs, how it stops, and how the store's close is reported.
 */
@ExtendWith(OutputCaptureExtension.class)
class PikoDBLifecycleTests {

    @TempDir
    Path directory;

    private final RecordingClock clock = new RecordingClock();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LifecycleAutoConfiguration.class, PikoDBAutoConfiguration.class,
                PikoDBSchedulingAutoConfiguration.class, PikoDBCleanupAutoConfiguration.class,
                PikoDBMetricsAutoConfiguration.class, MetricsAutoConfiguration.class,
                SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class))
        .withBean(PikoDBOptionsCustomizer.class, () -> (options) -> options.clock(this.clock));

    private ApplicationContextRunner inDirectory() {
        return this.runner.withPropertyValues("pikodb.database-directory=" + this.directory);
    }

    @Test
    void cleanupRunsOnTheApplicationTaskScheduler() {
        ThreadPoolTaskScheduler applicationScheduler = new ThreadPoolTaskScheduler();
        applicationScheduler.setThreadNamePrefix("application-scheduling-");
        inDirectory().withPropertyValues("pikodb.cleanup.interval=20ms")
            .withBean("taskScheduler", TaskScheduler.class, () -> applicationScheduler)
            .run((context) -> {
                PikoDBScheduler scheduler = context.getBean(PikoDBScheduler.class);
                assertThat(scheduler.isApplicationScheduler()).isTrue();
                assertThat(scheduler.getTaskScheduler()).isSameAs(applicationScheduler);
                await().atMost(Duration.ofSeconds(10))
                    .until(() -> this.clock.threadNames.stream()
                        .anyMatch((name) -> name.startsWith("application-scheduling-")));
                assertThat(pikodbThreads()).isEmpty();
            });
    }

    @Test
    void withoutAnApplicationSchedulerOneThreadServesCleanupAndMeters() {
        inDirectory().withPropertyValues("pikodb.cleanup.interval=20ms", "pikodb.metrics.table-refresh-interval=20ms")
            .run((context) -> {
                assertThat(context.getBean(PikoDBScheduler.class).isApplicationScheduler()).isFalse();
                await().atMost(Duration.ofSeconds(10))
                    .until(() -> this.clock.threadNames.contains(PikoDBScheduler.THREAD_NAME_PREFIX + "1"));
                assertThat(pikodbThreads()).containsExactly(PikoDBScheduler.THREAD_NAME_PREFIX + "1");
                // the scheduler is not offered to the application as its TaskScheduler
                assertThat(context).doesNotHaveBean(TaskScheduler.class);
            });
        await().atMost(Duration.ofSeconds(10)).until(() -> pikodbThreads().isEmpty());
    }

    @Test
    void shutdownWaitsForARunningCleanupNoLongerThanTheShutdownPhaseTimeout() {
        CountDownLatch release = new CountDownLatch(1);
        try {
            inDirectory()
                .withPropertyValues("pikodb.cleanup.interval=20ms", "spring.lifecycle.timeout-per-shutdown-phase=200ms")
                .run((context) -> {
                    PikoDB pikoDB = context.getBean(PikoDB.class);
                    pikoDB.write("sessions", "s1", "x");
                    this.clock.blockBackgroundThreads(release);
                    assertThat(this.clock.blocked.await(10, TimeUnit.SECONDS)).as("a cleanup run started").isTrue();
                    Thread closer = new Thread(context::close, "closer");
                    closer.start();
                    // The run in progress never ends; the context stops waiting for it after 200ms, not 30s.
                    await().atMost(Duration.ofSeconds(10)).until(() -> !closer.isAlive());
                    assertThat(pikoDB.isOpen()).isFalse();
                });
        }
        finally {
            release.countDown();
        }
    }

    @Test
    void closingTheStoreIsLoggedWithItsDuration(CapturedOutput output) {
        inDirectory().run((context) -> context.getBean(PikoDB.class).write("users", "alice", "A"));
        assertThat(output).containsPattern("Closed PikoDB 'pikodb' \\(directory "
                + java.util.regex.Pattern.quote(this.directory.toString()) + "\\) in \\d+ ms \\(every table flushed\\)");
    }

    private static Set<String> pikodbThreads() {
        Set<String> names = new java.util.TreeSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && thread.getName().startsWith("pikodb")) {
                names.add(thread.getName());
            }
        }
        return names;
    }

    /**
     * The system clock, noting which threads read it; it can hold background threads (anything but the
     * test's own) inside a read until released.
     */
    static final class RecordingClock extends Clock {

        final Set<String> threadNames = ConcurrentHashMap.newKeySet();

        final CountDownLatch blocked = new CountDownLatch(1);

        private final AtomicBoolean blocking = new AtomicBoolean();

        private volatile CountDownLatch release;

        private final Thread owner = Thread.currentThread();

        void blockBackgroundThreads(CountDownLatch release) {
            this.release = release;
            this.blocking.set(true);
        }

        @Override
        public long millis() {
            Thread current = Thread.currentThread();
            this.threadNames.add(current.getName());
            if (this.blocking.get() && current != this.owner && current.getName().startsWith("pikodb")) {
                this.blocked.countDown();
                try {
                    this.release.await();
                }
                catch (InterruptedException ex) {
                    current.interrupt();
                }
            }
            return System.currentTimeMillis();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
