package dev.pikodb.autoconfigure.session;

import dev.pikodb.PikoDB;
import dev.pikodb.autoconfigure.PikoDBAutoConfiguration;
import dev.pikodb.autoconfigure.PikoDBConfigurationException;
import dev.pikodb.spring.session.PikoDBSessionRepository;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.session.autoconfigure.SessionAutoConfiguration;
import org.springframework.boot.session.autoconfigure.SessionTimeout;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.config.annotation.web.http.SpringHttpSessionConfiguration;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of HTTP
 * sessions stored in the application's {@link PikoDB}: a {@link PikoDBSessionRepository} and Spring
 * Session's filter, when {@code pikodb-spring-session} is on the class path of a servlet application.
 *
 * <p>It runs before Spring Boot's session auto-configuration (which then registers the filter and
 * provides the session timeout from {@code spring.session.timeout}, else
 * {@code server.servlet.session.timeout}), and backs off when the application defines its own
 * {@link SessionRepository}. {@code SessionRepositoryCustomizer<PikoDBSessionRepository>} beans adjust
 * the repository after the properties are applied.
 */
@AutoConfiguration(after = PikoDBAutoConfiguration.class, before = SessionAutoConfiguration.class)
@ConditionalOnClass({ Session.class, PikoDBSessionRepository.class, SessionAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(PikoDB.class)
@ConditionalOnMissingBean(SessionRepository.class)
@EnableConfigurationProperties(PikoDBSessionProperties.class)
@Import(PikoDBSessionAutoConfiguration.SpringBootPikoDBHttpSessionConfiguration.class)
public final class PikoDBSessionAutoConfiguration {

    PikoDBSessionAutoConfiguration() {
    }

    /** Spring Session's servlet configuration with the repository set from {@code pikodb.session.*}. */
    @Configuration(proxyBeanMethods = false)
    static class SpringBootPikoDBHttpSessionConfiguration extends SpringHttpSessionConfiguration {

        @Bean
        PikoDBSessionRepository sessionRepository(PikoDB pikoDB, PikoDBSessionProperties properties,
                ObjectProvider<SessionTimeout> timeout, ApplicationEventPublisher eventPublisher,
                ObjectProvider<SessionRepositoryCustomizer<PikoDBSessionRepository>> customizers) {
            PikoDBSessionRepository repository;
            try {
                repository = new PikoDBSessionRepository(pikoDB, properties.getTableName());
            }
            catch (IllegalArgumentException | IllegalStateException ex) {
                throw new PikoDBConfigurationException("pikodb.session.table-name", properties.getTableName(),
                        ex.getMessage(), "Fix pikodb.session.table-name: table names are 1 to 200 characters from"
                                + " A-Z a-z 0-9 . _ - (the default is spring-sessions); sessions need a storage"
                                + " engine with indexes.", ex);
            }
            SessionTimeout sessionTimeout = timeout.getIfAvailable();
            if (sessionTimeout != null && sessionTimeout.getTimeout() != null) {
                repository.setDefaultMaxInactiveInterval(sessionTimeout.getTimeout());
            }
            repository.setFlushMode(properties.getFlushMode());
            repository.setSaveMode(properties.getSaveMode());
            repository.setApplicationEventPublisher(eventPublisher);
            customizers.orderedStream().forEach((customizer) -> customizer.customize(repository));
            return repository;
        }
    }
}
