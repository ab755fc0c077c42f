package dev.pikodb.spring.data.repository.query;

import dev.pikodb.Query;
import dev.pikodb.spring.data.PikoDBKeyValueAdapter;
import dev.pikodb.spring.data.PikoDBKeyValueTemplate;
import dev.pikodb.spring.data.QueriedEntities;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.springframework.dao.IncorrectResultSizeDataAccessException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.data.domain.KeysetScrollPosition;
import org.springframework.data.domain.Limit;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.ScrollPosition;
import org.springframework.data.domain.SliceImpl;
import org.springframework.data.domain.Window;
import org.springframework.data.repository.query.ParametersParameterAccessor;
import org.springframework.data.repository.query.QueryMethod;
import org.springframework.data.repository.query.RepositoryQuery;
import org.springframework.data.repository.query.ResultProcessor;
import org.springframework.data.repository.query.parser.PartTree;
import org.springframework.data.support.PageableExecutionUtils;

/**
 * A derived query answered from PikoDB indexes: {@code find…By}, {@code count…By}, {@code exists…By} and
 * {@code delete…By}, returning an entity, an {@code Optional}, a {@code List}, a {@code Stream}, a
 * {@code Page}, a {@code Slice} or a {@code Window}, with {@code Top}/{@code First}, {@code Limit},
 * {@code Sort} and {@code Pageable}.
 *
 * <p>A page at an offset reads the index entries of the records before it (as SQL's {@code OFFSET}
 * does) but decodes only the page; a {@code Window} continues from a keyset position that carries
 * PikoDB's query cursor, reading only its own records.
 */
public final class PikoDBPartTreeQuery implements RepositoryQuery {

    /** The key of the PikoDB cursor in a {@link KeysetScrollPosition}'s keys. */
    public static final String CURSOR_KEY = "pikodb.cursor";

    /** The page size in which {@code delete…By} collects the records it deletes. */
    private static final int DELETE_BATCH = 1000;

    private final QueryMethod method;

    private final PartTree tree;

    private final IndexQueryCreator creator;

    private final PikoDBKeyValueTemplate template;

    private final String keyspace;

    private final Class<?> domainType;

    PikoDBPartTreeQuery(QueryMethod method, PartTree tree, IndexQueryCreator creator, PikoDBKeyValueTemplate template,
            String keyspace) {
        this.method = method;
        this.tree = tree;
        this.creator = creator;
        this.template = template;
        this.keyspace = keyspace;
        this.domainType = method.getEntityInformation().getJavaType();
    }

    @Override
    public QueryMethod getQueryMethod() {
        return method;
    }

    @Override
    public Object execute(Object[] parameters) {
        ParametersParameterAccessor accessor = new ParametersParameterAccessor(method.getParameters(), parameters);
        ResultProcessor processor = method.getResultProcessor().withDynamicProjection(accessor);
        String operation = tree.isCountProjection() ? "count" : tree.isExistsProjection() ? "exists"
                : tree.isDelete() ? "delete" : "find";
        Object result = template.executeIndexed(operation, domainType, (ignored) -> run(accessor));
        return processor.processResult(result);
    }

    private Object run(ParametersParameterAccessor accessor) {
        PikoDBKeyValueAdapter adapter = template.getPikoDBAdapter();
        Iterator<Object> values = accessor.iterator();
        Query query = creator.create(values, accessor.getSort());
        if (tree.isCountProjection()) {
            return adapter.count(keyspace, query);
        }
        if (tree.isExistsProjection()) {
            return !adapter.find(keyspace, query.limit(1), domainType, 0).keys().isEmpty();
        }
        if (tree.isDelete()) {
            return delete(adapter, query);
        }
        int limit = limit(accessor.getLimit());
        if (method.isScrollQuery()) {
            return window(adapter, query, accessor.getScrollPosition(), limit);
        }
        Pageable pageable = accessor.getPageable();
        if (method.isPageQuery() || method.isSliceQuery()) {
            if (pageable.isUnpaged()) {
                List<Object> all = list(adapter, query, 0, limit);
                return method.isPageQuery() ? PageableExecutionUtils.getPage(all, pageable, all::size)
                        : new SliceImpl<>(all, pageable, false);
            }
            long offset = pageable.getOffset();
            int size = Math.min(pageable.getPageSize(), limit);
            if (method.isPageQuery()) {
                List<Object> content = list(adapter, query, offset, size);
                return PageableExecutionUtils.getPage(content, pageable, () -> adapter.count(keyspace, query));
            }
            List<Object> content = list(adapter, query, offset, size + 1);
            boolean hasNext = content.size() > size;
            return new SliceImpl<>(hasNext ? content.subList(0, size) : content, pageable, hasNext);
        }
        if (pageable.isPaged()) {
            return list(adapter, query, pageable.getOffset(), Math.min(pageable.getPageSize(), limit));
        }
        if (method.isCollectionQuery()) {
            return list(adapter, query, 0, limit);
        }
        if (method.isStreamQuery()) {
            return list(adapter, query, 0, limit).stream();
        }
        List<Object> found = list(adapter, query, 0, tree.isLimiting() ? 1 : 2);
        if (found.size() > 1) {
            throw new IncorrectResultSizeDataAccessException("The query " + method.getName() + " on table '" + keyspace
                    + "' matches more than one entity; return a List or limit it (findFirstBy…)", 1);
        }
        return found.isEmpty() ? null : found.get(0);
    }

