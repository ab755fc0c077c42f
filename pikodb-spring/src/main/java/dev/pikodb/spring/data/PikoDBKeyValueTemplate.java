package dev.pikodb.spring.data;

import dev.pikodb.spring.observation.PikoDBObservations;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.keyvalue.core.KeyValueCallback;
import org.springframework.data.keyvalue.core.KeyValueTemplate;
import org.springframework.data.keyvalue.core.event.KeyValueEvent;
import org.springframework.data.keyvalue.core.mapping.KeyValuePersistentEntity;
import org.springframework.data.keyvalue.core.mapping.KeyValuePersistentProperty;
import org.springframework.data.keyvalue.core.query.KeyValueQuery;
import org.springframework.data.domain.Sort;
import org.springframework.data.mapping.context.MappingContext;
import org.springframework.util.ClassUtils;

/**
 * A {@link KeyValueTemplate} over a {@link PikoDBKeyValueAdapter}: inserts are atomic
 * ("must not exist"), saves of {@code @Version}ed entities are version-checked and return the entity
 * carrying its new version, failures are translated by {@link PikoDBExceptionTranslator}, and closing
 * the context leaves the data in place.
 *
 * <p><b>Observations.</b> When the store is observed with {@link PikoDBObservations}, every operation
 * of the template (so every repository call) is an observation ({@code pikodb.repository.operation},
 * e.g. the span {@code pikodb repository insert}) holding its store operations; an operation the
 * template makes from within another (a save that inserts) is not observed again.
 */
public class PikoDBKeyValueTemplate extends KeyValueTemplate {

    private final PikoDBKeyValueAdapter adapter;

    private final MappingContext<? extends KeyValuePersistentEntity<?, ?>, ? extends KeyValuePersistentProperty<?>> mappingContext;

    private ApplicationEventPublisher eventPublisher;

    private boolean publishEvents = true;

    private final PikoDBObservations observations;

    @SuppressWarnings("rawtypes")
    private Set<Class<? extends KeyValueEvent>> eventTypesToPublish = Collections.emptySet();

    /**
     * Creates a template.
     *
     * @param adapter the adapter
     * @param mappingContext the mapping context shared with the adapter and the repositories
     */
    public PikoDBKeyValueTemplate(PikoDBKeyValueAdapter adapter,
            MappingContext<? extends KeyValuePersistentEntity<?, ?>, ? extends KeyValuePersistentProperty<?>> mappingContext) {
        super(adapter, mappingContext);
        this.adapter = adapter;
        this.mappingContext = mappingContext;
        this.observations = PikoDBObservations.of(adapter.getPikoDB());
        setExceptionTranslator(new PikoDBExceptionTranslator());
    }

