package dev.pikodb.spring.session;

import dev.pikodb.PikoDB;
import java.time.Duration;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportAware;
import org.springframework.core.annotation.AnnotationAttributes;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.session.FlushMode;
import org.springframework.session.MapSession;
import org.springframework.session.SaveMode;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.config.annotation.web.http.SpringHttpSessionConfiguration;

/**
 * What {@link EnablePikoDBHttpSession} imports: Spring Session's servlet configuration and a
 * {@link PikoDBSessionRepository} over the application's {@link PikoDB}, set from the annotation and
 * then from every {@code SessionRepositoryCustomizer<PikoDBSessionRepository>} bean in order.
 */
@Configuration(proxyBeanMethods = false)
public class PikoDBHttpSessionConfiguration extends SpringHttpSessionConfiguration implements ImportAware {

    private Duration maxInactiveInterval = MapSession.DEFAULT_MAX_INACTIVE_INTERVAL;
    private String tableName = PikoDBSessionRepository.DEFAULT_TABLE_NAME;
    private FlushMode flushMode = FlushMode.ON_SAVE;
    private SaveMode saveMode = SaveMode.ON_SET_ATTRIBUTE;

    /**
     * The session repository.
     *
     * @param db the application's store
     * @param eventPublisher where session events go
     * @param customizers adjustments, applied last
     * @return the repository
     */
    @Bean
    public PikoDBSessionRepository sessionRepository(PikoDB db, ApplicationEventPublisher eventPublisher,
            ObjectProvider<SessionRepositoryCustomizer<PikoDBSessionRepository>> customizers) {
        PikoDBSessionRepository repository = new PikoDBSessionRepository(db, tableName);
        repository.setDefaultMaxInactiveInterval(maxInactiveInterval);
        repository.setFlushMode(flushMode);
        repository.setSaveMode(saveMode);
        repository.setApplicationEventPublisher(eventPublisher);
        customizers.orderedStream().forEach(customizer -> customizer.customize(repository));
        return repository;
    }

    @Override
    public void setImportMetadata(AnnotationMetadata metadata) {
        Map<String, Object> attributes = metadata.getAnnotationAttributes(EnablePikoDBHttpSession.class.getName());
        if (attributes == null) {
            return;
        }
        AnnotationAttributes values = AnnotationAttributes.fromMap(attributes);
        maxInactiveInterval = Duration.ofSeconds(values.<Integer>getNumber("maxInactiveIntervalInSeconds"));
        tableName = values.getString("tableName");
        flushMode = values.getEnum("flushMode");
        saveMode = values.getEnum("saveMode");
    }
}
