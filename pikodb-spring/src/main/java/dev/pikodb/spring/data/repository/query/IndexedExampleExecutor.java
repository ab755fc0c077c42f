package dev.pikodb.spring.data.repository.query;

import dev.pikodb.Query;
import dev.pikodb.spring.data.PikoDBKeyValueAdapter;
import dev.pikodb.spring.data.PikoDBKeyValueTemplate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.data.domain.Example;
import org.springframework.data.domain.ExampleMatcher;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.data.keyvalue.core.mapping.KeyValuePersistentEntity;
import org.springframework.data.keyvalue.core.mapping.KeyValuePersistentProperty;
import org.springframework.data.mapping.PersistentEntity;
import org.springframework.data.mapping.PersistentProperty;
import org.springframework.data.mapping.context.MappingContext;
import org.springframework.data.repository.query.FluentQuery;
import org.springframework.data.repository.query.QueryByExampleExecutor;
import org.springframework.data.support.ExampleMatcherAccessor;
import org.springframework.data.support.PageableExecutionUtils;

/**
 * Query by Example answered from indexes: every property the example sets (not {@code null}, not
 * ignored) is an equality condition on its index ({@code StringMatcher.STARTING} a prefix), all of them
 * ({@code matchingAll}) or any ({@code matchingAny}); the id needs no index. A set property without an
 * index is refused with the {@code createIndex} call that would serve it, as are what no index answers:
 * other string matchers, ignoring case, {@code NullHandler.INCLUDE} and a non-empty collection. Remember
 * that a primitive property is always set: ignore its path when it is not a criterion.
 *
 * @param <T> the entity type
 */
public final class IndexedExampleExecutor<T> implements QueryByExampleExecutor<T> {

    private final PikoDBKeyValueTemplate template;

    private final MappingContext<? extends KeyValuePersistentEntity<?, ?>, ? extends KeyValuePersistentProperty<?>> mappingContext;

    private final KeyValuePersistentEntity<?, ?> entity;

    /**
     * Creates the executor of one entity type.
     *
     * @param template the template
     * @param mappingContext the mapping context
     * @param domainType the entity type
     */
    public IndexedExampleExecutor(PikoDBKeyValueTemplate template,
            MappingContext<? extends KeyValuePersistentEntity<?, ?>, ? extends KeyValuePersistentProperty<?>> mappingContext,
            Class<T> domainType) {
        this.template = template;
        this.mappingContext = mappingContext;
        this.entity = mappingContext.getRequiredPersistentEntity(domainType);
    }

    @Override
    public <S extends T> Optional<S> findOne(Example<S> example) {
        List<S> found = list(example, Sort.unsorted(), 0, 2);
        if (found.size() > 1) {
            throw new org.springframework.dao.IncorrectResultSizeDataAccessException("The example matches more than one"
                    + " entity of table '" + entity.getKeySpace() + "'", 1);
        }
        return found.stream().findFirst();
    }

    @Override
    public <S extends T> Iterable<S> findAll(Example<S> example) {
        return list(example, Sort.unsorted(), 0, Integer.MAX_VALUE);
    }

    @Override
    public <S extends T> Iterable<S> findAll(Example<S> example, Sort sort) {
        return list(example, sort, 0, Integer.MAX_VALUE);
    }

    @Override
    public <S extends T> Page<S> findAll(Example<S> example, Pageable pageable) {
        if (pageable.isUnpaged()) {
            List<S> all = list(example, pageable.getSort(), 0, Integer.MAX_VALUE);
            return PageableExecutionUtils.getPage(all, pageable, all::size);
        }
        List<S> content = list(example, pageable.getSort(), pageable.getOffset(), pageable.getPageSize());
        return PageableExecutionUtils.getPage(content, pageable, () -> count(example));
    }

    @Override
    public <S extends T> long count(Example<S> example) {
        return template.executeIndexed("count", entity.getType(),
                (ignored) -> adapter().count(entity.getKeySpace(), query(example, Sort.unsorted())));
    }

    @Override
    public <S extends T> boolean exists(Example<S> example) {
        return !list(example, Sort.unsorted(), 0, 1).isEmpty();
    }

    /** Not supported: use {@code findAll} with a {@code Sort} or {@code Pageable}, {@code count} or {@code exists}. */
    @Override
    public <S extends T, R> R findBy(Example<S> example, Function<FluentQuery.FetchableFluentQuery<S>, R> queryFunction) {
        throw new UnsupportedOperationException("The fluent findBy(Example, ...) of table '" + entity.getKeySpace()
                + "' is not supported; use findAll(example, sort or pageable), count(example) or exists(example)");
    }

