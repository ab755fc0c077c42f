package dev.pikodb.test.autoconfigure.app;

import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.keyvalue.annotation.KeySpace;

/**
 * A versioned entity.
 *
 * @param isbn the id
 * @param title the title
 * @param version the version
 */
@KeySpace("books")
public record Book(@Id String isbn, String title, @Version Long version) {
}
