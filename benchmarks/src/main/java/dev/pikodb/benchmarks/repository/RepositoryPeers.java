package dev.pikodb.benchmarks.repository;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import dev.pikodb.redis.RedisStorage;
import dev.pikodb.spring.data.PikoDBKeyValueAdapter;
import dev.pikodb.spring.data.PikoDBKeyValueTemplate;
import dev.pikodb.spring.data.repository.support.PikoDBRepositoryFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.keyvalue.core.mapping.context.KeyValueMappingContext;
import org.springframework.data.keyvalue.repository.query.KeyValuePartTreeQuery;
import org.springframework.data.keyvalue.repository.query.PredicateQueryCreator;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisKeyValueAdapter;
import org.springframework.data.redis.core.RedisKeyValueTemplate;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.mapping.RedisMappingContext;
import org.springframework.data.redis.repository.support.RedisRepositoryFactory;

/**
 * The two repositories W14 compares on the same Redis server, each built as its Spring Data module's
 * {@code @Enable...Repositories} builds it.
 *
 * <pre>
 *   PikoDB on Redis      a PikoDB repository (pikodb-spring: PikoDBRepositoryFactory over a
 *                        PikoDBKeyValueTemplate, indexes required) on PikoDB's Redis engine; the entity's
 *                        three {@code @dev.pikodb.spring.data.Indexed} properties are PikoDB indexes
 *   SpringData Redis     a Spring Data Redis repository (RedisRepositoryFactory over a
 *                        RedisKeyValueTemplate and RedisKeyValueAdapter, Lettuce): a hash per entity,
 *                        and for each {@code @org.springframework.data.redis.core.index.Indexed}
 *                        value a set of ids, plus a set per entity listing its index sets
 * </pre>
 */
public final class RepositoryPeers {

    /** PikoDB's repository on Redis. */
    public static final String PIKODB_ON_REDIS = "PikoDB on Redis";
    /** Spring Data Redis's repository. */
    public static final String SPRING_DATA_REDIS = "SpringData Redis";
    /** The keyspace Spring Data Redis's notes live in ({@code @RedisHash} of {@link RedisNote}). */
    static final String REDIS_KEYSPACE = "w14notes";

    private static final Logger LOG = LoggerFactory.getLogger(RepositoryPeers.class);

    private RepositoryPeers() {
    }

    /**
     * PikoDB's repository, with what closing it takes.
     *
     * @param repository the repository
     * @param db the database under it
     */
    public record Piko(PikoNotes repository, PikoDB db) implements AutoCloseable {
        @Override
        public void close() {
            db.close();
        }
    }

    /**
     * Spring Data Redis's repository, with what closing it takes.
     *
     * @param repository the repository
     * @param adapter its adapter
     * @param factory its connection factory
     */
    public record SpringRedis(RedisNotes repository, RedisKeyValueAdapter adapter, LettuceConnectionFactory factory)
            implements AutoCloseable {
        @Override
        public void close() {
            try {
                adapter.destroy();
            } catch (Exception e) {
                LOG.debug("Closing the Spring Data Redis adapter failed", e);
            }
            factory.destroy();
        }
    }

    /**
     * Opens PikoDB's repository on a server.
     *
     * @param redis the server
     * @param keyPrefix the prefix of every key PikoDB writes
     * @return the repository, its indexes created
     */
    public static Piko pikodb(URI redis, String keyPrefix) {
        PikoDB db = new PikoDB(DatabaseOptions.builder()
                .storage(RedisStorage.builder().uri(redis.toString()).keyPrefix(keyPrefix).build())
                .build());
        db.start();
        try {
            KeyValueMappingContext<?, ?> mappingContext = new KeyValueMappingContext<>();
            PikoDBKeyValueTemplate template = new PikoDBKeyValueTemplate(new PikoDBKeyValueAdapter(db, mappingContext),
                    mappingContext);
            PikoNotes repository = new PikoDBRepositoryFactory(template, PredicateQueryCreator.class,
                    KeyValuePartTreeQuery.class, true).getRepository(PikoNotes.class);
            return new Piko(repository, db);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /**
     * Opens Spring Data Redis's repository on a server.
     *
     * @param redis the server
     * @return the repository
     */
    public static SpringRedis springDataRedis(URI redis) {
        LettuceConnectionFactory factory = connect(redis);
        try {
            RedisTemplate<byte[], byte[]> template = new RedisTemplate<>();
            template.setConnectionFactory(factory);
            template.afterPropertiesSet();
            RedisMappingContext mappingContext = new RedisMappingContext();
            RedisKeyValueAdapter adapter = new RedisKeyValueAdapter(template, mappingContext);
            adapter.afterPropertiesSet();
            RedisNotes repository = new RedisRepositoryFactory(new RedisKeyValueTemplate(adapter, mappingContext))
                    .getRepository(RedisNotes.class);
            return new SpringRedis(repository, adapter, factory);
        } catch (RuntimeException e) {
            factory.destroy();
            throw e;
        }
    }

    /**
     * Deletes every key matching a pattern, 10,000 at a time.
     *
     * @param redis the server
     * @param pattern a {@code KEYS} pattern, e.g. {@code w14notes*}
     */
    public static void deleteKeys(URI redis, String pattern) {
        LettuceConnectionFactory factory = connect(redis);
        try {
            StringRedisTemplate template = new StringRedisTemplate(factory);
            Set<String> keys = template.keys(pattern);
            List<String> all = keys == null ? List.of() : new ArrayList<>(keys);
            for (int from = 0; from < all.size(); from += 10_000) {
                template.delete(all.subList(from, Math.min(all.size(), from + 10_000)));
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not delete the keys {} from {}", pattern, redis, e);
        } finally {
            factory.destroy();
        }
    }

    private static LettuceConnectionFactory connect(URI redis) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(redis.getHost(), redis.getPort()));
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }
}
