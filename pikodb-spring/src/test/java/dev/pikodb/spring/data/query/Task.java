package dev.pikodb.spring.data.query;

import dev.pikodb.spring.data.Indexed;
import java.util.List;
import org.springframework.data.annotation.Id;
import org.springframework.data.keyvalue.annotation.KeySpace;

/** An immutable entity with indexed properties of every kind, kept in the table "tasks". */
@KeySpace("tasks")
public record Task(@Id String id, @Indexed String owner, String title, @Indexed int priority, @Indexed boolean done,
        @Indexed long created, @Indexed List<String> tags, Place place, @Indexed double score) {

    /** Where a task is done; its city is indexed as {@code place.city}. */
    public record Place(@Indexed String city, String street) {
    }
}
