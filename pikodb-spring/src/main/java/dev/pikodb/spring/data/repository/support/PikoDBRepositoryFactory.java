package dev.pikodb.spring.data.repository.support;

import dev.pikodb.spring.data.PikoDBKeyValueTemplate;
import dev.pikodb.spring.data.repository.query.IndexedExampleExecutor;
import dev.pikodb.spring.data.repository.query.IndexedTables;
import dev.pikodb.spring.data.repository.query.PikoDBQueryLookupStrategy;
import java.util.List;
import java.util.Optional;
import org.springframework.data.keyvalue.core.KeyValueOperations;
import org.springframework.data.keyvalue.core.mapping.KeyValuePersistentEntity;
import org.springframework.data.keyvalue.core.mapping.KeyValuePersistentProperty;
import org.springframework.data.keyvalue.repository.support.KeyValueRepositoryFactory;
import org.springframework.data.mapping.context.MappingContext;
import org.springframework.data.repository.core.RepositoryInformation;
import org.springframework.data.repository.core.RepositoryMetadata;
import org.springframework.data.repository.core.support.RepositoryFragment;
import org.springframework.data.repository.query.QueryByExampleExecutor;
import org.springframework.data.repository.core.support.RepositoryComposition.RepositoryFragments;
import org.springframework.data.repository.query.QueryLookupStrategy;
import org.springframework.data.repository.query.QueryLookupStrategy.Key;
import org.springframework.data.repository.query.RepositoryQuery;
import org.springframework.data.repository.query.ValueExpressionDelegate;
import org.springframework.data.repository.query.parser.AbstractQueryCreator;

/**
 * The repository factory of PikoDB: Spring Data KeyValue's, with derived queries answered from PikoDB
 * indexes ({@link PikoDBQueryLookupStrategy}) when the template is a {@link PikoDBKeyValueTemplate}.
 */
public class PikoDBRepositoryFactory extends KeyValueRepositoryFactory {

    private final KeyValueOperations operations;

    private final boolean requireIndexes;

    private final IndexedTables tables;

    private PikoDBQueryLookupStrategy strategy;

    /**
     * Creates a factory.
     *
     * @param operations the template
     * @param queryCreator the query creator of the methods no index serves
     * @param repositoryQueryType the query type of the methods no index serves
     * @param requireIndexes true to fail when a query method is not served by indexes
     */
    public PikoDBRepositoryFactory(KeyValueOperations operations, Class<? extends AbstractQueryCreator<?, ?>> queryCreator,
            Class<? extends RepositoryQuery> repositoryQueryType, boolean requireIndexes) {
        super(operations, queryCreator, repositoryQueryType);
        this.operations = operations;
        this.requireIndexes = requireIndexes;
        this.tables = (operations instanceof PikoDBKeyValueTemplate template)
                ? new IndexedTables(template.getPikoDBAdapter().getPikoDB(), mappingContext(operations), requireIndexes)
                : null;
    }

    /** Creates the indexes the entity's {@code @Indexed} properties declare, then the repository. */
    @Override
    protected Object getTargetRepository(RepositoryInformation repositoryInformation) {
        if (tables != null) {
            tables.ensure(repositoryInformation.getDomainType());
        }
        return super.getTargetRepository(repositoryInformation);
    }

    @Override
    protected Optional<QueryLookupStrategy> getQueryLookupStrategy(Key key,
            ValueExpressionDelegate valueExpressionDelegate) {
        Optional<QueryLookupStrategy> keyValue = super.getQueryLookupStrategy(key, valueExpressionDelegate);
        if (!(operations instanceof PikoDBKeyValueTemplate template) || keyValue.isEmpty()) {
            return keyValue;
        }
        strategy = new PikoDBQueryLookupStrategy(keyValue.get(), template, mappingContext(operations), tables,
                requireIndexes);
        return Optional.of(strategy);
    }

    /** Adds Query by Example answered from indexes to the repositories that extend {@code QueryByExampleExecutor}. */
    @Override
    @SuppressWarnings({ "rawtypes", "unchecked" })
    protected RepositoryFragments getRepositoryFragments(RepositoryMetadata metadata) {
        RepositoryFragments fragments = super.getRepositoryFragments(metadata);
        if (operations instanceof PikoDBKeyValueTemplate template
                && QueryByExampleExecutor.class.isAssignableFrom(metadata.getRepositoryInterface())) {
            fragments = fragments.append(RepositoryFragment.implemented(QueryByExampleExecutor.class,
                    new IndexedExampleExecutor(template, mappingContext(operations), metadata.getDomainType())));
        }
        return fragments;
    }

    /**
     * Creates the repository; with indexes required, fails when any of its query methods is not
     * answered from indexes, naming each.
     */
    @Override
    public <T> T getRepository(Class<T> repositoryInterface, RepositoryFragments fragments) {
        T repository = super.getRepository(repositoryInterface, fragments);
        List<String> unserved = (strategy != null) ? strategy.takeUnserved() : List.of();
        if (!unserved.isEmpty()) {
            throw new IllegalStateException(String.join(". ", unserved) + ". Every query method must be answered from"
                    + " indexes (pikodb.repositories.require-indexes=true).");
        }
        return repository;
    }

    @SuppressWarnings("unchecked")
    private static MappingContext<? extends KeyValuePersistentEntity<?, ?>, ? extends KeyValuePersistentProperty<?>> mappingContext(
            KeyValueOperations operations) {
        return (MappingContext<? extends KeyValuePersistentEntity<?, ?>, ? extends KeyValuePersistentProperty<?>>) operations
            .getMappingContext();
    }
}
