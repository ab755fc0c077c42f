package dev.pikodb.spring.data.query;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import dev.pikodb.redis.RedisStorage;
import dev.pikodb.redis.testing.RedisServers;
import java.time.Duration;

/** The derived queries of {@link PikoDBDerivedQueriesTests} over a Redis server started by the tests. */
class PikoDBDerivedQueriesOnRedisTests extends PikoDBDerivedQueriesTests {

    private final String prefix = RedisServers.uniquePrefix("derived-queries");

    @Override
    protected PikoDB openStore(String name) {
        RedisStorage storage = RedisStorage.builder().uri(RedisServers.shared().uri()).keyPrefix(prefix + "-" + name)
            .connectTimeout(Duration.ofSeconds(30)).commandTimeout(Duration.ofSeconds(30)).build();
        PikoDB store = new PikoDB(DatabaseOptions.builder().storage(storage).build());
        store.start();
        return store;
    }
}
