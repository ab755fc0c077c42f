package dev.pikodb.autoconfigure.data;

import dev.pikodb.spring.data.repository.config.EnablePikoDBRepositories;
import dev.pikodb.spring.data.repository.config.PikoDBRepositoryConfigurationExtension;
import java.lang.annotation.Annotation;
import org.springframework.boot.autoconfigure.data.AbstractRepositoryConfigurationSourceSupport;
import org.springframework.data.repository.config.RepositoryConfigurationExtension;

/**
 * Registers the PikoDB repositories found in the application's auto-configuration packages, as
 * {@link EnablePikoDBRepositories} on the application class would.
 */
class PikoDBRepositoriesRegistrar extends AbstractRepositoryConfigurationSourceSupport {

    @Override
    protected Class<? extends Annotation> getAnnotation() {
        return EnablePikoDBRepositories.class;
    }

    @Override
    protected Class<?> getConfiguration() {
        return EnablePikoDBRepositoriesConfiguration.class;
    }

    @Override
    protected RepositoryConfigurationExtension getRepositoryConfigurationExtension() {
        return new PikoDBRepositoryConfigurationExtension();
    }

    @EnablePikoDBRepositories
    private static final class EnablePikoDBRepositoriesConfiguration {
    }
}
