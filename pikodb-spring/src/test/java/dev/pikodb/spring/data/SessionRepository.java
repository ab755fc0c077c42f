package dev.pikodb.spring.data;

import org.springframework.data.repository.CrudRepository;

/** The sessions. */
public interface SessionRepository extends CrudRepository<Session, String> {
}
