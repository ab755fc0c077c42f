package dev.pikodb.spring.data;

import dev.pikodb.DatabaseRecord;
import dev.pikodb.PikoDB;
import dev.pikodb.Query;
import dev.pikodb.QueryResult;
import java.time.Clock;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.keyvalue.core.AbstractKeyValueAdapter;
import org.springframework.data.keyvalue.core.ForwardingCloseableIterator;
import org.springframework.data.keyvalue.core.mapping.KeyValuePersistentEntity;
import org.springframework.data.keyvalue.core.mapping.KeyValuePersistentProperty;
import org.springframework.data.keyvalue.core.query.KeyValueQuery;
import org.springframework.data.mapping.context.MappingContext;
import org.springframework.data.util.CloseableIterator;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Spring Data KeyValue adapter over PikoDB's public API, so it works over every storage engine.
 *
 * <p><b>Mapping.</b> A keyspace is a table ({@code @KeySpace} on the type, else the type's fully
 * qualified name); an id is a key (its string form); an entity is stored as the JSON PikoDB writes for
 * it, so it is readable through the plain {@code PikoDB} API as well; a value written without its id
 * (through the plain API, say) is read with the key as its id. Untyped reads (the ones Spring
 * Data's query engine makes) find the type of a keyspace in the mapping context.
 *
 * <p><b>Versions.</b> A {@code @Version} property (a {@code long}, {@code int} or their wrappers) is the
 * record's PikoDB version: it is set from the record on every read, every save of a versioned entity
 * is a {@code compareAndWrite} expecting the version the entity carries (0, "must not exist", for a new
 * one), a mismatch throws {@link OptimisticLockingFailureException}, and the saved entity carries the new
 * version.
 *
 * <p><b>Expiration.</b> See {@link Expires}. Every save is one atomic step, expiring or not: a
 * versioned save is a {@code compareAndWrite} that carries the entity's expiration (the version
 * advances by one), an insert of an entity that is not versioned is a {@code compareAndWrite}
 * expecting "must not exist", and an update of such an entity is a plain write.
 *
 * <p><b>Reads.</b> Reading a whole keyspace ({@code findAll}, and the queries of Spring Data KeyValue's
 * own query engine) is one pass over the table that yields each value with its version. Derived queries
 * of PikoDB repositories use {@link #find} and {@link #count} instead, answered from indexes.
 *
 * <p>{@link #clear()} and {@link #destroy()} do nothing: the data is persistent and Spring Data calls
 * them when the context shuts down. Delete a keyspace with {@link #deleteAllOf(String)}.
 */
public class PikoDBKeyValueAdapter extends AbstractKeyValueAdapter {

    private final PikoDB pikoDB;

    private final MappingContext<? extends KeyValuePersistentEntity<?, ?>, ? extends KeyValuePersistentProperty<?>> mappingContext;

    private final EntityConverter converter;

    private final Clock clock;

    /**
     * Creates an adapter that reads values with the store's configured mapper (or a default one) and
     * stamps expirations with the store's clock.
     *
     * @param pikoDB an open store
     * @param mappingContext the mapping context shared with the template and the repositories
     */
    public PikoDBKeyValueAdapter(PikoDB pikoDB,
            MappingContext<? extends KeyValuePersistentEntity<?, ?>, ? extends KeyValuePersistentProperty<?>> mappingContext) {
        this.pikoDB = pikoDB;
        this.mappingContext = mappingContext;
        JsonMapper configured = pikoDB.options().jsonMapper();
        this.converter = new EntityConverter(mappingContext,
                (configured != null) ? configured : JsonMapper.builder().build());
        this.clock = pikoDB.clock();
    }

    /**
     * The store this adapter works on.
     *
     * @return the store
     */
    public PikoDB getPikoDB() {
        return pikoDB;
    }

    /**
     * Saves an entity that must not exist yet, atomically.
     *
     * @param id the id
     * @param item the entity
     * @param keyspace the keyspace
     * @param <T> the entity type
     * @return the saved entity, carrying its new version when versioned
     * @throws OptimisticLockingFailureException when a versioned entity with the id exists
     * @throws DuplicateKeyException when an entity that is not versioned exists with the id
     */
    public <T> T insert(Object id, T item, String keyspace) {
        EntityMetadata entity = converter.metadata(item.getClass(), keyspace);
        String key = key(id);
        if (entity.isVersioned()) {
            return versionedWrite(entity, keyspace, key, item, 0);
        }
        if (!pikoDB.compareAndWrite(keyspace, key, 0, item, entity.expiration(item, clock.millis()))) {
            throw duplicate(keyspace, key);
        }
        return item;
    }

    /**
     * Saves an entity, checking its version when versioned.
     *
     * @param id the id
     * @param item the entity
     * @param keyspace the keyspace
     * @param <T> the entity type
     * @return the saved entity, carrying its new version when versioned
     * @throws OptimisticLockingFailureException when the stored version is not the entity's
     */
    public <T> T update(Object id, T item, String keyspace) {
        EntityMetadata entity = converter.metadata(item.getClass(), keyspace);
        String key = key(id);
        if (entity.isVersioned()) {
            return versionedWrite(entity, keyspace, key, item, entity.expectedVersion(item));
        }
        pikoDB.write(keyspace, key, item, entity.expiration(item, clock.millis()));
        return item;
    }

    /**
     * Saves an entity as {@link #update} does; a mutable versioned entity is given its new version.
     *
     * @return always {@code null}: the previous value is not read
     */
    @Override
    public Object put(Object id, Object item, String keyspace) {
        update(id, item, keyspace);
        return null;
    }

    private <T> T versionedWrite(EntityMetadata entity, String keyspace, String key, T item, long expected) {
        Object previousVersion = entity.versionOf(item);
        boolean written = false;
        try {
            T toStore = entity.withVersion(item, expected + 1);
            written = pikoDB.compareAndWrite(keyspace, key, expected, toStore,
                    entity.expiration(toStore, clock.millis()));
            if (!written) {
                throw staleVersion(keyspace, key, expected);
            }
            return toStore;
        }
        finally {
            if (!written && !Objects.equals(entity.versionOf(item), previousVersion)) {
                entity.accessor(item).setProperty(entity.entity().getRequiredVersionProperty(), previousVersion);
            }
        }
    }

    private OptimisticLockingFailureException staleVersion(String keyspace, String key, long expected) {
        Optional<DatabaseRecord> current = pikoDB.getRecord(keyspace, key);
        String actual = current.map((record) -> "is at version " + record.version()).orElse("does not exist");
        String message = (expected == 0)
                ? "Cannot insert '" + key + "' into table '" + keyspace + "': it already exists (" + actual
                        + "). Load it and save the loaded entity to update it."
                : "Cannot save '" + key + "' in table '" + keyspace + "' with version " + expected + ": the record "
                        + actual + ". Reload it and apply the change again.";
        return new OptimisticLockingFailureException(message);
    }

    private static DuplicateKeyException duplicate(String keyspace, String key) {
        return new DuplicateKeyException("Cannot insert '" + key + "' into table '" + keyspace
                + "': it already exists. Use update (or save an entity with this id) to overwrite it.");
    }

    @Override
    public boolean contains(Object id, String keyspace) {
        return pikoDB.getRecord(keyspace, key(id)).isPresent();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object get(Object id, String keyspace) {
        return get(id, keyspace, (Class<Object>) converter.typeOf(keyspace));
    }

    @Override
    public <T> T get(Object id, String keyspace, Class<T> type) {
        String key = key(id);
        return pikoDB.getRecord(keyspace, key).map((record) -> converter.read(key, record, keyspace, type)).orElse(null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object delete(Object id, String keyspace) {
        return delete(id, keyspace, (Class<Object>) converter.typeOf(keyspace));
    }

    @Override
    public <T> T delete(Object id, String keyspace, Class<T> type) {
        String key = key(id);
        T existing = get(key, keyspace, type);
        return (pikoDB.delete(keyspace, key)) ? existing : null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Iterable<Object> getAllOf(String keyspace) {
        return getAllOf(keyspace, (Class<Object>) converter.typeOf(keyspace));
    }

    @Override
    public <T> Iterable<T> getAllOf(String keyspace, Class<T> type) {
        List<T> values = new ArrayList<>();
        for (Map.Entry<Object, T> entry : readAll(keyspace, type)) {
            values.add(entry.getValue());
        }
        return values;
    }

    @Override
    @SuppressWarnings("unchecked")
    public CloseableIterator<Map.Entry<Object, Object>> entries(String keyspace) {
        return entries(keyspace, (Class<Object>) converter.typeOf(keyspace));
    }

    @Override
    public <T> CloseableIterator<Map.Entry<Object, T>> entries(String keyspace, Class<T> type) {
        Iterator<Map.Entry<Object, T>> iterator = readAll(keyspace, type).iterator();
        return new ForwardingCloseableIterator<>(iterator);
    }

    /**
     * Deletes every entity of a keyspace ({@code deleteAll()} of a repository): deletes the table, then
     * creates its indexes again, empty, so that the derived queries of the entity's {@code @Indexed}
     * properties keep being answered (a query in between fails, naming the missing index).
     *
     * @param keyspace the keyspace (table)
     */
    @Override
    public void deleteAllOf(String keyspace) {
        Map<String, String> indexes;
        try {
            indexes = pikoDB.listIndexes(keyspace);
        }
        catch (UnsupportedOperationException ex) {
            indexes = Map.of();
        }
        pikoDB.deleteTable(keyspace);
        // The entities' @Indexed properties still need their indexes: the repositories created them once.
        indexes.forEach((name, path) -> pikoDB.createIndex(keyspace, name, path));
    }

    /** Does nothing: the data is persistent, and Spring Data calls this when the context closes. */
    @Override
    public void clear() {
    }

    @Override
    public long count(String keyspace) {
        return pikoDB.getTableSize(keyspace);
    }

    /** Does nothing: the store belongs to the application, which closes it. */
    @Override
    public void destroy() {
    }

    /**
     * Runs a query of Spring Data KeyValue's template. One without criteria ({@code findAll} with a
     * {@code Sort} or a {@code Pageable}, {@code findInRange}) ordered by the id or by one indexed
     * property is answered from the index (a page reads the index entries before it and decodes only
     * its own records); any other reads the whole table, as Spring Data KeyValue does.
     */
    @Override
    public <T> Iterable<T> find(KeyValueQuery<?> query, String keyspace, Class<T> type) {
        Query indexed = (query.getCriteria() == null && type != Object.class)
                ? IndexOrdering.all(pikoDB, mappingContext.getRequiredPersistentEntity(ClassUtils.getUserClass(type)),
                        keyspace, query.getSort())
                : null;
        if (indexed == null) {
            return super.find(query, keyspace, type);
        }
        int skip = (int) Math.min(Math.max(query.getOffset(), 0), Integer.MAX_VALUE);
        if (query.getRows() > 0) {
            long end = (long) skip + query.getRows();
            indexed = indexed.limit((int) Math.min(end, Integer.MAX_VALUE));
        }
        return find(keyspace, indexed, type, skip).entities();
    }

    /**
     * Finds entities from the keyspace's indexes (see {@link Query}), never by reading the whole table.
     *
     * @param keyspace the keyspace
     * @param query the query, with its limit
     * @param type the entity type
     * @param skip how many of the found records to pass over without reading them into entities
     * @param <T> the entity type
     * @return the entities after the skipped ones, in the query's order, and the cursor of the next page
     */
    public <T> QueriedEntities<T> find(String keyspace, Query query, Class<T> type, int skip) {
        QueryResult result = pikoDB.find(keyspace, query);
        List<Map.Entry<String, DatabaseRecord>> records = result.records();
        List<String> keys = new ArrayList<>();
        List<T> entities = new ArrayList<>();
        for (Map.Entry<String, DatabaseRecord> entry : records.subList(Math.min(skip, records.size()), records.size())) {
            keys.add(entry.getKey());
            entities.add(converter.read(entry.getKey(), entry.getValue(), keyspace, type));
        }
        return new QueriedEntities<>(keys, entities, result.nextCursor().orElse(null));
    }

    /**
     * Counts the entities that match a query's conditions, from the keyspace's indexes.
     *
     * @param keyspace the keyspace
     * @param query the query
     * @return the number of matching entities
     */
    public long count(String keyspace, Query query) {
        return pikoDB.count(keyspace, query);
    }

    /**
     * The form a query parameter has in the stored JSON, as the entity's property is written: a
     * {@link String}, {@link Number} or {@link Boolean} ({@code Status.OPEN} is {@code "OPEN"}).
     *
     * @param value a query parameter
     * @return its stored form
     * @throws IllegalArgumentException when it is stored as an object, an array or null
     */
    public Object toStoredForm(Object value) {
        return converter.toStoredForm(value);
    }

    private <T> List<Map.Entry<Object, T>> readAll(String keyspace, Class<T> type) {
        List<Map.Entry<Object, T>> result = new ArrayList<>();
        for (Map.Entry<String, DatabaseRecord> entry : pikoDB.getRecords(keyspace)) {
            result.add(new AbstractMap.SimpleImmutableEntry<>(entry.getKey(), converter.read(entry.getKey(), entry.getValue(), keyspace, type)));
        }
        return result;
    }

    private static String key(Object id) {
        if (id instanceof String string) {
            return string;
        }
        return DefaultConversionService.getSharedInstance().convert(id, String.class);
    }
}
