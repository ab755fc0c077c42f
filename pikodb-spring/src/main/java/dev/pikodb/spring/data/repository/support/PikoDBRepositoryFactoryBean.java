package dev.pikodb.spring.data.repository.support;

import org.springframework.core.env.Environment;
import org.springframework.data.keyvalue.core.KeyValueOperations;
import org.springframework.data.keyvalue.repository.support.KeyValueRepositoryFactory;
import org.springframework.data.keyvalue.repository.support.KeyValueRepositoryFactoryBean;
import org.springframework.data.repository.Repository;
import org.springframework.data.repository.query.RepositoryQuery;
import org.springframework.data.repository.query.parser.AbstractQueryCreator;

/**
 * The factory bean of PikoDB repositories: derived queries answered from PikoDB indexes (see
 * {@link PikoDBRepositoryFactory}), under a type of its own so that auto-configuration can tell that
 * PikoDB repositories are already configured.
 *
 * @param <T> the repository type
 * @param <S> the domain type
 * @param <ID> the id type
 */
public class PikoDBRepositoryFactoryBean<T extends Repository<S, ID>, S, ID>
        extends KeyValueRepositoryFactoryBean<T, S, ID> {

    /** The property that makes a query method no index serves a startup failure. */
    public static final String REQUIRE_INDEXES_PROPERTY = "pikodb.repositories.require-indexes";

    private boolean requireIndexes;

    /**
     * Creates a factory bean for a repository interface.
     *
     * @param repositoryInterface the repository interface
     */
    public PikoDBRepositoryFactoryBean(Class<? extends T> repositoryInterface) {
        super(repositoryInterface);
    }

    /**
     * Sets whether a query method that no index serves fails the startup (else it is reported in a
     * warning and reads the whole table on each call). The property {@value #REQUIRE_INDEXES_PROPERTY}
     * set to true in the environment sets it as well.
     *
     * @param requireIndexes true to fail
     */
    public void setRequireIndexes(boolean requireIndexes) {
        this.requireIndexes = requireIndexes;
    }

    @Override
    public void setEnvironment(Environment environment) {
        super.setEnvironment(environment);
        if (environment.getProperty(REQUIRE_INDEXES_PROPERTY, Boolean.class, false)) {
            this.requireIndexes = true;
        }
    }

    @Override
    protected KeyValueRepositoryFactory createRepositoryFactory(KeyValueOperations operations,
            Class<? extends AbstractQueryCreator<?, ?>> queryCreator, Class<? extends RepositoryQuery> repositoryQueryType) {
        return new PikoDBRepositoryFactory(operations, queryCreator, repositoryQueryType, requireIndexes);
    }
}
