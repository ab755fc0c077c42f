package dev.pikodb.test.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.test.context.ContextCustomizerFactories;

/**
 * Gives a test's application context PikoDB's auto-configuration (the store, its cleanup, the
 * repositories, the cache and the change events) and a database directory of its own: a fresh
 * temporary directory per application context, deleted when that context closes (after the store has
 * been closed). Two cached contexts therefore never fight over a directory's lock, and no test leaves
 * data behind.
 *
 * <p>Use it on a full {@code @SpringBootTest}; {@link PikoDBTest @PikoDBTest} includes it. The
 * temporary directory replaces the application's {@code pikodb.database-directory}, unless the test
 * sets that property itself (with {@code @SpringBootTest(properties = ...)} or
 * {@code @TestPropertySource}). The directory is available as the {@link TemporaryDatabaseDirectory}
 * bean.
 *
 * <p>The auto-configurations imported are listed in
 * {@code META-INF/spring/dev.pikodb.test.autoconfigure.AutoConfigurePikoDB.imports}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
@ContextCustomizerFactories(TemporaryDatabaseDirectoryContextCustomizerFactory.class)
public @interface AutoConfigurePikoDB {
}
