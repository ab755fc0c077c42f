package dev.pikodb.sample.notes;

import java.util.List;
import org.springframework.data.domain.Sort;
import org.springframework.data.repository.ListCrudRepository;

/**
 * The notes, a Spring Data repository over the PikoDB table {@code notes}. Saving a note whose
 * version is not the stored one throws {@link org.springframework.dao.OptimisticLockingFailureException}.
 */
public interface NoteRepository extends ListCrudRepository<Note, String> {

    /**
     * The notes in the given order.
     *
     * @param sort the order
     * @return the notes
     */
    List<Note> findAll(Sort sort);

    /**
     * The notes carrying a tag. (Spring Data KeyValue's derived queries compare properties; they do not
     * look into collections, so this one filters the ordered list.)
     *
     * @param tag the tag
     * @param sort the order
     * @return the notes
     */
    default List<Note> findTagged(String tag, Sort sort) {
        return findAll(sort).stream().filter((note) -> note.tags().contains(tag)).toList();
    }
}
