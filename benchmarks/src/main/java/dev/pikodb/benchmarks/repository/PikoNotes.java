package dev.pikodb.benchmarks.repository;

import java.util.List;
import org.springframework.data.repository.ListCrudRepository;

/** W14's PikoDB repository: every query method answered from PikoDB indexes. */
public interface PikoNotes extends ListCrudRepository<PikoNote, String> {

    /**
     * The notes of an owner.
     *
     * @param owner the owner
     * @return its notes
     */
    List<PikoNote> findByOwner(String owner);

    /**
     * The 10 newest notes created in {@code [from, to]}.
     *
     * @param from the earliest creation time
     * @param to the latest
     * @return up to 10 notes, newest first
     */
    List<PikoNote> findTop10ByCreatedBetweenOrderByCreatedDesc(long from, long to);
}
