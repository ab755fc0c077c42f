package dev.pikodb.spring.data;

import java.util.Collections;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.keyvalue.core.KeyValueTemplate;
import org.springframework.data.keyvalue.core.event.KeyValueEvent;
import org.springframework.data.keyvalue.core.mapping.KeyValuePersistentEntity;
import org.springframework.data.keyvalue.core.mapping.KeyValuePersistentProperty;
import org.springframework.data.mapping.context.MappingContext;
import org.springframework.util.ClassUtils;

/**
 * A {@link KeyValueTemplate} over a {@link PikoDBKeyValueAdapter}: inserts are atomic
 * ("must not exist"), saves of {@code @Version}ed entities are version-checked and return the entity
 * carrying its new version, failures are translated by {@link PikoDBExceptionTranslator}, and closing
 * the context leaves the data in place.
 */
public class PikoDBKeyValueTemplate extends KeyValueTemplate {

    private final PikoDBKeyValueAdapter adapter;

    private final MappingContext<? extends KeyValuePersistentEntity<?, ?>, ? extends KeyValuePersistentProperty<?>> mappingContext;

    private ApplicationEventPublisher eventPublisher;

    private boolean publishEvents = true;

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
    public <T> T insert(Object id, T objectToInsert) {
        String keyspace = keyspace(objectToInsert);
        Class<?> type = ClassUtils.getUserClass(objectToInsert);
        publish(KeyValueEvent.beforeInsert(id, keyspace, type, objectToInsert));
        T saved = execute((ignored) -> adapter.insert(id, objectToInsert, keyspace));
        publish(KeyValueEvent.afterInsert(id, keyspace, type, saved));
        return saved;
    }

    @Override
    public <T> T update(Object id, T objectToUpdate) {
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

    /** Leaves the data in place: it is persistent. */
    @Override
    public void destroy() {
    }

    private String keyspace(Object object) {
        return mappingContext.getRequiredPersistentEntity(ClassUtils.getUserClass(object)).getKeySpace();
    }

    @SuppressWarnings("rawtypes")
    private void publish(KeyValueEvent event) {
        if (eventPublisher != null && publishEvents
                && (eventTypesToPublish.isEmpty() || eventTypesToPublish.contains(event.getClass()))) {
            eventPublisher.publishEvent(event);
        }
    }
}
