package dev.pikodb.autoconfigure.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pikodb.PikoDB;
import dev.pikodb.autoconfigure.PikoDBAutoConfiguration;
import dev.pikodb.spring.event.PikoDBApplicationEvent;
import dev.pikodb.spring.event.PikoDBEventBridge;
import dev.pikodb.spring.event.PikoDBRecordChangedEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

class PikoDBEventsAutoConfigurationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path directory;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PikoDBAutoConfiguration.class, PikoDBEventsAutoConfiguration.class));

    private ApplicationContextRunner withDirectory() {
        return runner.withPropertyValues("pikodb.database-directory=" + directory);
    }

    /** An application bean with an @EventListener method. */
    static class NoteChanges {

        final List<PikoDBRecordChangedEvent> received = new CopyOnWriteArrayList<>();

        @EventListener(condition = "#event.table == 'notes'")
        void onNoteChanged(PikoDBRecordChangedEvent event) {
            received.add(event);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ListenerConfiguration {

        @Bean
        NoteChanges noteChanges() {
            return new NoteChanges();
        }
    }

    @Test
    void eventListenersReceiveTheChangesOfTheAutoConfiguredStore() {
        withDirectory().withUserConfiguration(ListenerConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(PikoDBEventBridge.class);
            PikoDB pikoDB = context.getBean(PikoDB.class);
            NoteChanges changes = context.getBean(NoteChanges.class);
            pikoDB.write("notes", "n1", Map.of("title", "Groceries"));
            pikoDB.write("other", "o1", "ignored by the condition");
            pikoDB.delete("notes", "n1");
            await().atMost(TIMEOUT).until(() -> changes.received.size() == 2);
            assertThat(changes.received).extracting(PikoDBRecordChangedEvent::getKey, PikoDBRecordChangedEvent::isDeleted)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("n1", false),
                        org.assertj.core.groups.Tuple.tuple("n1", true));
            assertThat(changes.received).allSatisfy((event) -> {
                assertThat(event.getPikoDBName()).isEqualTo("pikodb");
                assertThat(event.getSource()).isSameAs(pikoDB);
            });
        });
    }

    @Test
    void everyPikoDBBeanIsBridgedUnderItsBeanName() {
        runner.withUserConfiguration(TwoStores.class).withBean(Path.class, () -> directory).run((context) -> {
            assertThat(context.getBean(PikoDBEventBridge.class).getStores()).containsOnlyKeys("orders", "audit");
            List<PikoDBApplicationEvent> received = context.getBean(TwoStores.class).received;
            context.getBean("orders", PikoDB.class).write("t", "k", 1);
            context.getBean("audit", PikoDB.class).write("t", "k", 1);
            await().atMost(TIMEOUT).until(() -> received.size() == 2);
            assertThat(received).extracting(PikoDBApplicationEvent::getPikoDBName)
                .containsExactlyInAnyOrder("orders", "audit");
        });
    }

    @Test
    void switchedOffByProperty() {
        withDirectory().withPropertyValues("pikodb.events.enabled=false").run((context) -> {
            assertThat(context).hasSingleBean(PikoDB.class);
            assertThat(context).doesNotHaveBean(PikoDBEventBridge.class);
        });
    }

    @Test
    void thePropertyIsDescribedInTheConfigurationMetadata() throws Exception {
        try (var in = PikoDBEventsProperties.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            String metadata = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(metadata).contains("\"name\": \"pikodb.events.enabled\"")
                .contains("Whether to publish the changes of every PikoDB bean");
        }
    }

    @Test
    void nothingWithoutAStore() {
        runner.withPropertyValues("pikodb.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(PikoDBEventBridge.class));
    }

    @Test
    void nothingWithoutPikoDBSpring() {
        withDirectory().withClassLoader(new FilteredClassLoader(PikoDBEventBridge.class)).run((context) -> {
            assertThat(context).hasSingleBean(PikoDB.class);
            assertThat(context).doesNotHaveBean(PikoDBEventBridge.class);
        });
    }

    @Test
    void backsOffForTheApplicationsOwnBridge() {
        withDirectory().withUserConfiguration(OwnBridge.class).run((context) -> {
            assertThat(context).hasSingleBean(PikoDBEventBridge.class);
            assertThat(context).hasBean("myBridge");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoStores {

        final List<PikoDBApplicationEvent> received = new CopyOnWriteArrayList<>();

        @Bean(destroyMethod = "close")
        PikoDB orders(Path directory) {
            PikoDB pikoDB = new PikoDB(directory.resolve("orders"));
            pikoDB.start();
            return pikoDB;
        }

        @Bean(destroyMethod = "close")
        PikoDB audit(Path directory) {
            PikoDB pikoDB = new PikoDB(directory.resolve("audit"));
            pikoDB.start();
            return pikoDB;
        }

        @EventListener
        void onChange(PikoDBApplicationEvent event) {
            received.add(event);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBridge {

        @Bean
        PikoDBEventBridge myBridge(PikoDB pikoDB, ApplicationEventPublisher publisher) {
            return new PikoDBEventBridge("main", pikoDB, publisher);
        }
    }
}
