package dev.pikodb.autoconfigure;

import dev.pikodb.DatabaseOptions;
import dev.pikodb.Dictionary;
import dev.pikodb.PikoDB;
import dev.pikodb.PikoDBException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and starts the {@link PikoDB} described by {@link PikoDBProperties}, turning every
 * configuration problem into a {@link PikoDBConfigurationException} that names the property.
 */
final class PikoDBFactory {

    private static final Logger logger = LoggerFactory.getLogger(PikoDBFactory.class);

    static final String DIRECTORY_PROPERTY = "pikodb.database-directory";

    static final String STORAGE_PROPERTY = "pikodb.storage";

    static final String MAX_OPEN_JOURNALS_PROPERTY = "pikodb.max-open-journals";

    static final String EVENT_QUEUE_CAPACITY_PROPERTY = "pikodb.events.queue-capacity";

    private PikoDBFactory() {
    }

    /**
     * Builds the options from the properties, then applies the customizers in order.
     */
    static DatabaseOptions options(PikoDBProperties properties, Stream<PikoDBOptionsCustomizer> customizers) {
        Path directory = properties.getDatabaseDirectory();
        if (directory == null) {
            throw new PikoDBConfigurationException(DIRECTORY_PROPERTY, null,
                    "no database directory is set, and PikoDB has no default: a relative default would land"
                            + " wherever the JVM was started, which in a container is a layer lost on restart",
                    "Set " + DIRECTORY_PROPERTY + " to a directory on persistent storage, for example"
                            + " /var/lib/<your-app>/pikodb (or the environment variable PIKODB_DATABASE_DIRECTORY)."
                            + " To keep the data in Redis instead, set " + STORAGE_PROPERTY + "=redis; to define your own"
                            + " PikoDB bean, set pikodb.enabled=false.",
                    null);
        }
        DatabaseOptions.Builder builder = DatabaseOptions.builder().databaseDirectory(directory);
        Integer maxOpenJournals = properties.getMaxOpenJournals();
        if (maxOpenJournals != null) {
            try {
                builder.maxOpenJournals(maxOpenJournals);
            }
            catch (IllegalArgumentException ex) {
                throw new PikoDBConfigurationException(MAX_OPEN_JOURNALS_PROPERTY, maxOpenJournals, ex.getMessage(),
                        "Set " + MAX_OPEN_JOURNALS_PROPERTY + " to at least 1, well below the process's open file"
                                + " limit, or remove it for the default.",
                        ex);
            }
        }
        return finish(builder, properties, customizers);
    }

    /**
     * Builds the options of a store over another storage engine (Redis): everything but the directory,
     * which must not be set.
     */
    static DatabaseOptions options(PikoDBProperties properties, dev.pikodb.spi.StorageEngine engine,
            Stream<PikoDBOptionsCustomizer> customizers) {
        Path directory = properties.getDatabaseDirectory();
        if (directory != null) {
            throw new PikoDBConfigurationException(DIRECTORY_PROPERTY, directory,
                    "it is set together with " + STORAGE_PROPERTY + "=" + properties.getStorage().name().toLowerCase(
                            java.util.Locale.ROOT) + ", which keeps the data in " + engine.describe()
                            + ", not in a directory",
                    "Remove " + DIRECTORY_PROPERTY + " to use " + STORAGE_PROPERTY + "="
                            + properties.getStorage().name().toLowerCase(java.util.Locale.ROOT) + ", or set "
                            + STORAGE_PROPERTY + "=directory (the default) to keep the data in that directory.",
                    null);
        }
        return finish(DatabaseOptions.builder().storage(engine), properties, customizers);
    }

    private static DatabaseOptions finish(DatabaseOptions.Builder builder, PikoDBProperties properties,
            Stream<PikoDBOptionsCustomizer> customizers) {
        builder.durableWrites(properties.isDurableWrites());
        Integer queueCapacity = properties.getEvents().getQueueCapacity();
        if (queueCapacity != null) {
            try {
                builder.changeEventQueueCapacity(queueCapacity);
            }
            catch (IllegalArgumentException ex) {
                throw new PikoDBConfigurationException(EVENT_QUEUE_CAPACITY_PROPERTY, queueCapacity, ex.getMessage(),
                        "Set " + EVENT_QUEUE_CAPACITY_PROPERTY + " to at least 1, or remove it for the default"
                                + " (100000).",
                        ex);
            }
        }
        properties.getDictionaries().forEach((name, dictionary) -> builder.dictionary(name, dictionary(name, dictionary)));
        customizers.forEach((customizer) -> customizer.customize(builder));
        return builder.build();
    }

    /**
     * Creates and starts a store over another storage engine (Redis), whose connection problems are
     * reported against {@code property} (the settings that say where the server is).
     */
    static PikoDB createAndStart(DatabaseOptions options, String property, String action) {
        PikoDB pikoDB = new PikoDB(options);
        try {
            pikoDB.start();
        }
        catch (PikoDBException ex) {
            pikoDB.close();
            throw new PikoDBConfigurationException(property, options.storage().describe(),
                    "the database could not be opened: " + ex.getMessage(), action, ex);
        }
        if (logger.isInfoEnabled()) {
            logger.info("PikoDB started over {} ({} tables, durable writes {})", pikoDB.storageDescription(),
                    pikoDB.listTables().size(), options.durableWrites() ? "on" : "off");
        }
        return pikoDB;
    }

