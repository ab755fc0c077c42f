package dev.pikodb.autoconfigure.data.sample;

import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.keyvalue.annotation.KeySpace;

/**
 * A versioned, immutable entity.
 *
 * @param isbn the id
 * @param title the title
 * @param author the author
 * @param version the version
 */
@KeySpace("books")
public record Book(@Id String isbn, String title, String author, @Version Long version) {
}
