package dev.pikodb.cli;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.PikoDB;
import dev.pikodb.redis.RedisStorage;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Where the database is: a directory, a Redis server or a Redis Cluster. Given before or after the
 * command's name ({@code pikodb -d data tables} or {@code pikodb tables -d data}); after it wins.
 */
public final class Source {

    /** Exactly one of the three. */
    static final class Where {
        @Option(names = {"-d", "--directory"}, paramLabel = "DIR",
                description = "The database directory")
        Path directory;

        @Option(names = "--redis", paramLabel = "URI",
                description = "A Redis server: redis://[user:password@]host:port[/database] or rediss://...")
        String redis;

        @Option(names = "--cluster", paramLabel = "URI", split = ",",
                description = "Seed nodes of a Redis Cluster, comma-separated")
        List<String> cluster;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Where where;

    @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = "pikodb",
            description = "The key prefix on Redis (default: ${DEFAULT-VALUE})")
    String prefix;

    /** The directory, or {@code null} on Redis. */
    Path directory() {
        return where == null ? null : where.directory;
    }

    /**
     * Opens and starts the database.
     *
     * @param writable false to open a directory read-only (nothing in it changes)
     * @return the started database
     * @throws IllegalArgumentException when no location was given
     */
    PikoDB open(boolean writable) {
        return open(where, prefix, writable);
    }

    /** This location when one was given here, else {@code fallback}. */
    Source or(Source fallback) {
        return where != null || fallback == null ? this : fallback;
    }

    static PikoDB open(Where where, String prefix, boolean writable) {
        if (where == null || where.directory == null && where.redis == null && where.cluster == null) {
            throw new IllegalArgumentException("Give the database: -d DIR, --redis URI or --cluster URI[,URI...]");
        }
        DatabaseOptions.Builder options = DatabaseOptions.builder();
        if (where.directory != null) {
            options.databaseDirectory(where.directory).readOnly(!writable);
        } else if (where.redis != null) {
            options.storage(RedisStorage.builder().uri(where.redis).keyPrefix(prefix).build());
        } else {
            options.storage(RedisStorage.builder().clusterNodes(where.cluster).keyPrefix(prefix).build());
        }
        PikoDB db = new PikoDB(options.build());
        try {
            db.start();
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }
}
