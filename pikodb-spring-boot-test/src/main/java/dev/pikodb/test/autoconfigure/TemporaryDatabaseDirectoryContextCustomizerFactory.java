package dev.pikodb.test.autoconfigure;

import java.util.List;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;

/**
 * Gives every application context of a test annotated with {@link AutoConfigurePikoDB} its own
 * {@link TemporaryDatabaseDirectory}.
 */
class TemporaryDatabaseDirectoryContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        return new TemporaryDatabaseDirectoryContextCustomizer();
    }
}
