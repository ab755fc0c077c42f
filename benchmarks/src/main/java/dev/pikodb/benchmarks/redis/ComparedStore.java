package dev.pikodb.benchmarks.redis;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import dev.pikodb.benchmarks.Profiles;
import dev.pikodb.benchmarks.UserProfile;
import dev.pikodb.redis.RedisStorage;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.HashOperations;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * One store measured by {@link RedisComparisonMain}: a table of {@link UserProfile}s written as JSON, read
 * back by key and as a whole.
 */
interface ComparedStore extends AutoCloseable {

    /** The name printed in the table. */
    String name();

    /** Writes one profile under a key of table {@code table}. */
    void write(String table, String key, UserProfile profile);

    /** Reads one profile back, decoded. */
    UserProfile read(String table, String key);

    /** Reads every record of a table, decoded; returns how many there were. */
    int readAll(String table);

    @Override
    void close();

    /** PikoDB over a Redis server or over a directory. */
    final class PikoDBStore implements ComparedStore {
        private final String name;
        private final PikoDB db;

        private PikoDBStore(String name, DatabaseOptions options) {
            this.name = name;
            this.db = new PikoDB(options);
            this.db.start();
        }

        static PikoDBStore onRedis(String uri, String prefix) {
            return new PikoDBStore("PikoDB on Redis", DatabaseOptions.builder()
                .storage(RedisStorage.builder().uri(uri).keyPrefix(prefix).build()).build());
        }

        /**
         * PikoDB over a Redis server with a change stream ({@code changeStream(10_000)}), and a listener
         * that counts what it receives, so that the reader's work is part of the figures.
         */
        static PikoDBStore onRedisWithChangeStream(String uri, String prefix) {
            PikoDBStore store = new PikoDBStore("PikoDB on Redis, change stream", DatabaseOptions.builder()
                .storage(RedisStorage.builder().uri(uri).keyPrefix(prefix).changeStream(10_000).build()).build());
            store.db.subscribe(event -> store.received.incrementAndGet());
            return store;
        }

        /** How many change events this store's listener received. */
        private final java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();

        long received() {
            return received.get();
        }

        static PikoDBStore inDirectory(Path directory) {
            return new PikoDBStore("PikoDB embedded (directory)", DatabaseOptions.builder()
                .databaseDirectory(directory).build());
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void write(String table, String key, UserProfile profile) {
            db.write(table, key, profile);
        }

        @Override
        public UserProfile read(String table, String key) {
            return db.get(table, key, UserProfile.class);
        }

        @Override
        public int readAll(String table) {
            return db.get(table).size();
        }

        @Override
        public void close() {
            db.close();
        }
    }

    /**
     * Spring Data Redis's {@link StringRedisTemplate}: a table is one hash (as PikoDB's is), a record its
     * JSON as the field value, written with {@code HSET}, read with {@code HGET} and {@code HGETALL}.
     * No versions, no expiry checks: the plain baseline.
     */
    final class TemplateStore implements ComparedStore {
        private final LettuceConnectionFactory factory;
        private final HashOperations<String, String, String> hashes;
        private final String prefix;

        TemplateStore(String host, int port, String prefix) {
            this.factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(host, port));
            this.factory.afterPropertiesSet();
            this.factory.start();
            StringRedisTemplate template = new StringRedisTemplate(factory);
            this.hashes = template.opsForHash();
            this.prefix = prefix;
        }

        @Override
        public String name() {
            return "StringRedisTemplate";
        }

        @Override
        public void write(String table, String key, UserProfile profile) {
            hashes.put(prefix + ":" + table, key, Profiles.MAPPER.writeValueAsString(profile));
        }

        @Override
        public UserProfile read(String table, String key) {
            String json = hashes.get(prefix + ":" + table, key);
            return json == null ? null : Profiles.MAPPER.readValue(json, UserProfile.class);
        }

        @Override
        public int readAll(String table) {
            Map<String, String> entries = hashes.entries(prefix + ":" + table);
            int count = 0;
            for (String json : entries.values()) {
                if (Profiles.MAPPER.readValue(json, Object.class) != null) {
                    count++;
                }
            }
            return count;
        }

        @Override
        public void close() {
            factory.destroy();
        }
    }
}
