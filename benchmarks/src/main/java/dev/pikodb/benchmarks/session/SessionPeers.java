package dev.pikodb.benchmarks.session;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import dev.pikodb.benchmarks.Profiles;
import dev.pikodb.redis.RedisStorage;
import dev.pikodb.spring.session.PikoDBSessionRepository;
import java.net.URI;
import java.nio.file.Path;
import org.h2.jdbcx.JdbcConnectionPool;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;
import org.springframework.session.data.redis.RedisSessionRepository;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The session stores W16 and W17 compare, each set up as its Spring configuration sets it up.
 *
 * <pre>
 * Embedded (one JVM, files on the local disk):
 *   PikoDB                         PikoDBSessionRepository over PikoDB's directory engine, default mode
 *                                  (an acknowledged save survives kill -9)
 *   Spring Session JDBC, H2        JdbcIndexedSessionRepository over an H2 file database with the schema
 *                                  spring-session-jdbc ships (schema-h2.sql), H2's defaults; transactions
 *                                  REQUIRES_NEW as JdbcHttpSessionConfiguration makes them
 *
 * On Redis (the same redis-server for all):
 *   PikoDB on Redis                PikoDBSessionRepository over PikoDB's Redis engine
 *   Spring Session Redis           RedisSessionRepository (@EnableRedisHttpSession): one hash per session
 *   Spring Session Redis indexed   RedisIndexedSessionRepository (@EnableRedisIndexedHttpSession): the
 *                                  hash, plus a principal index set and an expiration sorted set, which is
 *                                  what findByPrincipalName needs, as PikoDB's index does
 *   Both Spring Session stores use a RedisTemplate with string keys and hash keys and JDK serialisation
 *   of values, as their configurations build it.
 * </pre>
 */
public final class SessionPeers {

    /** PikoDB on Redis. */
    public static final String PIKODB_ON_REDIS = "PikoDB on Redis";
    /** RedisSessionRepository. */
    public static final String REDIS = "SpringSession Redis";
    /** RedisIndexedSessionRepository. */
    public static final String REDIS_INDEXED = "SpringSession Redis idx";
    /** JdbcIndexedSessionRepository on H2 with its defaults. */
    public static final String JDBC_H2 = "SpringSession JDBC H2";

    private SessionPeers() {
    }

    /**
     * PikoDB's session repository over a directory.
     *
     * @param label the label in the report
     * @param directory the database directory
     * @return the store
     */
    public static SessionPeer<?> pikodb(String label, Path directory) {
        PikoDB db = Profiles.startPikoDB(directory, false);
        PikoDBSessionRepository repository = new PikoDBSessionRepository(db);
        return new SessionPeer<>(label, repository, () -> {
            repository.destroy();
            db.close();
        });
    }

    /**
     * PikoDB's session repository over a Redis server.
     *
     * @param redis the server
     * @param keyPrefix the prefix of every key PikoDB writes
     * @return the store
     */
    public static SessionPeer<?> pikodbOnRedis(URI redis, String keyPrefix) {
        PikoDB db = new PikoDB(DatabaseOptions.builder()
                .storage(RedisStorage.builder().uri(redis.toString()).keyPrefix(keyPrefix).build())
                .build());
        db.start();
        PikoDBSessionRepository repository = new PikoDBSessionRepository(db);
        return new SessionPeer<>(PIKODB_ON_REDIS, repository, () -> {
            repository.destroy();
            db.close();
        });
    }

    /**
     * Spring Session JDBC on an H2 file database.
     *
     * @param directory where H2 keeps its file
     * @return the store
     */
    public static SessionPeer<?> jdbcOnH2(Path directory) {
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:file:" + directory.resolve("sessions").toAbsolutePath(),
                "sa", "");
        try {
            new ResourceDatabasePopulator(new ClassPathResource("org/springframework/session/jdbc/schema-h2.sql"))
                    .execute(pool);
            TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(pool));
            transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
            JdbcIndexedSessionRepository repository = new JdbcIndexedSessionRepository(new JdbcTemplate(pool),
                    transactions);
            repository.afterPropertiesSet();
            return new SessionPeer<>(JDBC_H2, repository, () -> {
                repository.destroy();
                pool.dispose();
            });
        } catch (RuntimeException e) {
            pool.dispose();
            throw e;
        }
    }

    /**
     * Spring Session Data Redis, {@link RedisSessionRepository} or {@link RedisIndexedSessionRepository}.
     *
     * @param redis the server
     * @param namespace the key namespace of the sessions
     * @param indexed whether the principal-indexed repository is meant
     * @return the store
     */
    public static SessionPeer<?> springRedis(URI redis, String namespace, boolean indexed) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(redis.getHost(), redis.getPort()));
        factory.afterPropertiesSet();
        factory.start();
        try {
            RedisTemplate<String, Object> template = new RedisTemplate<>();
            template.setConnectionFactory(factory);
            template.setKeySerializer(RedisSerializer.string());
            template.setHashKeySerializer(RedisSerializer.string());
            template.afterPropertiesSet();
            if (indexed) {
                RedisIndexedSessionRepository repository = new RedisIndexedSessionRepository(template);
                repository.setRedisKeyNamespace(namespace);
                repository.afterPropertiesSet();
                return new SessionPeer<>(REDIS_INDEXED, repository, () -> {
                    repository.destroy();
                    factory.destroy();
                });
            }
            RedisSessionRepository repository = new RedisSessionRepository(template);
            repository.setRedisKeyNamespace(namespace);
            return new SessionPeer<>(REDIS, repository, factory::destroy);
        } catch (RuntimeException e) {
            factory.destroy();
            throw e;
        }
    }
}
