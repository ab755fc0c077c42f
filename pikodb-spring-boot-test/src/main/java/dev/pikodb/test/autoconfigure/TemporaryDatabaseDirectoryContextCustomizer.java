package dev.pikodb.test.autoconfigure;

import dev.pikodb.PikoDB;
import java.util.Map;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.support.TestPropertySourceUtils;

/**
 * Creates a {@link TemporaryDatabaseDirectory} for the context being built, points
 * {@code pikodb.database-directory} at it (ahead of the application's own configuration, behind the
 * test's inlined properties) and makes every {@code PikoDB} bean depend on it, so that the stores are
 * closed before the directory is deleted.
 */
final class TemporaryDatabaseDirectoryContextCustomizer implements ContextCustomizer {

    static final String PROPERTY = "pikodb.database-directory";

    static final String PROPERTY_SOURCE_NAME = "pikodbTemporaryDatabaseDirectory";

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
        ConfigurableEnvironment environment = context.getEnvironment();
        if (setByTheTest(environment)) {
            return;
        }
        if (!(context instanceof BeanDefinitionRegistry registry)) {
            throw new IllegalStateException("@AutoConfigurePikoDB needs an application context that accepts bean"
                    + " definitions (a GenericApplicationContext, as Spring Boot's tests use), not "
                    + context.getClass().getName());
        }
        TemporaryDatabaseDirectory directory = TemporaryDatabaseDirectory.create();
        MapPropertySource source = new MapPropertySource(PROPERTY_SOURCE_NAME,
                Map.of(PROPERTY, directory.getPath().toString()));
        String inlined = TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME;
        if (environment.getPropertySources().contains(inlined)) {
            environment.getPropertySources().addAfter(inlined, source);
        }
        else {
            environment.getPropertySources().addFirst(source);
        }
        RootBeanDefinition definition = new RootBeanDefinition(TemporaryDatabaseDirectory.class, () -> directory);
        registry.registerBeanDefinition(TemporaryDatabaseDirectory.BEAN_NAME, definition);
        context.addBeanFactoryPostProcessor(new ClosePikoDBFirst());
    }

    private static boolean setByTheTest(ConfigurableEnvironment environment) {
        PropertySource<?> inlined = environment.getPropertySources()
            .get(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME);
        return inlined != null && (inlined.containsProperty(PROPERTY)
                || inlined.containsProperty("pikodb.databaseDirectory"));
    }

    @Override
    public boolean equals(Object other) {
        return other != null && other.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().hashCode();
    }

    /** Registers every PikoDB bean as dependent on the directory: they are destroyed before it. */
    private static final class ClosePikoDBFirst implements BeanFactoryPostProcessor {

        @Override
        public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
            for (String name : beanFactory.getBeanNamesForType(PikoDB.class, true, false)) {
                beanFactory.registerDependentBean(TemporaryDatabaseDirectory.BEAN_NAME, name);
            }
        }
    }
}
