package dev.pikodb.autoconfigure;

import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;

/**
 * Matches when PikoDB on Redis cannot be built because pikodb-redis or Spring Boot's Redis support is
 * missing from the classpath.
 */
class RedisStorageUnavailableCondition extends AnyNestedCondition {

    static final String REDIS_STORAGE = "dev.pikodb.redis.RedisStorage";

    static final String CONNECTION_DETAILS = "org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails";

    RedisStorageUnavailableCondition() {
        super(ConfigurationPhase.REGISTER_BEAN);
    }

    @ConditionalOnMissingClass(REDIS_STORAGE)
    static class NoRedisStorage {
    }

    @ConditionalOnMissingClass(CONNECTION_DETAILS)
    static class NoConnectionDetails {
    }
}
