package dev.pikodb.redis;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import dev.pikodb.redis.testing.RedisServers;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Opens started {@link PikoDB}s over Redis for one test and closes them all afterwards. */
final class Databases implements AutoCloseable {

    private final List<PikoDB> open = new ArrayList<>();

    /** A database over the shared server with its own fresh prefix. */
    PikoDB standalone(String name) {
        return open(RedisServers.standaloneStorage(name), options -> options);
    }

    /** A database over the shared server with a given prefix and clock. */
    PikoDB standalone(String prefix, Clock clock) {
        return open(RedisStorage.builder().uri(RedisServers.shared().uri()).keyPrefix(prefix),
                options -> clock == null ? options : options.clock(clock));
    }

    PikoDB open(RedisStorage.Builder storage, UnaryOperator<DatabaseOptions.Builder> options) {
        return open(storage, options, null);
    }

    /** A database whose listener is subscribed before it starts, so it hears every change read from the start. */
    PikoDB open(RedisStorage.Builder storage, UnaryOperator<DatabaseOptions.Builder> options,
            dev.pikodb.ChangeListener listener) {
        PikoDB db = new PikoDB(options.apply(DatabaseOptions.builder().storage(storage.build())).build());
        open.add(db);
        if (listener != null) {
            db.subscribe(listener);
        }
        db.start();
        return db;
    }

    @Override
    public void close() {
        open.forEach(PikoDB::close);
        open.clear();
    }
}