    private <S extends T> List<S> list(Example<S> example, Sort sort, long offset, int size) {
        long end = offset + size;
        if (end > Integer.MAX_VALUE && size != Integer.MAX_VALUE) {
            throw new org.springframework.dao.InvalidDataAccessApiUsageException("The page at offset " + offset
                    + " of table '" + entity.getKeySpace() + "' is too far");
        }
        return template.executeIndexed("find", entity.getType(), (ignored) -> {
            Query query = query(example, sort);
            if (size != Integer.MAX_VALUE) {
                query = query.limit((int) end);
            }
            return adapter().find(entity.getKeySpace(), query, example.getProbeType(), (int) offset).entities();
        });
    }

    private PikoDBKeyValueAdapter adapter() {
        return template.getPikoDBAdapter();
    }

    private Query query(Example<?> example, Sort sort) {
        ExampleMatcher matcher = example.getMatcher();
        ExampleMatcherAccessor accessor = new ExampleMatcherAccessor(matcher);
        if (accessor.getNullHandler() == ExampleMatcher.NullHandler.INCLUDE) {
            throw new IllegalArgumentException("Query by Example on table '" + entity.getKeySpace() + "' with"
                    + " NullHandler.INCLUDE is not answered from an index (null values are not indexed)");
        }
        List<Query> conditions = new ArrayList<>();
        collect(entity, example.getProbe(), "", accessor, conditions);
        Query query = null;
        for (Query condition : conditions) {
            query = (query == null) ? condition : matcher.isAllMatching() ? query.and(condition) : query.or(condition);
        }
        if (query == null) {
            query = Query.all();
        }
        KeyValuePersistentProperty<?> id = entity.getIdProperty();
        String orderPath = IndexQueryCreator.orderPath(sort, entity.getType(), (id != null) ? id.getName() : null);
        return (orderPath == null) ? query : query.orderBy(orderPath, sort.iterator().next().isAscending());
    }

    private void collect(PersistentEntity<?, ?> owner, Object bean, String prefix, ExampleMatcherAccessor accessor,
            List<Query> conditions) {
        for (PersistentProperty<?> property : owner) {
            String path = prefix + property.getName();
            if (accessor.isIgnoredPath(path) || property.isVersionProperty()) {
                continue;
            }
            Object value = owner.getPropertyAccessor(bean).getProperty(property);
            value = accessor.getValueTransformerForPath(path).apply(Optional.ofNullable(value)).orElse(null);
            if (value == null) {
                continue;
            }
            if (prefix.isEmpty() && property.isIdProperty()) {
                conditions.add(Query.eq(Query.KEY, adapter().toStoredForm(value)));
                continue;
            }
            String pointer = "/" + path.replace(".", "/");
            if (value instanceof Collection<?> || value instanceof Map<?, ?> || value.getClass().isArray()) {
                if (value instanceof Collection<?> collection && collection.isEmpty()
                        || value instanceof Map<?, ?> map && map.isEmpty()) {
                    continue;
                }
                throw new IllegalArgumentException("Query by Example on '" + path + "' of table '" + entity.getKeySpace()
                        + "', a collection, is not answered from an index; ignore the path (withIgnorePaths(\"" + path
                        + "\")) and use a derived query (findBy" + Character.toUpperCase(path.charAt(0))
                        + path.substring(1) + "(element))");
            }
            if (property.isEntity()) {
                PersistentEntity<?, ?> nested = mappingContext.getPersistentEntity(property.getActualType());
                if (nested != null) {
                    collect(nested, value, path + ".", accessor, conditions);
                    continue;
                }
            }
            if (accessor.isIgnoreCaseForPath(path)) {
                throw new IllegalArgumentException("Query by Example ignoring case on '" + path + "' of table '"
                        + entity.getKeySpace() + "' is not answered from an index");
            }
            Object stored = adapter().toStoredForm(value);
            ExampleMatcher.StringMatcher stringMatcher = accessor.getStringMatcherForPath(path);
            if (stored instanceof String string && stringMatcher == ExampleMatcher.StringMatcher.STARTING) {
                conditions.add(Query.prefix(pointer, string));
            }
            else if (!(stored instanceof String) || stringMatcher == ExampleMatcher.StringMatcher.DEFAULT
                    || stringMatcher == ExampleMatcher.StringMatcher.EXACT) {
                conditions.add(Query.eq(pointer, stored));
            }
            else {
                throw new IllegalArgumentException("Query by Example with StringMatcher." + stringMatcher + " on '" + path
                        + "' of table '" + entity.getKeySpace() + "' is not answered from an index; use EXACT or"
                        + " STARTING");
            }
        }
    }
}
