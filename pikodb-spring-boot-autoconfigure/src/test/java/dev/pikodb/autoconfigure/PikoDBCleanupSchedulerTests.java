package dev.pikodb.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import dev.pikodb.PikoDB;
import dev.pikodb.TableSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

class PikoDBCleanupSchedulerTests {

    @TempDir
    Path directory;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PikoDBAutoConfiguration.class, PikoDBSchedulingAutoConfiguration.class,
                PikoDBCleanupAutoConfiguration.class));

    @Test
    void removesExpiredRecordsOnSchedule() {
        this.runner.withPropertyValues("pikodb.database-directory=" + this.directory, "pikodb.cleanup.interval=50ms")
            .run((context) -> {
                PikoDB pikoDB = context.getBean(PikoDB.class);
                long past = System.currentTimeMillis() - 60_000;
                pikoDB.write("sessions", "expired-1", Map.of("user", "alice"), past);
                pikoDB.write("sessions", "expired-2", Map.of("user", "bob"), past);
                pikoDB.write("sessions", "live", Map.of("user", "carol"));
                await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(pikoDB.tableSummary("sessions")).map(TableSummary::records)
                        .hasValue(1));
                assertThat(pikoDB.statistics().expiredRemoved()).isEqualTo(2);
                assertThat(pikoDB.get("sessions", "live")).isEqualTo(Map.of("user", "carol"));
            });
    }

    @Test
    void runsOnPikoDBsOwnDaemonThreadAndStopsWithTheContext() {
        this.runner.withPropertyValues("pikodb.database-directory=" + this.directory, "pikodb.cleanup.interval=20ms")
            .run((context) -> {
                PikoDBCleanupScheduler scheduler = context.getBean(PikoDBCleanupScheduler.class);
                assertThat(scheduler.isRunning()).isTrue();
                assertThat(context.getBean(PikoDBScheduler.class).isApplicationScheduler()).isFalse();
                await().atMost(Duration.ofSeconds(10)).until(() -> schedulingThread() != null);
                assertThat(schedulingThread().isDaemon()).isTrue();
                context.stop();
                assertThat(scheduler.isRunning()).isFalse();
                assertThat(context.getBean(PikoDB.class).isOpen()).isTrue();
                context.start();
                assertThat(scheduler.isRunning()).isTrue();
            });
        await().atMost(Duration.ofSeconds(10)).until(() -> schedulingThread() == null);
    }

    @Test
    void skipsRunsOnceTheStoreIsClosed() {
        ThreadPoolTaskScheduler taskScheduler = new ThreadPoolTaskScheduler();
        try (PikoDB pikoDB = new PikoDB(this.directory)) {
            pikoDB.start();
            PikoDBCleanupScheduler scheduler = new PikoDBCleanupScheduler(Map.of("pikodb", pikoDB), taskScheduler,
                    Duration.ofMinutes(1));
            pikoDB.write("sessions", "expired", "x", System.currentTimeMillis() - 1000);
            scheduler.runCleanup();
            assertThat(pikoDB.statistics().expiredRemoved()).isEqualTo(1);
            pikoDB.close();
            scheduler.runCleanup();
            assertThat(pikoDB.isOpen()).isFalse();
        }
    }

    @Test
    void rejectsANonPositiveInterval() {
        try (PikoDB pikoDB = new PikoDB(this.directory)) {
            assertThatIllegalArgumentException()
                .isThrownBy(() -> new PikoDBCleanupScheduler(Map.of("pikodb", pikoDB), new ThreadPoolTaskScheduler(),
                        Duration.ZERO))
                .withMessageContaining("positive");
        }
    }

    private static Thread schedulingThread() {
        return Thread.getAllStackTraces()
            .keySet()
            .stream()
            .filter((thread) -> thread.getName().startsWith(PikoDBScheduler.THREAD_NAME_PREFIX))
            .findFirst()
            .orElse(null);
    }
}
