package dev.pikodb.autoconfigure;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;
import org.springframework.util.ClassUtils;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for a
 * {@link PikoDB} store, bean {@code pikodb}, configured from {@code pikodb.*}.
 *
 * <p>The store is started when the bean is created, so every bean it is injected into gets an open
 * store, and it is closed (which flushes every table) when the context shuts down. With
 * {@code pikodb.storage=directory} (the default) it needs {@code pikodb.database-directory}: there is no
 * default directory. With {@code pikodb.storage=redis} it keeps the data in Redis, connecting where Spring
 * Boot's {@code spring.data.redis.*} settings say (see {@link PikoDBRedisStorageConfiguration}); that
 * needs {@code dev.pikodb:pikodb-redis} and {@code spring-boot-starter-data-redis}, and fails at startup
 * naming them when either is missing. It backs off when the application
 * defines its own {@code PikoDB} bean or beans, and with {@code pikodb.enabled=false}; the scheduled
 * cleanup, health, meters and endpoint serve whatever {@code PikoDB} beans there are either way.
 * {@link PikoDBOptionsCustomizer} beans may adjust the options.
 */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass(PikoDB.class)
@ConditionalOnBooleanProperty(name = "pikodb.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PikoDBProperties.class)
@Import(PikoDBRedisStorageConfiguration.class)
public final class PikoDBAutoConfiguration {

    PikoDBAutoConfiguration() {
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "pikodb.storage", havingValue = "directory", matchIfMissing = true)
    PikoDB pikodb(PikoDBProperties properties, ObjectProvider<PikoDBOptionsCustomizer> customizers) {
        DatabaseOptions options = PikoDBFactory.options(properties, customizers.orderedStream());
        return PikoDBFactory.createAndStart(options);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(name = "pikodb.storage", havingValue = "redis")
    @Conditional(RedisStorageUnavailableCondition.class)
    PikoDB pikodbRedisUnavailable(ApplicationContext context) {
        ClassLoader loader = context.getClassLoader();
        boolean redisStorage = ClassUtils.isPresent(RedisStorageUnavailableCondition.REDIS_STORAGE, loader);
        String missing = !redisStorage ? "dev.pikodb:pikodb-redis (" + RedisStorageUnavailableCondition.REDIS_STORAGE + ")"
                : "Spring Boot's Redis support, spring-boot-starter-data-redis ("
                        + RedisStorageUnavailableCondition.CONNECTION_DETAILS + ")";
        throw new PikoDBConfigurationException(PikoDBFactory.STORAGE_PROPERTY, "redis",
                "PikoDB on Redis needs " + missing + " on the classpath, and it is not there",
                "Add the dependency " + (!redisStorage ? "dev.pikodb:pikodb-redis" : "org.springframework.boot:"
                        + "spring-boot-starter-data-redis") + " to the application, or set "
                        + PikoDBFactory.STORAGE_PROPERTY + "=directory with pikodb.database-directory.",
                null);
    }
}
