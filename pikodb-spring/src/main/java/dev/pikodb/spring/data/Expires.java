package dev.pikodb.spring.data;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;

/**
 * Makes saved entities expire, through PikoDB's expiration: an expired entity is invisible to every
 * read and removed by PikoDB's cleanup.
 *
 * <p>On the entity type, it gives every entity of the type the same time-to-live:
 *
 * <pre>{@code
 * @Expires(value = 30, unit = TimeUnit.MINUTES)
 * record Session(@Id String id, String user) {}
 * }</pre>
 *
 * <p>On a property (field or getter) of type {@code Number} or {@link java.time.Duration}, the property's
 * value is the time-to-live of that entity: a number counts {@link #unit()}s (the annotation's
 * {@link #value()} is then ignored), {@code null} falls back to the type's annotation if any (else no
 * expiration), and zero or a negative value means the entity never expires.
 *
 * <p>The time-to-live counts from each save: saving the entity again restarts it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.FIELD, ElementType.METHOD, ElementType.ANNOTATION_TYPE })
public @interface Expires {

    /**
     * On a type, the time-to-live of its entities, in {@link #unit()}; ignored on a property.
     *
     * @return the time-to-live; zero or negative for none
     */
    long value() default 0;

    /**
     * The unit of {@link #value()} on a type, and of a numeric property's value.
     *
     * @return the unit, seconds by default
     */
    TimeUnit unit() default TimeUnit.SECONDS;
}
