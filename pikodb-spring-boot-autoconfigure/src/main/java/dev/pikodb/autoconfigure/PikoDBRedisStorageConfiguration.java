package dev.pikodb.autoconfigure;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import dev.pikodb.redis.RedisStorage;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The auto-configured store with {@code pikodb.storage=redis}: a {@link RedisStorage} that connects where
 * Spring Boot's {@link DataRedisConnectionDetails} say (from {@code spring.data.redis.*}, or a bean the
 * application or a test container defines), with PikoDB's own Lettuce client; it shares Spring Boot's
 * Lettuce {@link ClientResources} (event loops) when there is exactly one.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "pikodb.storage", havingValue = "redis")
@ConditionalOnClass({ RedisStorage.class, DataRedisConnectionDetails.class })
class PikoDBRedisStorageConfiguration {

    private static final String WAIT_PROPERTY = "pikodb.redis.wait-for-replicas";

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    PikoDB pikodb(PikoDBProperties properties, ObjectProvider<DataRedisConnectionDetails> connectionDetails,
            ObjectProvider<DataRedisProperties> bootRedis, ObjectProvider<ClientResources> clientResources,
            ObjectProvider<PikoDBOptionsCustomizer> customizers) {
        DataRedisConnectionDetails details = connectionDetails.getIfAvailable();
        if (details == null) {
            throw new PikoDBConfigurationException(PikoDBFactory.STORAGE_PROPERTY, "redis",
                    "PikoDB on Redis connects where Spring Boot's Redis connection details (spring.data.redis.*)"
                            + " say, and the application has no DataRedisConnectionDetails bean",
                    "Keep Spring Boot's Redis auto-configuration (spring-boot-starter-data-redis) enabled and set "
                            + RedisConnection.SETTINGS + ".host/port, .url, .sentinel.* or .cluster.nodes, or define"
                            + " a DataRedisConnectionDetails bean.",
                    null);
        }
        RedisStorage storage = storage(properties.getRedis(), details, bootRedis.getIfAvailable(),
                clientResources.getIfUnique());
        DatabaseOptions options = PikoDBFactory.options(properties, storage, customizers.orderedStream());
        return PikoDBFactory.createAndStart(options, RedisConnection.SETTINGS,
                "Check that Redis runs where " + RedisConnection.SETTINGS + ".* says (host/port, url, sentinel,"
                        + " cluster.nodes), and its username, password and SSL settings; with"
                        + " pikodb.durable-writes=true every master must run appendonly yes and appendfsync always.");
    }

    /**
     * The engine: where and how to connect from Spring Boot's settings, PikoDB's own
     * {@code pikodb.redis.*} taking precedence over Boot's {@code spring.data.redis.timeout} and
     * {@code connect-timeout}; Boot's {@code client-name} names PikoDB's connections too.
     */
    static RedisStorage storage(PikoDBProperties.Redis redis, DataRedisConnectionDetails details,
            @Nullable DataRedisProperties boot, @Nullable ClientResources clientResources) {
        RedisStorage.Builder builder = RedisConnection.builder(details, (boot != null) ? boot.getClientName() : null);
        set("pikodb.redis.key-prefix", redis.getKeyPrefix(), "a non-empty prefix without braces, e.g. myapp",
                () -> builder.keyPrefix(redis.getKeyPrefix()));
        Duration connect = redis.getConnectTimeout();
        String connectProperty = "pikodb.redis.connect-timeout";
        if (connect == null && boot != null && boot.getConnectTimeout() != null) {
            connect = boot.getConnectTimeout();
            connectProperty = RedisConnection.SETTINGS + ".connect-timeout";
        }
        if (connect != null) {
            Duration value = connect;
            set(connectProperty, value, "a positive duration, e.g. 10s", () -> builder.connectTimeout(value));
        }
        Duration command = redis.getCommandTimeout();
        String commandProperty = "pikodb.redis.command-timeout";
        if (command == null && boot != null && boot.getTimeout() != null) {
            command = boot.getTimeout();
            commandProperty = RedisConnection.SETTINGS + ".timeout";
        }
        if (command != null) {
            Duration value = command;
            set(commandProperty, value, "a positive duration, e.g. 5s", () -> builder.commandTimeout(value));
        }
        if (redis.getWaitForReplicas() != 0) {
            set(WAIT_PROPERTY, redis.getWaitForReplicas(), "0 or more, with " + WAIT_PROPERTY + "-timeout positive",
                    () -> builder.waitForReplicas(redis.getWaitForReplicas(), redis.getWaitForReplicasTimeout()));
        }
        if (redis.getInstanceId() != null) {
            set("pikodb.redis.instance-id", redis.getInstanceId(), "a non-blank id of at most 200 characters, e.g."
                    + " the host name", () -> builder.instanceId(redis.getInstanceId()));
        }
        PikoDBProperties.ChangeStream stream = redis.getChangeStream();
        if (stream.isEnabled()) {
            set("pikodb.redis.change-stream.max-length", stream.getMaxLength(), "a positive length, e.g. 10000",
                    () -> {
                        if (stream.getMaxLength() < 1) {
                            throw new IllegalArgumentException("the max length must be positive with"
                                    + " pikodb.redis.change-stream.enabled=true, was " + stream.getMaxLength());
                        }
                        builder.changeStream(stream.getMaxLength());
                    });
            set("pikodb.redis.change-stream.poll-interval", stream.getPollInterval(), "a positive duration, e.g. 100ms",
                    () -> builder.changeStreamPollInterval(stream.getPollInterval()));
        }
        if (clientResources != null) {
            builder.clientResources(clientResources);
        }
        try {
            return builder.build();
        }
        catch (IllegalArgumentException ex) {
            throw new PikoDBConfigurationException(WAIT_PROPERTY + "-timeout", redis.getWaitForReplicasTimeout(),
                    ex.getMessage(), "Set " + WAIT_PROPERTY + "-timeout shorter than pikodb.redis.command-timeout"
                            + " (5s by default), or check " + RedisConnection.SETTINGS + ".*.",
                    ex);
        }
    }

    private static void set(String property, Object value, String expected, Runnable setter) {
        try {
            setter.run();
        }
        catch (IllegalArgumentException ex) {
            throw new PikoDBConfigurationException(property, value, ex.getMessage(),
                    "Set " + property + " to " + expected + ".", ex);
        }
    }
}
