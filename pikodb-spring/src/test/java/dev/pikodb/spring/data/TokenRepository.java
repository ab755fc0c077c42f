package dev.pikodb.spring.data;

import org.springframework.data.repository.CrudRepository;

/** The tokens. */
public interface TokenRepository extends CrudRepository<Token, String> {
}
