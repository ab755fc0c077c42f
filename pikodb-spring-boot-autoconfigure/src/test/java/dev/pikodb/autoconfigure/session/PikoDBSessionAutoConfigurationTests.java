package dev.pikodb.autoconfigure.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.PikoDB;
import dev.pikodb.autoconfigure.PikoDBAutoConfiguration;
import dev.pikodb.autoconfigure.PikoDBConfigurationException;
import dev.pikodb.spring.session.PikoDBSession;
import dev.pikodb.spring.session.PikoDBSessionRepository;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.session.autoconfigure.SessionAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.FlushMode;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.SaveMode;
import org.springframework.session.SessionRepository;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.web.http.SessionRepositoryFilter;

class PikoDBSessionAutoConfigurationTests {

    @TempDir
    Path directory;

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PikoDBAutoConfiguration.class, PikoDBSessionAutoConfiguration.class,
                SessionAutoConfiguration.class))
        .withUserConfiguration(ServerSettings.class);

    private WebApplicationContextRunner withDirectory() {
        return runner.withPropertyValues("pikodb.database-directory=" + directory);
    }

    @Test
    void sessionsAreStoredInTheStoreWithTheFilterRegistered() {
        withDirectory().run((context) -> {
            assertThat(context).hasSingleBean(PikoDBSessionRepository.class);
            assertThat(context).hasSingleBean(SessionRepositoryFilter.class);
            PikoDBSessionRepository repository = context.getBean(PikoDBSessionRepository.class);
            assertThat(repository.tableName()).isEqualTo("spring-sessions");
            PikoDBSession session = repository.createSession();
            session.setAttribute("a", 1);
            repository.save(session);
            assertThat(context.getBean(PikoDB.class).getRecord("spring-sessions", session.getId())).isPresent();
            assertThat(session.getMaxInactiveInterval()).isEqualTo(Duration.ofMinutes(30));
        });
    }

    @Test
    void springSessionTimeoutAndTheTableNameAreHonoured() {
        withDirectory().withPropertyValues("spring.session.timeout=5m", "pikodb.session.table-name=web-sessions",
                "pikodb.session.flush-mode=immediate", "pikodb.session.save-mode=always").run((context) -> {
                    PikoDBSessionRepository repository = context.getBean(PikoDBSessionRepository.class);
                    assertThat(repository.tableName()).isEqualTo("web-sessions");
                    PikoDBSession session = repository.createSession();
                    assertThat(session.getMaxInactiveInterval()).isEqualTo(Duration.ofMinutes(5));
                    // Immediate flush: stored without a save.
                    assertThat(context.getBean(PikoDB.class).getRecord("web-sessions", session.getId())).isPresent();
                    assertThat(context.getBean(PikoDBSessionProperties.class).getSaveMode()).isEqualTo(SaveMode.ALWAYS);
                    assertThat(context.getBean(PikoDBSessionProperties.class).getFlushMode())
                        .isEqualTo(FlushMode.IMMEDIATE);
                });
    }

    @Test
    void customizersApplyAfterTheProperties() {
        withDirectory().withPropertyValues("spring.session.timeout=5m")
            .withBean("longSessions", SessionRepositoryCustomizer.class,
                    () -> (SessionRepositoryCustomizer<PikoDBSessionRepository>) (repository) -> repository
                        .setDefaultMaxInactiveInterval(Duration.ofHours(8)))
            .run((context) -> assertThat(
                    context.getBean(PikoDBSessionRepository.class).createSession().getMaxInactiveInterval())
                .isEqualTo(Duration.ofHours(8)));
    }

    @Test
    void backsOffForTheApplicationsOwnSessionRepository() {
        withDirectory().withUserConfiguration(OwnRepository.class).run((context) -> {
            assertThat(context).doesNotHaveBean(PikoDBSessionRepository.class);
            assertThat(context).getBean(SessionRepository.class).isInstanceOf(MapSessionRepository.class);
        });
    }

    @Test
    void backsOffWithoutTheSessionModule() {
        withDirectory().withClassLoader(new FilteredClassLoader(PikoDBSessionRepository.class))
            .run((context) -> assertThat(context).doesNotHaveBean(PikoDBSessionRepository.class));
    }

    @Test
    void backsOffOutsideAServletApplication() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(PikoDBAutoConfiguration.class,
                    PikoDBSessionAutoConfiguration.class))
            .withPropertyValues("pikodb.database-directory=" + directory)
            .run((context) -> {
                assertThat(context).hasSingleBean(PikoDB.class);
                assertThat(context).doesNotHaveBean(PikoDBSessionRepository.class);
            });
    }

    @Test
    void backsOffWithoutAStore() {
        runner.withPropertyValues("pikodb.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(PikoDBSessionRepository.class));
    }

    @Test
    void anInvalidTableNameNamesTheProperty() {
        withDirectory().withPropertyValues("pikodb.session.table-name=no/slashes").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(IllegalArgumentException.class);
            Throwable failure = context.getStartupFailure();
            while (failure != null && !(failure instanceof PikoDBConfigurationException)) {
                failure = failure.getCause();
            }
            assertThat(failure).isInstanceOf(PikoDBConfigurationException.class)
                .hasMessageContaining("pikodb.session.table-name")
                .hasMessageContaining("no/slashes");
        });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ServerProperties.class)
    static class ServerSettings {

    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRepository {

        @Bean
        MapSessionRepository sessionRepository() {
            return new MapSessionRepository(new java.util.concurrent.ConcurrentHashMap<>());
        }
    }
}
