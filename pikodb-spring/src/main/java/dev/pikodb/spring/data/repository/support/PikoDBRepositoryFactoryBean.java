package dev.pikodb.spring.data.repository.support;

import org.springframework.data.keyvalue.repository.support.KeyValueRepositoryFactoryBean;
import org.springframework.data.repository.Repository;

/**
 * The factory bean of PikoDB repositories: Spring Data KeyValue's, under a type of its own so that
 * auto-configuration can tell that PikoDB repositories are already configured.
 *
 * @param <T> the repository type
 * @param <S> the domain type
 * @param <ID> the id type
 */
public class PikoDBRepositoryFactoryBean<T extends Repository<S, ID>, S, ID>
        extends KeyValueRepositoryFactoryBean<T, S, ID> {

    /**
     * Creates a factory bean for a repository interface.
     *
     * @param repositoryInterface the repository interface
     */
    public PikoDBRepositoryFactoryBean(Class<? extends T> repositoryInterface) {
        super(repositoryInterface);
    }
}
