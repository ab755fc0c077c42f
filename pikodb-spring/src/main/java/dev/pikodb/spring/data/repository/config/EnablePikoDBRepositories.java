package dev.pikodb.spring.data.repository.config;

import dev.pikodb.spring.data.repository.support.PikoDBRepositoryFactoryBean;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.beans.factory.support.BeanNameGenerator;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.AliasFor;
import org.springframework.data.keyvalue.repository.config.QueryCreatorType;
import org.springframework.data.keyvalue.repository.query.PredicateQueryCreator;
import org.springframework.data.repository.config.DefaultRepositoryBaseClass;
import org.springframework.data.repository.query.QueryLookupStrategy.Key;
import org.springframework.data.repository.query.parser.AbstractQueryCreator;

/**
 * Enables Spring Data repositories over PikoDB for plain Spring applications (Spring Boot enables them
 * on its own). Needs one {@link dev.pikodb.PikoDB} bean, started.
 *
 * <pre>{@code
 * @Configuration
 * @EnablePikoDBRepositories
 * class DataConfiguration {
 *     @Bean(destroyMethod = "close")
 *     PikoDB pikoDB() {
 *         PikoDB pikoDB = new PikoDB(Path.of("data"));
 *         pikoDB.start();
 *         return pikoDB;
 *     }
 * }
 * }</pre>
 *
 * <p>Unless a bean named by {@link #keyValueTemplateRef()} exists, a
 * {@link dev.pikodb.spring.data.PikoDBKeyValueTemplate} is registered under that name, over a
 * {@link dev.pikodb.spring.data.PikoDBKeyValueAdapter} on the {@code PikoDB} bean.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Import(PikoDBRepositoriesRegistrar.class)
@QueryCreatorType(PredicateQueryCreator.class)
public @interface EnablePikoDBRepositories {

    /**
     * Alias for {@link #basePackages()}.
     *
     * @return the base packages
     */
    String[] value() default {};

    /**
     * The packages scanned for repository interfaces (default: the annotated class's package).
     *
     * @return the base packages
     */
    String[] basePackages() default {};

    /**
     * Type-safe alternative to {@link #basePackages()}: the package of each class is scanned.
     *
     * @return classes whose packages are scanned
     */
    Class<?>[] basePackageClasses() default {};

    /**
     * Types not to register as repositories.
     *
     * @return the exclude filters
     */
    Filter[] excludeFilters() default {};

    /**
     * Types to register as repositories (default: every interface extending a Spring Data repository).
     *
     * @return the include filters
     */
    Filter[] includeFilters() default {};

    /**
     * The postfix of custom repository implementation classes.
     *
     * @return the postfix
     */
    String repositoryImplementationPostfix() default "Impl";

    /**
     * Where named queries are read from.
     *
     * @return a properties file location, or empty for the default
     */
    String namedQueriesLocation() default "";

    /**
     * How query methods are resolved.
     *
     * @return the lookup strategy
     */
    Key queryLookupStrategy() default Key.CREATE_IF_NOT_FOUND;

    /**
     * The factory bean class of each repository.
     *
     * @return the factory bean class
     */
    Class<?> repositoryFactoryBeanClass() default PikoDBRepositoryFactoryBean.class;

    /**
     * The base class of repository implementations.
     *
     * @return the base class
     */
    Class<?> repositoryBaseClass() default DefaultRepositoryBaseClass.class;

    /**
     * The generator of repository bean names.
     *
     * @return the generator class
     */
    Class<? extends BeanNameGenerator> nameGenerator() default BeanNameGenerator.class;

    /**
     * The bean name of the {@link org.springframework.data.keyvalue.core.KeyValueOperations} the
     * repositories use; a PikoDB template is registered under it when missing.
     *
     * @return the template bean name
     */
    String keyValueTemplateRef() default PikoDBRepositoryConfigurationExtension.DEFAULT_TEMPLATE_BEAN_NAME;

    /**
     * The bean name of the {@link dev.pikodb.PikoDB} the registered template works on.
     *
     * @return a bean name, or empty for the only {@code PikoDB} bean
     */
    String pikoDBRef() default "";

    /**
     * Whether repository interfaces nested in other classes are found too.
     *
     * @return true to consider nested interfaces
     */
    boolean considerNestedRepositories() default false;

    /**
     * Whether a derived query method that no index serves fails the startup. Otherwise it is reported
     * in a warning naming the method and the {@link dev.pikodb.spring.data.Indexed @Indexed} that would
     * serve it, and reads the whole table on each call. The property
     * {@code pikodb.repositories.require-indexes=true} sets it as well.
     *
     * @return true to fail
     */
    boolean requireIndexes() default false;

    /**
     * The query creator of the derived queries no index serves ({@code findByOwner}, ...).
     *
     * @return the query creator class
     */
    @AliasFor(annotation = QueryCreatorType.class, attribute = "value")
    Class<? extends AbstractQueryCreator<?, ?>> queryCreator() default PredicateQueryCreator.class;
}