    /** The query's limit: Top/First and a {@link Limit} parameter, the smaller of them. */
    private int limit(Limit limit) {
        int max = Integer.MAX_VALUE;
        if (tree.isLimiting()) {
            max = tree.getMaxResults();
        }
        if (limit != null && limit.isLimited()) {
            max = Math.min(max, limit.max());
        }
        return max;
    }

    private List<Object> list(PikoDBKeyValueAdapter adapter, Query query, long offset, int size) {
        if (size <= 0) {
            return List.of();
        }
        long end = offset + size;
        if (end > Integer.MAX_VALUE) {
            throw new InvalidDataAccessApiUsageException("The page at offset " + offset + " of " + method.getName()
                    + " on table '" + keyspace + "' is too far; continue with a Window (scroll) instead");
        }
        Query limited = (end == Integer.MAX_VALUE) ? query : query.limit((int) end);
        return new ArrayList<>(adapter.find(keyspace, limited, domainType, (int) offset).entities());
    }

    private Window<?> window(PikoDBKeyValueAdapter adapter, Query query, ScrollPosition position, int limit) {
        if (limit == Integer.MAX_VALUE) {
            throw new InvalidDataAccessApiUsageException("Scrolling " + method.getName() + " needs a window size:"
                    + " findFirst10By…, or a Limit parameter");
        }
        Query page = query.limit(limit);
        if (position instanceof KeysetScrollPosition keyset && !keyset.isInitial()) {
            if (keyset.scrollsBackward()) {
                throw new InvalidDataAccessApiUsageException("Scrolling " + method.getName()
                        + " backward is not supported; reverse the ordering instead");
            }
            Object cursor = keyset.getKeys().get(CURSOR_KEY);
            if (!(cursor instanceof String string)) {
                throw new InvalidDataAccessApiUsageException("The keyset position of " + method.getName() + " has no '"
                        + CURSOR_KEY + "': continue from window.positionAt(window.size() - 1)");
            }
            page = page.after(string);
        }
        else if (position != null && !position.isInitial()) {
            throw new InvalidDataAccessApiUsageException("Scrolling " + method.getName() + " takes a keyset position"
                    + " (ScrollPosition.keyset()), not " + position);
        }
        QueriedEntities<?> found = adapter.find(keyspace, page, domainType, 0);
        String next = found.nextCursor();
        int last = found.entities().size() - 1;
        return Window.from(found.entities(), (index) -> {
            if (index != last || next == null) {
                throw new UnsupportedOperationException("Only the last position of a window continues a scroll of "
                        + method.getName() + " (window.positionAt(window.size() - 1))");
            }
            return ScrollPosition.forward(Map.of(CURSOR_KEY, next));
        }, next != null);
    }

    private Object delete(PikoDBKeyValueAdapter adapter, Query query) {
        List<String> keys = new ArrayList<>();
        Query page = query.limit(DELETE_BATCH);
        while (true) {
            QueriedEntities<?> found = adapter.find(keyspace, page, domainType, 0);
            keys.addAll(found.keys());
            if (found.nextCursor() == null) {
                break;
            }
            page = query.limit(DELETE_BATCH).after(found.nextCursor());
        }
        List<Object> deleted = new ArrayList<>();
        for (String key : keys) {
            Object entity = template.delete(key, domainType);
            if (entity != null) {
                deleted.add(entity);
            }
        }
        if (method.isCollectionQuery()) {
            return deleted;
        }
        Class<?> returned = method.getReturnedObjectType();
        if (returned == void.class || returned == Void.class) {
            return null;
        }
        return (long) deleted.size();
    }
}
