package dev.pikodb.test.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.autoconfigure.OverrideAutoConfiguration;
import org.springframework.boot.test.context.filter.annotation.TypeExcludeFilters;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.core.annotation.AliasFor;
import org.springframework.test.context.BootstrapWith;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * A test slice for the PikoDB layer of an application: only PikoDB's auto-configuration (the store,
 * its cleanup, the Spring Data repositories over it, its cache manager when
 * {@code pikodb.cache.enabled=true}, and its change events) is applied, and no {@code @Component},
 * {@code @Service} or {@code @Controller} of the application is scanned: {@code @Import} the beans a
 * test needs (a {@code @Cacheable} service, say). Each application context gets a fresh temporary
 * database directory, deleted when the context closes, as {@link AutoConfigurePikoDB} describes.
 *
 * <pre class="code">
 * &#64;PikoDBTest(properties = "pikodb.cache.enabled=true")
 * &#64;Import(SummaryService.class)
 * class NoteRepositoryTests {
 *     &#64;Autowired NoteRepository notes;
 *     ...
 * }
 * </pre>
 *
 * <p>For a test of the whole application use {@code @SpringBootTest} with {@link AutoConfigurePikoDB}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@BootstrapWith(PikoDBTestContextBootstrapper.class)
@ExtendWith(SpringExtension.class)
@OverrideAutoConfiguration(enabled = false)
@TypeExcludeFilters(PikoDBTypeExcludeFilter.class)
@AutoConfigurePikoDB
@ImportAutoConfiguration
public @interface PikoDBTest {

    /**
     * Properties in {@code key=value} form added to the environment before the test runs.
     *
     * @return the properties
     */
    String[] properties() default {};

    /**
     * Whether the default filters of {@code @SpringBootApplication}'s component scan apply. With
     * {@code false}, {@link #includeFilters()} decide alone which components are scanned.
     *
     * @return true to apply the default filters, which include no component
     */
    boolean useDefaultFilters() default true;

    /**
     * Filters that add components to the slice.
     *
     * @return the include filters
     */
    Filter[] includeFilters() default {};

    /**
     * Filters that remove components from the slice.
     *
     * @return the exclude filters
     */
    Filter[] excludeFilters() default {};

    /**
     * Auto-configuration classes not to apply in this slice.
     *
     * @return the excluded auto-configurations
     */
    @AliasFor(annotation = ImportAutoConfiguration.class, attribute = "exclude")
    Class<?>[] excludeAutoConfiguration() default {};
}