    @Override
    public void setApplicationEventPublisher(ApplicationEventPublisher applicationEventPublisher) {
        super.setApplicationEventPublisher(applicationEventPublisher);
        this.eventPublisher = applicationEventPublisher;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void setEventTypesToPublish(Set<Class<? extends KeyValueEvent>> eventTypesToPublish) {
        super.setEventTypesToPublish(eventTypesToPublish);
        this.publishEvents = eventTypesToPublish != null && !eventTypesToPublish.isEmpty();
        this.eventTypesToPublish = publishEvents ? Set.copyOf(eventTypesToPublish) : Collections.emptySet();
    }

    @Override
    public <T> T insert(T objectToInsert) {
        return observe("insert", objectToInsert, () -> super.insert(objectToInsert));
    }

    @Override
    public <T> T insert(Object id, T objectToInsert) {
        return observe("insert", objectToInsert, () -> doInsert(id, objectToInsert));
    }

    private <T> T doInsert(Object id, T objectToInsert) {
        String keyspace = keyspace(objectToInsert);
        Class<?> type = ClassUtils.getUserClass(objectToInsert);
        publish(KeyValueEvent.beforeInsert(id, keyspace, type, objectToInsert));
        T saved = execute((ignored) -> adapter.insert(id, objectToInsert, keyspace));
        publish(KeyValueEvent.afterInsert(id, keyspace, type, saved));
        return saved;
    }

    @Override
    public <T> T update(T objectToUpdate) {
        return observe("update", objectToUpdate, () -> super.update(objectToUpdate));
    }

    @Override
    public <T> T update(Object id, T objectToUpdate) {
        return observe("update", objectToUpdate, () -> doUpdate(id, objectToUpdate));
    }

    private <T> T doUpdate(Object id, T objectToUpdate) {
        String keyspace = keyspace(objectToUpdate);
        Class<?> type = ClassUtils.getUserClass(objectToUpdate);
        publish(KeyValueEvent.beforeUpdate(id, keyspace, type, objectToUpdate));
        T saved = execute((ignored) -> adapter.update(id, objectToUpdate, keyspace));
        publish(KeyValueEvent.afterUpdate(id, keyspace, type, saved, null));
        return saved;
    }

    /**
     * The adapter this template works through.
     *
     * @return the adapter
     */
    public PikoDBKeyValueAdapter getPikoDBAdapter() {
        return adapter;
    }

    @Override
    public <T> Optional<T> findById(Object id, Class<T> type) {
        return observe("find-by-id", type, () -> super.findById(id, type));
    }

    @Override
    public <T> Iterable<T> findAll(Class<T> type) {
        return observe("find-all", type, () -> super.findAll(type));
    }

    @Override
    public <T> Iterable<T> findAll(Sort sort, Class<T> type) {
        return observe("find-all", type, () -> super.findAll(sort, type));
    }

    @Override
    public <T> Iterable<T> find(KeyValueQuery<?> query, Class<T> type) {
        return observe("find", type, () -> super.find(query, type));
    }

    @Override
    public <T> Iterable<T> findInRange(long offset, int rows, Class<T> type) {
        return observe("find", type, () -> super.findInRange(offset, rows, type));
    }

    @Override
    public <T> Iterable<T> findInRange(long offset, int rows, Sort sort, Class<T> type) {
        return observe("find", type, () -> super.findInRange(offset, rows, sort, type));
    }

    @Override
    public long count(Class<?> type) {
        return observe("count", type, () -> super.count(type));
    }

    @Override
    public long count(KeyValueQuery<?> query, Class<?> type) {
        return observe("count", type, () -> super.count(query, type));
    }

    @Override
    public boolean exists(KeyValueQuery<?> query, Class<?> type) {
        return observe("exists", type, () -> super.exists(query, type));
    }

    @Override
    public void delete(Class<?> type) {
        observe("delete-all", type, () -> {
            super.delete(type);
            return null;
        });
    }

    @Override
    public <T> T delete(T objectToDelete) {
        return observe("delete", objectToDelete, () -> super.delete(objectToDelete));
    }

    @Override
    public <T> T delete(Object id, Class<T> type) {
        return observe("delete", type, () -> super.delete(id, type));
    }

    /** Leaves the data in place: it is persistent. */
    @Override
    public void destroy() {
    }

    private String keyspace(Object object) {
        return mappingContext.getRequiredPersistentEntity(ClassUtils.getUserClass(object)).getKeySpace();
    }

    /** Runs a call as an observation of the keyspace of a type or of an entity, when the store is observed. */
    /**
     * Runs a query answered from indexes (a derived query or Query by Example of a repository) as one
     * operation of the template: observed as its own operations are, failures translated.
     *
     * @param operation the operation's name, e.g. {@code find}
     * @param type the entity type
     * @param action the query
     * @param <T> the result type
     * @return the result
     */
    public <T> T executeIndexed(String operation, Class<?> type, KeyValueCallback<T> action) {
        return observe(operation, type, () -> execute(action));
    }

    private <T> T observe(String operation, Object typeOrEntity, Supplier<T> call) {
        if (observations == null) {
            return call.get();
        }
        return observations.observeRepository(operation, observedKeyspace(typeOrEntity), call);
    }

    private String observedKeyspace(Object typeOrEntity) {
        if (typeOrEntity == null) {
            return null;
        }
        Class<?> type = (typeOrEntity instanceof Class<?> given) ? given : ClassUtils.getUserClass(typeOrEntity);
        KeyValuePersistentEntity<?, ?> entity = mappingContext.getPersistentEntity(type);
        return (entity != null) ? entity.getKeySpace() : null;
    }

    @SuppressWarnings("rawtypes")
    private void publish(KeyValueEvent event) {
        if (eventPublisher != null && publishEvents
                && (eventTypesToPublish.isEmpty() || eventTypesToPublish.contains(event.getClass()))) {
            eventPublisher.publishEvent(event);
        }
    }
}
