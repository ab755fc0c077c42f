package dev.pikodb.spring.data.repository.config;

import java.lang.annotation.Annotation;
import org.springframework.data.repository.config.RepositoryBeanDefinitionRegistrarSupport;
import org.springframework.data.repository.config.RepositoryConfigurationExtension;

/**
 * Registers the repositories that {@link EnablePikoDBRepositories} finds.
 */
public class PikoDBRepositoriesRegistrar extends RepositoryBeanDefinitionRegistrarSupport {

    /** Creates the registrar; Spring instantiates it through {@code @Import}. */
    public PikoDBRepositoriesRegistrar() {
    }

    @Override
    protected Class<? extends Annotation> getAnnotation() {
        return EnablePikoDBRepositories.class;
    }

    @Override
    protected RepositoryConfigurationExtension getExtension() {
        return new PikoDBRepositoryConfigurationExtension();
    }
}
