package dev.pikodb.sample.notes;

import java.util.List;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.data.repository.ListCrudRepository;

/**
 * The notes, a Spring Data repository over the PikoDB table {@code notes}. Saving a note whose
 * version is not the stored one throws {@link org.springframework.dao.OptimisticLockingFailureException}.
 * The derived queries are answered from the indexes of {@link Note}'s {@code @Indexed} properties (the
 * sample sets {@code pikodb.repositories.require-indexes}, so one that is not fails the start).
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
     * An owner's notes, newest first (ties by id), a page at a time: from the {@code owner} index, ordered
     * by the {@code createdAt} index's values.
     *
     * @param owner the owner
     * @param pageable the page
     * @return the page, with the owner's number of notes
     */
    Page<Note> findByOwnerOrderByCreatedAtDesc(String owner, Pageable pageable);

    /**
     * The notes carrying a tag, newest first (ties by id), a page at a time, from the {@code tags} index.
     *
     * @param tag the tag
     * @param pageable the page
     * @return the page, with the tag's number of notes
     */
    Page<Note> findByTagsContainingOrderByCreatedAtDesc(String tag, Pageable pageable);

    /**
     * The notes carrying a tag, in the given order, as {@code GET /api/notes?tag=} lists them: it filters
     * the whole ordered list ({@link #findByTagsContainingOrderByCreatedAtDesc} reads the tag's notes alone).
     *
     * @param tag the tag
     * @param sort the order
     * @return the notes
     */
    default List<Note> findTagged(String tag, Sort sort) {
        return findAll(sort).stream().filter((note) -> note.tags().contains(tag)).toList();
    }
}
