package dev.pikodb.spring.data.unindexed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.pikodb.PikoDB;
import dev.pikodb.spring.data.query.Task;
import dev.pikodb.spring.data.repository.config.EnablePikoDBRepositories;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;

/** Query methods no index serves: reported at startup, or a startup failure when indexes are required. */
@ExtendWith(OutputCaptureExtension.class)
class UnindexedQueryMethodsTests {

    private static final Map<String, Object> TASK = Map.of("owner", "alice", "title", "Pay", "priority", 1, "done",
            false, "created", 10, "score", 1.0);

    @TempDir
    Path directory;

    static class Store {

        @Bean(destroyMethod = "close")
        PikoDB pikoDB(Path directory) {
            PikoDB pikoDB = new PikoDB(directory);
            pikoDB.start();
            return pikoDB;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnablePikoDBRepositories
    static class Reported extends Store {
    }

    @Configuration(proxyBeanMethods = false)
    @EnablePikoDBRepositories(requireIndexes = true)
    static class Required extends Store {
    }

    private AnnotationConfigApplicationContext context(Class<?> configuration, Map<String, Object> properties) {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test", properties));
        context.registerBean(Path.class, () -> directory);
        context.register(configuration);
        return context;
    }

    @Test
    void eachUnservedMethodIsReportedWithTheIndexThatWouldServeIt(CapturedOutput output) {
        try (AnnotationConfigApplicationContext context = context(Reported.class, Map.of())) {
            context.refresh();
            assertThat(output).contains("The query method TaskSearchRepository.findByTitle (table 'tasks') is not"
                    + " answered from indexes: no index on /title; annotate the property 'title' of"
                    + " dev.pikodb.spring.data.query.Task with"
                    + " @dev.pikodb.spring.data.Indexed (index 'title' on /title)");
            assertThat(output).contains("TaskSearchRepository.findByOwnerOrderByTitle (table 'tasks')");
            assertThat(output).contains("TaskSearchRepository.findByTitleLike (table 'tasks') is not answered from"
                    + " indexes: the keyword LIKE (on 'title') is not answered from an index");
            assertThat(output).contains("pikodb.repositories.require-indexes=true");
            assertThat(output).doesNotContain("TaskSearchRepository.findByOwner (table");

            // Reported, it still works, by reading the whole table.
            TaskSearchRepository search = context.getBean(TaskSearchRepository.class);
            context.getBean(PikoDB.class).write("tasks", "t1", TASK);
            assertThat(search.findByTitle("Pay")).extracting(Task::id).containsExactly("t1");
            assertThat(search.findByOwner("alice")).extracting(Task::id).containsExactly("t1");
        }
    }

    @Test
    void requireIndexesMakesItAStartupFailure() {
        try (AnnotationConfigApplicationContext context = context(Required.class, Map.of())) {
            assertThatExceptionOfType(BeanCreationException.class).isThrownBy(context::refresh)
                .havingRootCause()
                .isInstanceOf(IllegalStateException.class)
                .withMessageContaining("TaskSearchRepository.findByOwnerOrderByTitle (table 'tasks')")
                .withMessageContaining("TaskSearchRepository.findByTitle (table 'tasks')")
                .withMessageContaining("TaskSearchRepository.findByTitleLike (table 'tasks')")
                .withMessageNotContaining("TaskSearchRepository.findByOwner (table")
                .withMessageContaining("@dev.pikodb.spring.data.Indexed (index 'title' on /title)")
                .withMessageContaining("pikodb.repositories.require-indexes=true");
        }
    }

    @Test
    void theRequireIndexesPropertyMakesItAStartupFailure() {
        try (AnnotationConfigApplicationContext context = context(Reported.class,
                Map.of("pikodb.repositories.require-indexes", "true"))) {
            assertThatExceptionOfType(BeanCreationException.class).isThrownBy(context::refresh)
                .havingRootCause()
                .withMessageContaining("TaskSearchRepository.findByTitle");
        }
    }

    @Test
    void aManuallyCreatedIndexServesAMethodToo(CapturedOutput output) {
        PikoDB plain = new PikoDB(directory);
        plain.start();
        plain.createIndex("tasks", "title", "/title");
        plain.close();
        try (AnnotationConfigApplicationContext context = context(Reported.class, Map.of())) {
            context.refresh();
            assertThat(output).doesNotContain("TaskSearchRepository.findByTitle (table");
            context.getBean(PikoDB.class).write("tasks", "t1", TASK);
            assertThat(context.getBean(TaskSearchRepository.class).findByTitle("Pay")).extracting(Task::id)
                .containsExactly("t1");
            assertThat(context.getBean(TaskSearchRepository.class).findByTitleLike("Pay")).hasSize(1);
        }
    }
}
