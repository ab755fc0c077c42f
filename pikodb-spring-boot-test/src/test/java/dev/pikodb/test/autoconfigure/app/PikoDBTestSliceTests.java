package dev.pikodb.test.autoconfigure.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pikodb.PikoDB;
import dev.pikodb.spring.cache.PikoDBCacheManager;
import dev.pikodb.spring.event.PikoDBEventBridge;
import dev.pikodb.test.autoconfigure.PikoDBTest;
import dev.pikodb.test.autoconfigure.TemporaryDatabaseDirectory;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cache.CacheManager;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;

@PikoDBTest(properties = "pikodb.cache.enabled=true")
@Import({ TitleService.class, ChangeCounter.class })
class PikoDBTestSliceTests {

    @Autowired
    ApplicationContext context;

    @Autowired
    PikoDB pikoDB;

    @Autowired
    BookRepository books;

    @Autowired
    TitleService titles;

    @Autowired
    ChangeCounter changes;

    @Autowired
    TemporaryDatabaseDirectory directory;

    @Test
    void theStoreWorksInAFreshTemporaryDirectory() {
        Path used = pikoDB.options().databaseDirectory().toAbsolutePath();
        assertThat(used).isEqualTo(directory.getPath())
            .startsWith(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath())
            .isNotEqualTo(Path.of("target/must-not-be-used").toAbsolutePath());
        assertThat(used.getFileName().toString()).startsWith("pikodb-test-");
    }

    @Test
    void repositoriesCacheAndEventsArePartOfTheSlice() {
        Book saved = books.save(new Book("978-1", "Dune", null));
        assertThat(saved.version()).isEqualTo(1);
        assertThat(context.getBean(CacheManager.class)).isInstanceOf(PikoDBCacheManager.class);
        assertThat(titles.shoutedTitle("978-1")).isEqualTo("DUNE");
        assertThat(titles.shoutedTitle("978-1")).isEqualTo("DUNE");
        assertThat(titles.calls()).isEqualTo(1);
        assertThat(pikoDB.get("cache-titles")).hasSize(1);
        assertThat(context.getBeansOfType(PikoDBEventBridge.class)).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> changes.changes().contains("978-1@1"));
    }

    @Test
    void onlyPikoDBIsAutoConfigured() {
        // Boot's task execution auto-configuration is on the classpath, and a full application has it.
        assertThat(context.containsBean("applicationTaskExecutor")).isFalse();
        assertThat(context.getBeanNamesForType(TitleService.class)).hasSize(1);
    }
}
