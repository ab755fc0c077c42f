package dev.pikodb.spring.data;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Indexes an entity property, so that derived queries on it ({@code findByOwner},
 * {@code countByCreatedBetween}, {@code findByOwnerOrderByCreatedDesc}, ...) are answered from a PikoDB
 * index, never by reading the whole table.
 *
 * <p>When the repositories start, the entity's table gets the index named by the property's path
 * ({@code owner}, or {@code address.city} on a property of a nested object) on the JSON Pointer of that
 * property ({@code /owner}, {@code /address/city}); {@link dev.pikodb.PikoDB#createIndex} indexes the
 * records already stored, and does nothing when the index exists. A collection property is indexed by
 * each element.
 *
 * <pre>{@code
 * @KeySpace("notes")
 * class Note {
 *     @Id String id;
 *     @Indexed String owner;
 *     @Indexed List<String> tags;
 *     @Indexed long created;
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.ANNOTATION_TYPE })
public @interface Indexed {
}
