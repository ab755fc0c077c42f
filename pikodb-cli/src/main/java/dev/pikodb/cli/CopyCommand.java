package dev.pikodb.cli;

import dev.pikodb.CopySummary;
import dev.pikodb.PikoDB;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pikodb copy --to-...}: copies every table, record, version, timestamp, expiration,
 * dictionary and index definition into another database, e.g. from a directory to Redis. Refuses
 * target tables that already hold records before copying anything.
 */
@Command(name = "copy", description = "Copy every table into another database (any engine), keeping versions,"
        + " timestamps, expirations, dictionaries and index definitions")
final class CopyCommand extends DatabaseCommand {

    /** The target: exactly one. */
    static final class To {
        @Option(names = "--to-directory", paramLabel = "DIR", required = true, description = "A directory database")
        Path directory;

        @Option(names = "--to-redis", paramLabel = "URI", required = true, description = "A Redis server")
        String redis;

        @Option(names = "--to-cluster", paramLabel = "URI", split = ",", required = true,
                description = "Seed nodes of a Redis Cluster")
        List<String> cluster;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    To to;

    @Option(names = "--to-prefix", paramLabel = "PREFIX", defaultValue = "pikodb",
            description = "The key prefix on the target Redis (default: ${DEFAULT-VALUE})")
    String toPrefix;

    @Override
    public Integer call() {
        Source.Where where = new Source.Where();
        where.directory = to.directory;
        where.redis = to.redis;
        where.cluster = to.cluster;
        try (PikoDB source = open(false); PikoDB target = Source.open(where, toPrefix, true)) {
            Progress progress = Progress.on(err(), "copy");
            CopySummary summary = source.copyTo(target, progress);
            progress.done(summary.records(), summary.bytes());
            out().printf("copied %d tables, %,d records to %s%n", summary.tables(), summary.records(),
                    target.storageDescription());
        }
        return 0;
    }
}
