package dev.pikodb.autoconfigure.data;

import dev.pikodb.PikoDB;
import dev.pikodb.autoconfigure.PikoDBAutoConfiguration;
import dev.pikodb.spring.data.repository.config.EnablePikoDBRepositories;
import dev.pikodb.spring.data.repository.support.PikoDBRepositoryFactoryBean;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;
import org.springframework.data.keyvalue.core.KeyValueTemplate;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of Spring Data
 * repositories over PikoDB: when spring-data-keyvalue is on the classpath, the repository interfaces of
 * the application's packages are backed by the {@link PikoDB} bean, as
 * {@link EnablePikoDBRepositories @EnablePikoDBRepositories} would do.
 *
 * <p>Switched off with {@code pikodb.repositories.enabled=false}; backs off when the application
 * configures PikoDB repositories itself, and, as Spring Boot's own data modules do, when there is no
 * single {@link PikoDB} to use: with several {@code PikoDB} beans and none of them {@code @Primary},
 * the application says which store backs which repositories with
 * {@link EnablePikoDBRepositories @EnablePikoDBRepositories}.
 */
@AutoConfiguration(after = PikoDBAutoConfiguration.class)
@ConditionalOnClass({ KeyValueTemplate.class, EnablePikoDBRepositories.class })
@ConditionalOnSingleCandidate(PikoDB.class)
@ConditionalOnBooleanProperty(name = "pikodb.repositories.enabled", matchIfMissing = true)
@ConditionalOnMissingBean(PikoDBRepositoryFactoryBean.class)
@EnableConfigurationProperties(PikoDBRepositoriesProperties.class)
@Import(PikoDBRepositoriesRegistrar.class)
public final class PikoDBRepositoriesAutoConfiguration {

    PikoDBRepositoriesAutoConfiguration() {
    }
}
