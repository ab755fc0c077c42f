package dev.pikodb.spring.data.query;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.data.domain.Limit;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.ScrollPosition;
import org.springframework.data.domain.Slice;
import org.springframework.data.domain.Sort;
import org.springframework.data.domain.Window;
import org.springframework.data.repository.ListCrudRepository;
import org.springframework.data.repository.ListPagingAndSortingRepository;
import org.springframework.data.repository.query.QueryByExampleExecutor;

/** Derived queries that indexes answer, one per keyword and result shape. */
public interface TaskRepository extends ListCrudRepository<Task, String>, ListPagingAndSortingRepository<Task, String>,
        QueryByExampleExecutor<Task> {

    List<Task> findByOwner(String owner);

    List<Task> findByOwnerIs(String owner);

    List<Task> findByOwnerIn(Collection<String> owners);

    List<Task> findByPriorityBetween(int from, int to);

    List<Task> findByPriorityLessThan(int priority);

    List<Task> findByPriorityLessThanEqual(int priority);

    List<Task> findByPriorityGreaterThan(int priority);

    List<Task> findByPriorityGreaterThanEqual(int priority);

    List<Task> findByScoreGreaterThan(double score);

    List<Task> findByScoreLessThanEqual(double score);

    List<Task> findByOwnerStartingWith(String prefix);

    List<Task> findByOwnerGreaterThan(String owner);

    List<Task> findByDoneTrue();

    List<Task> findByDoneFalse();

    List<Task> findByOwnerAndDoneFalse(String owner);

    List<Task> findByOwnerOrPriorityGreaterThanEqual(String owner, int priority);

    List<Task> findByTags(String tag);

    List<Task> findByTagsContaining(String tag);

    List<Task> findByPlaceCity(String city);

    List<Task> findByIdIn(Collection<String> ids);

    List<Task> findByOwnerOrderByCreatedDesc(String owner);

    List<Task> findByOwner(String owner, Sort sort);

    List<Task> findByOwner(String owner, Limit limit);

    Page<Task> findByOwner(String owner, Pageable pageable);

    Slice<Task> findByDone(boolean done, Pageable pageable);

    List<Task> findTop2ByOwnerOrderByPriorityDesc(String owner);

    Optional<Task> findFirstByOwnerOrderByCreatedAsc(String owner);

    Optional<Task> findByPlaceCityAndOwner(String city, String owner);

    Stream<Task> streamByOwnerOrderByCreated(String owner);

    Window<Task> findFirst2ByOwnerOrderByCreated(String owner, ScrollPosition position);

    long countByOwner(String owner);

    long countByPriorityBetween(int from, int to);

    boolean existsByOwner(String owner);

    long deleteByOwner(String owner);

    List<Task> deleteByDoneTrue();
}
