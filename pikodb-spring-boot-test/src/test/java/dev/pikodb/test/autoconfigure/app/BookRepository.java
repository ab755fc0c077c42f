package dev.pikodb.test.autoconfigure.app;

import org.springframework.data.repository.ListCrudRepository;

/** The repository of books. */
public interface BookRepository extends ListCrudRepository<Book, String> {
}
