package dev.pikodb.test.autoconfigure.app;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/** A service with a cached method that counts its calls. */
@Service
public class TitleService {

    private final BookRepository books;

    private final AtomicInteger calls = new AtomicInteger();

    TitleService(BookRepository books) {
        this.books = books;
    }

    /**
     * The title of a book in upper case, cached.
     *
     * @param isbn the id
     * @return the title
     */
    @Cacheable("titles")
    public String shoutedTitle(String isbn) {
        calls.incrementAndGet();
        return books.findById(isbn).map((book) -> book.title().toUpperCase()).orElse("?");
    }

    /**
     * How many times {@link #shoutedTitle} ran.
     *
     * @return the number of calls
     */
    public int calls() {
        return calls.get();
    }
}
