package dev.pikodb.spring.data;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.data.keyvalue.core.mapping.KeyValuePersistentEntity;
import org.springframework.data.keyvalue.core.mapping.KeyValuePersistentProperty;
import org.springframework.data.mapping.PersistentPropertyAccessor;
import org.springframework.data.mapping.model.ConvertingPropertyAccessor;
import org.springframework.data.mapping.model.EntityInstantiators;
import org.springframework.data.mapping.model.InstantiationAwarePropertyAccessor;

/**
 * What the adapter needs to know about one entity type: its version property and its expiration.
 * Immutable entities (records, final fields) get a copy carrying the new version, made through their
 * constructor.
 */
final class EntityMetadata {

    private static final EntityInstantiators INSTANTIATORS = new EntityInstantiators();

    private final KeyValuePersistentEntity<?, ?> entity;

    private final KeyValuePersistentProperty<?> versionProperty;

    private final KeyValuePersistentProperty<?> expirationProperty;

    private final TimeUnit expirationPropertyUnit;

    private final Long typeTimeToLiveMillis;

    EntityMetadata(KeyValuePersistentEntity<?, ?> entity) {
        this.entity = entity;
        this.versionProperty = entity.getVersionProperty();
        KeyValuePersistentProperty<?> expiration = entity.getPersistentProperty(Expires.class);
        this.expirationProperty = expiration;
        if (expiration != null) {
            Class<?> type = expiration.getType();
            if (!Number.class.isAssignableFrom(org.springframework.util.ClassUtils.resolvePrimitiveIfNecessary(type))
                    && !Duration.class.equals(type)) {
                throw new IllegalStateException("The @Expires property '" + expiration.getName() + "' of "
                        + entity.getType().getName() + " is of type " + type.getName()
                        + "; it must be a number (of the annotation's unit) or a java.time.Duration");
            }
            this.expirationPropertyUnit = expiration.getRequiredAnnotation(Expires.class).unit();
        }
        else {
            this.expirationPropertyUnit = null;
        }
        Expires onType = AnnotatedElementUtils.findMergedAnnotation(entity.getType(), Expires.class);
        this.typeTimeToLiveMillis = (onType != null && onType.value() > 0) ? onType.unit().toMillis(onType.value())
                : null;
    }

    KeyValuePersistentEntity<?, ?> entity() {
        return entity;
    }

    boolean isVersioned() {
        return versionProperty != null;
    }

    boolean isExpiring() {
        return expirationProperty != null || typeTimeToLiveMillis != null;
    }

    <T> PersistentPropertyAccessor<T> accessor(T bean) {
        @SuppressWarnings("unchecked")
        KeyValuePersistentEntity<T, ?> typed = (KeyValuePersistentEntity<T, ?>) entity;
        return new ConvertingPropertyAccessor<>(
                new InstantiationAwarePropertyAccessor<>(bean, typed::getPropertyAccessor, INSTANTIATORS),
                DefaultConversionService.getSharedInstance());
    }

    /** The version the bean was read with: 0 for a bean never saved (null or 0). */
    long expectedVersion(Object bean) {
        Number version = (Number) entity.getPropertyAccessor(bean).getProperty(versionProperty);
        return (version != null) ? version.longValue() : 0;
    }

    /** Returns the bean carrying {@code version}: the same bean when mutable, else a copy. */
    <T> T withVersion(T bean, long version) {
        if (!isVersioned()) {
            return bean;
        }
        PersistentPropertyAccessor<T> accessor = accessor(bean);
        accessor.setProperty(versionProperty, version);
        return accessor.getBean();
    }

    /** Returns the bean carrying {@code key} as its id when it has none: the same bean when mutable, else a copy. */
    <T> T withIdIfMissing(T bean, String key) {
        KeyValuePersistentProperty<?> idProperty = entity.getIdProperty();
        if (idProperty == null || entity.getPropertyAccessor(bean).getProperty(idProperty) != null) {
            return bean;
        }
        PersistentPropertyAccessor<T> accessor = accessor(bean);
        accessor.setProperty(idProperty, key);
        return accessor.getBean();
    }

    Object versionOf(Object bean) {
        return isVersioned() ? entity.getPropertyAccessor(bean).getProperty(versionProperty) : null;
    }

    /** The epoch milliseconds at which the bean expires when saved at {@code now}, or null for never. */
    Long expiration(Object bean, long now) {
        Long timeToLive = typeTimeToLiveMillis;
        if (expirationProperty != null) {
            Object value = entity.getPropertyAccessor(bean).getProperty(expirationProperty);
            if (value instanceof Duration duration) {
                timeToLive = duration.toMillis();
            }
            else if (value instanceof Number number) {
                timeToLive = expirationPropertyUnit.toMillis(number.longValue());
            }
        }
        return (timeToLive != null && timeToLive > 0) ? now + timeToLive : null;
    }
}
