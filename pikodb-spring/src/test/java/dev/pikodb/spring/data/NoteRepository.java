package dev.pikodb.spring.data;

import java.util.List;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.data.repository.ListCrudRepository;
import org.springframework.data.repository.ListPagingAndSortingRepository;

/** The notes, with derived queries. */
public interface NoteRepository extends ListCrudRepository<Note, String>, ListPagingAndSortingRepository<Note, String> {

    List<Note> findByOwner(String owner);

    Page<Note> findByOwner(String owner, Pageable pageable);

    List<Note> findByOwner(String owner, Sort sort);

    List<Note> findByOwnerOrderByTitleDesc(String owner);

    long countByOwner(String owner);
}
