package dev.pikodb.spring.session;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.session.FlushMode;
import org.springframework.session.MapSession;
import org.springframework.session.SaveMode;

/**
 * Stores the HTTP sessions of a Spring application (without Spring Boot, which configures this by
 * itself) in the application's {@link dev.pikodb.PikoDB} bean: put it on a {@link Configuration} class.
 * It defines a {@link PikoDBSessionRepository} and Spring Session's {@code springSessionRepositoryFilter},
 * to register as a servlet filter. {@code SessionRepositoryCustomizer<PikoDBSessionRepository>} beans
 * adjust the repository further.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Documented
@Import(PikoDBHttpSessionConfiguration.class)
public @interface EnablePikoDBHttpSession {

    /**
     * The maximum inactive interval of new sessions, in seconds; negative: they never expire.
     *
     * @return seconds, 1800 by default
     */
    int maxInactiveIntervalInSeconds() default MapSession.DEFAULT_MAX_INACTIVE_INTERVAL_SECONDS;

    /**
     * The table of the sessions.
     *
     * @return the table name
     */
    String tableName() default PikoDBSessionRepository.DEFAULT_TABLE_NAME;

    /**
     * When changes are saved.
     *
     * @return the flush mode
     */
    FlushMode flushMode() default FlushMode.ON_SAVE;

    /**
     * Which attributes a save writes.
     *
     * @return the save mode
     */
    SaveMode saveMode() default SaveMode.ON_SET_ATTRIBUTE;
}
