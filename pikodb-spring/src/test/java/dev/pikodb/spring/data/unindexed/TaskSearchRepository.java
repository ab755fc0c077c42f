package dev.pikodb.spring.data.unindexed;

import dev.pikodb.spring.data.query.Task;
import java.util.List;
import org.springframework.data.repository.Repository;

/** Query methods that no index of {@link Task} serves. */
public interface TaskSearchRepository extends Repository<Task, String> {

    List<Task> findByTitle(String title);

    List<Task> findByOwner(String owner);

    List<Task> findByOwnerOrderByTitle(String owner);

    List<Task> findByTitleLike(String pattern);
}
