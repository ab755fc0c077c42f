package dev.pikodb.autoconfigure.health;

import dev.pikodb.PikoDB;
import dev.pikodb.autoconfigure.PikoDBAutoConfiguration;
import dev.pikodb.autoconfigure.PikoDBProperties;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.CompositeHealthContributorConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for the
 * {@code pikodb} health contributor: one {@link PikoDBHealthIndicator} for a single {@link PikoDB}
 * bean, or a composite with one indicator per bean name when there are several (as Spring Boot does
 * for several DataSources). Active when Spring Boot's health support is on the classpath; turned off
 * with {@code management.health.pikodb.enabled=false}.
 */
@AutoConfiguration(after = PikoDBAutoConfiguration.class,
        beforeName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass({ PikoDB.class, Health.class })
@ConditionalOnBean(PikoDB.class)
public final class PikoDBHealthContributorAutoConfiguration {

    PikoDBHealthContributorAutoConfiguration() {
    }

    // A nested class, so that the condition and the base class are only loaded once Health is known
    // to be on the classpath.
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnEnabledHealthIndicator("pikodb")
    @EnableConfigurationProperties(PikoDBProperties.class)
    static class PikoDBHealthContributorConfiguration
            extends CompositeHealthContributorConfiguration<PikoDBHealthIndicator, PikoDB> {

        PikoDBHealthContributorConfiguration(PikoDBProperties properties) {
            super((pikoDB) -> new PikoDBHealthIndicator(pikoDB, properties.getHealth().getDiskSpaceThreshold()));
        }

        @Bean
        @ConditionalOnMissingBean(name = { "pikodbHealthIndicator", "pikodbHealthContributor" })
        HealthContributor pikodbHealthContributor(ConfigurableListableBeanFactory beanFactory) {
            return createContributor(beanFactory, PikoDB.class);
        }
    }
}
