package dev.pikodb.spring.data.repository.query;

import dev.pikodb.spring.data.PikoDBKeyValueTemplate;
import java.lang.reflect.Method;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.keyvalue.core.mapping.KeyValuePersistentEntity;
import org.springframework.data.keyvalue.core.mapping.KeyValuePersistentProperty;
import org.springframework.data.mapping.context.MappingContext;
import org.springframework.data.projection.ProjectionFactory;
import org.springframework.data.repository.core.NamedQueries;
import org.springframework.data.repository.core.RepositoryMetadata;
import org.springframework.data.repository.query.DefaultParameters;
import org.springframework.data.repository.query.QueryLookupStrategy;
import org.springframework.data.repository.query.QueryMethod;
import org.springframework.data.repository.query.RepositoryQuery;
import org.springframework.data.repository.query.parser.PartTree;

/**
 * Resolves the derived query methods of PikoDB repositories when the repositories start: each is
 * answered from indexes ({@link PikoDBPartTreeQuery}) when the table's indexes, with those its
 * {@link dev.pikodb.spring.data.Indexed} properties declare, serve all its criteria and ordering.
 *
 * <p>One that no index serves is reported: a warning names the method, what is missing and the
 * {@code @Indexed} that would serve it, and the method keeps Spring Data KeyValue's query (which reads
 * the whole table). With {@code requireIndexes} the reports are collected instead ({@link #takeUnserved()}),
 * and the repository factory fails the startup with all of them.
 *
 * <p>Before the first method of an entity type is resolved, the indexes its {@code @Indexed}
 * properties declare are created (indexing the records already stored).
 */
public final class PikoDBQueryLookupStrategy implements QueryLookupStrategy {

    private static final Logger logger = LoggerFactory.getLogger(PikoDBQueryLookupStrategy.class);

    private final QueryLookupStrategy fallback;

    private final PikoDBKeyValueTemplate template;

    private final MappingContext<? extends KeyValuePersistentEntity<?, ?>, ? extends KeyValuePersistentProperty<?>> mappingContext;

    private final boolean requireIndexes;

    private final IndexedTables tables;

    private final List<String> unserved = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Creates the strategy.
     *
     * @param fallback Spring Data KeyValue's strategy, for the methods no index serves
     * @param template the template of the repositories
     * @param mappingContext the mapping context of the entities
     * @param tables the indexes of the entities' tables
     * @param requireIndexes true to fail when a method is not served by indexes
     */
    public PikoDBQueryLookupStrategy(QueryLookupStrategy fallback, PikoDBKeyValueTemplate template,
            MappingContext<? extends KeyValuePersistentEntity<?, ?>, ? extends KeyValuePersistentProperty<?>> mappingContext,
            IndexedTables tables, boolean requireIndexes) {
        this.fallback = fallback;
        this.tables = tables;
        this.template = template;
        this.mappingContext = mappingContext;
        this.requireIndexes = requireIndexes;
    }

    /**
     * The reports of the methods no index serves resolved since the last call, when indexes are
     * required (the caller fails the startup with them); sorted by method.
     *
     * @return the reports, one sentence each
     */
    public List<String> takeUnserved() {
        List<String> taken = new java.util.ArrayList<>(unserved);
        unserved.removeAll(taken);
        taken.sort(null);
        return taken;
    }

    @Override
    public RepositoryQuery resolveQuery(Method method, RepositoryMetadata metadata, ProjectionFactory factory,
            NamedQueries namedQueries) {
        QueryMethod queryMethod = new QueryMethod(method, metadata, factory, DefaultParameters::new);
        Class<?> domainType = metadata.getDomainType();
        KeyValuePersistentEntity<?, ?> entity = mappingContext.getRequiredPersistentEntity(domainType);
        IndexedTables.IndexedTable table = tables.ensure(domainType);
        PartTree tree = new PartTree(method.getName(), domainType);
        KeyValuePersistentProperty<?> id = entity.getIdProperty();
        IndexQueryCreator creator = new IndexQueryCreator(tree, domainType, (id != null) ? id.getName() : null,
                template.getPikoDBAdapter()::toStoredForm);
        List<String> problems = (table.indexedPaths() == null)
                ? List.of("the storage engine of table '" + table.name() + "' has no indexes")
                : creator.problems(table.indexedPaths());
        if (problems.isEmpty()) {
            return new PikoDBPartTreeQuery(queryMethod, tree, creator, template, table.name());
        }
        String report = "The query method " + metadata.getRepositoryInterface().getSimpleName() + "." + method.getName()
                + " (table '" + table.name() + "') is not answered from indexes: " + String.join("; ", problems);
        if (requireIndexes) {
            unserved.add(report);
        }
        else {
            logger.warn("{}. Each call reads the whole table until then; set pikodb.repositories.require-indexes=true"
                    + " to make this a startup failure.", report);
        }
        return fallback.resolveQuery(method, metadata, factory, namedQueries);
    }

}