    /**
     * Checks the directory of the options, then creates and starts the store.
     */
    static PikoDB createAndStart(DatabaseOptions options) {
        Path directory = options.databaseDirectory();
        checkDirectory(directory);
        PikoDB pikoDB;
        try {
            pikoDB = new PikoDB(options);
        }
        catch (PikoDBException ex) {
            throw directoryFailure(directory, ex.getMessage(), ex);
        }
        try {
            pikoDB.start();
        }
        catch (PikoDBException ex) {
            pikoDB.close();
            throw new PikoDBConfigurationException(DIRECTORY_PROPERTY, directory.toAbsolutePath(),
                    "the database could not be opened: " + ex.getMessage(),
                    "Make sure no other application or PikoDB instance uses this directory and that its files are"
                            + " readable, or set " + DIRECTORY_PROPERTY + " to another directory.",
                    ex);
        }
        if (logger.isInfoEnabled()) {
            logger.info("PikoDB started over {} ({} tables, durable writes {})", directory.toAbsolutePath(),
                    pikoDB.listTables().size(), options.durableWrites() ? "on" : "off");
        }
        return pikoDB;
    }

    static Dictionary dictionary(String name, PikoDBProperties.DictionaryProperties properties) {
        String property = "pikodb.dictionaries." + name;
        Map<String, String> deflate = (properties != null) ? properties.getDeflate() : null;
        Map<String, String> inflate = (properties != null) ? properties.getInflate() : null;
        boolean hasDeflate = deflate != null && !deflate.isEmpty();
        boolean hasInflate = inflate != null && !inflate.isEmpty();
        String value = "deflate=" + deflate + ", inflate=" + inflate;
        if (hasDeflate && hasInflate) {
            throw new PikoDBConfigurationException(property, value,
                    "dictionary '" + name + "' has both a 'deflate' and an 'inflate' mapping",
                    "Give exactly one of " + property + ".deflate (long key to short key) or " + property
                            + ".inflate (short key to long key); the other direction is derived.",
                    null);
        }
        if (!hasDeflate && !hasInflate) {
            throw new PikoDBConfigurationException(property, value,
                    "dictionary '" + name + "' has neither a 'deflate' nor an 'inflate' mapping",
                    "Give exactly one of " + property + ".deflate (long key to short key), for example "
                            + property + ".deflate.temperature=t, or " + property
                            + ".inflate (short key to long key).",
                    null);
        }
        try {
            return hasDeflate ? Dictionary.deflate(deflate) : Dictionary.inflate(inflate);
        }
        catch (IllegalArgumentException ex) {
            String mappingProperty = property + (hasDeflate ? ".deflate" : ".inflate");
            throw new PikoDBConfigurationException(mappingProperty, hasDeflate ? deflate : inflate, ex.getMessage(),
                    "Fix the mapping of " + mappingProperty
                            + ": every key and value must be a non-empty string and no two keys may map to the same value.",
                    ex);
        }
    }

    private static void checkDirectory(Path directory) {
        Path absolute = directory.toAbsolutePath();
        for (Path path = absolute; path != null; path = path.getParent()) {
            if (Files.exists(path) && !Files.isDirectory(path)) {
                String what = path.equals(absolute) ? "the path " + absolute
                        : "the path " + path + " (a parent of " + absolute + ")";
                throw new PikoDBConfigurationException(DIRECTORY_PROPERTY, absolute,
                        what + " exists but is a regular file, not a directory",
                        "Set " + DIRECTORY_PROPERTY + " to a directory, or to a path that does not exist yet (it is"
                                + " created); PikoDB never deletes or replaces the existing file " + path + ".",
                        null);
            }
        }
        try {
            Files.createDirectories(directory);
        }
        catch (IOException ex) {
            throw directoryFailure(directory, "the directory cannot be created (" + ex + ")", ex);
        }
        if (!Files.isWritable(directory)) {
            throw directoryFailure(directory, "the directory is not writable", null);
        }
        try {
            Path probe = Files.createTempFile(directory, ".write-probe-", ".tmp");
            Files.delete(probe);
        }
        catch (IOException ex) {
            throw directoryFailure(directory, "a file cannot be created in the directory (" + ex + ")", ex);
        }
    }

    private static PikoDBConfigurationException directoryFailure(Path directory, String reason, Throwable cause) {
        return new PikoDBConfigurationException(DIRECTORY_PROPERTY, directory.toAbsolutePath(), reason,
                "Set " + DIRECTORY_PROPERTY + " to a directory the application can create and write to,"
                        + " or fix the permissions of " + directory.toAbsolutePath() + ".",
                cause);
    }
}
