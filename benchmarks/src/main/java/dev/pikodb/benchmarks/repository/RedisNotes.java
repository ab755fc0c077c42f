package dev.pikodb.benchmarks.repository;

import java.util.List;
import org.springframework.data.repository.ListCrudRepository;

/** W14's Spring Data Redis repository: {@code findByOwner} from its {@code @Indexed} set. */
public interface RedisNotes extends ListCrudRepository<RedisNote, String> {

    /**
     * The notes of an owner.
     *
     * @param owner the owner
     * @return its notes
     */
    List<RedisNote> findByOwner(String owner);
}
