package dev.pikodb.spring.data.repository.query;

import dev.pikodb.PikoDB;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.keyvalue.core.mapping.KeyValuePersistentEntity;
import org.springframework.data.keyvalue.core.mapping.KeyValuePersistentProperty;
import org.springframework.data.mapping.context.MappingContext;

/**
 * The indexes of the entities' tables: creates, once per entity type, the indexes its
 * {@link dev.pikodb.spring.data.Indexed} properties declare ({@link PikoDB#createIndex} indexes the
 * records already stored and does nothing for an index that exists), and tells which paths the table
 * has indexes on.
 */
public final class IndexedTables {

    private static final Logger logger = LoggerFactory.getLogger(IndexedTables.class);

    private final PikoDB pikoDB;

    private final MappingContext<? extends KeyValuePersistentEntity<?, ?>, ? extends KeyValuePersistentProperty<?>> mappingContext;

    private final boolean requireIndexes;

    private final Map<Class<?>, IndexedTable> tables = new ConcurrentHashMap<>();

    /**
     * Creates the registry.
     *
     * @param pikoDB the store
     * @param mappingContext the mapping context of the entities
     * @param requireIndexes true to fail when the storage engine cannot create declared indexes
     */
    public IndexedTables(PikoDB pikoDB,
            MappingContext<? extends KeyValuePersistentEntity<?, ?>, ? extends KeyValuePersistentProperty<?>> mappingContext,
            boolean requireIndexes) {
        this.pikoDB = pikoDB;
        this.mappingContext = mappingContext;
        this.requireIndexes = requireIndexes;
    }

    /**
     * Creates the indexes the {@code @Indexed} properties of a type declare, the first time only.
     *
     * @param domainType the entity type
     * @return its table and the paths the table has indexes on
     * @throws IllegalStateException when the storage engine has no indexes and {@code requireIndexes} is set
     */
    public IndexedTable ensure(Class<?> domainType) {
        return tables.computeIfAbsent(domainType, this::create);
    }

    private IndexedTable create(Class<?> type) {
        String table = mappingContext.getRequiredPersistentEntity(type).getKeySpace();
        Map<String, String> declared = IndexedProperties.declared(mappingContext, type);
        try {
            declared.forEach((name, path) -> {
                logger.debug("Index '{}' on {} of table '{}' for {}", name, path, table, type.getName());
                pikoDB.createIndex(table, name, path);
            });
            return new IndexedTable(table, Set.copyOf(pikoDB.listIndexes(table).values()));
        }
        catch (UnsupportedOperationException ex) {
            if (!declared.isEmpty()) {
                String message = "Cannot create the indexes " + declared + " that the @Indexed properties of "
                        + type.getName() + " declare on table '" + table + "': " + ex.getMessage();
                if (requireIndexes) {
                    throw new IllegalStateException(message, ex);
                }
                logger.warn(message);
            }
            return new IndexedTable(table, null);
        }
    }

    /**
     * A table and the paths it has indexes on.
     *
     * @param name the table
     * @param indexedPaths the JSON Pointers with an index, or null when its storage engine has no indexes
     */
    public record IndexedTable(String name, Collection<String> indexedPaths) {
    }
}
