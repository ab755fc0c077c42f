package dev.pikodb.autoconfigure.data.sample;

import java.util.List;
import org.springframework.data.repository.ListCrudRepository;

/** The books. */
public interface BookRepository extends ListCrudRepository<Book, String> {

    List<Book> findByAuthor(String author);
}
