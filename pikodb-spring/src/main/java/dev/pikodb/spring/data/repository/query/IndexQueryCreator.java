package dev.pikodb.spring.data.repository.query;

import dev.pikodb.Query;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.springframework.data.core.PropertyPath;
import org.springframework.data.domain.Sort;
import org.springframework.data.repository.query.parser.Part;
import org.springframework.data.repository.query.parser.PartTree;
import org.springframework.util.ClassUtils;

/**
 * Turns a derived query's {@link PartTree} into a PikoDB {@link Query} answered from indexes, and tells,
 * before any call, what in it no index can answer.
 *
 * <p>Keywords: {@code Is}/{@code Equals}, {@code In}, {@code Between} (both bounds included),
 * {@code LessThan}/{@code Before}, {@code LessThanEqual}, {@code GreaterThan}/{@code After},
 * {@code GreaterThanEqual}, {@code StartingWith}, {@code True}, {@code False}, {@code Containing} on a
 * collection property, joined by {@code And} and {@code Or}; an ordering by one property (ties by id).
 * The id property needs no index.
 */
final class IndexQueryCreator {

    private static final Set<Part.Type> ANSWERED = Set.of(Part.Type.SIMPLE_PROPERTY, Part.Type.IN, Part.Type.BETWEEN,
            Part.Type.LESS_THAN, Part.Type.BEFORE, Part.Type.LESS_THAN_EQUAL, Part.Type.GREATER_THAN, Part.Type.AFTER,
            Part.Type.GREATER_THAN_EQUAL, Part.Type.STARTING_WITH, Part.Type.TRUE, Part.Type.FALSE, Part.Type.CONTAINING);

    private static final Set<Class<?>> INTEGRAL = Set.of(Long.class, Integer.class, Short.class, Byte.class,
            BigInteger.class);

    private final PartTree tree;

    private final Class<?> domainType;

    private final String idProperty;

    /** Converts a parameter to the form it has in the stored JSON: a string, number or boolean. */
    private final UnaryOperator<Object> toStoredForm;

    IndexQueryCreator(PartTree tree, Class<?> domainType, String idProperty, UnaryOperator<Object> toStoredForm) {
        this.tree = tree;
        this.domainType = domainType;
        this.idProperty = idProperty;
        this.toStoredForm = toStoredForm;
    }

    /**
     * What in the query no index answers, one sentence each; empty when indexes answer all of it.
     *
     * @param indexedPaths the JSON Pointers the table has (or will have) indexes on
     */
    List<String> problems(Collection<String> indexedPaths) {
        List<String> problems = new ArrayList<>();
        for (PartTree.OrPart or : tree) {
            for (Part part : or) {
                String property = part.getProperty().toDotPath();
                if (!ANSWERED.contains(part.getType())
                        || part.getType() == Part.Type.CONTAINING && !part.getProperty().isCollection()) {
                    problems.add("the keyword " + part.getType().name() + " (on '" + property + "') is not answered from an"
                            + " index; use Is, In, Between, LessThan(Equal), GreaterThan(Equal), StartingWith, True,"
                            + " False or Containing on a collection");
                    continue;
                }
                if (part.shouldIgnoreCase() == Part.IgnoreCaseType.ALWAYS) {
                    problems.add("IgnoreCase (on '" + property + "') is not answered from an index; store and query"
                            + " a normalized form of the value instead");
                    continue;
                }
                if ((part.getType() == Part.Type.GREATER_THAN || part.getType() == Part.Type.AFTER)
                        && !hasSuccessor(part.getProperty().getLeafType())) {
                    problems.add("GreaterThan on '" + property + "' of type " + part.getProperty().getLeafType().getName()
                            + " is not answered from an index; use GreaterThanEqual");
                    continue;
                }
                indexProblem(part.getProperty(), indexedPaths, problems);
            }
        }
        sortProblems(tree.getSort(), indexedPaths, problems);
        return problems;
    }

    private void indexProblem(PropertyPath property, Collection<String> indexedPaths, List<String> problems) {
        String path = path(property);
        if (!path.equals(Query.KEY) && !indexedPaths.contains(path)) {
            problems.add("no index on " + path + "; annotate the property '" + property.toDotPath() + "' of "
                    + domainType.getName() + " with"
                    + " @dev.pikodb.spring.data.Indexed (index '" + IndexedProperties.indexName(property) + "' on "
                    + path + ")");
        }
    }

    private void sortProblems(Sort sort, Collection<String> indexedPaths, List<String> problems) {
        try {
            String path = orderPath(sort);
            if (path != null && !path.equals(Query.KEY)) {
                indexProblem(PropertyPath.from(sort.iterator().next().getProperty(), domainType), indexedPaths,
                        problems);
            }
        }
        catch (IllegalArgumentException ex) {
            problems.add(ex.getMessage());
        }
    }

    /**
     * The query for one call, its conditions and ordering (no limit).
     *
     * @param parameters the bindable parameters, in order
     * @param dynamicSort the call's {@code Sort} (or the {@code Pageable}'s), possibly unsorted
     * @return the query
     * @throws IllegalArgumentException for a parameter no index can compare, or an ordering the query cannot have
     */
    Query create(Iterator<Object> parameters, Sort dynamicSort) {
        Query query = null;
        for (PartTree.OrPart or : tree) {
            Query conjunction = null;
            for (Part part : or) {
                Query condition = condition(part, parameters);
                conjunction = (conjunction == null) ? condition : conjunction.and(condition);
            }
            query = (query == null) ? conjunction : query.or(conjunction);
        }
        if (query == null) {
            query = Query.all();
        }
        Sort sort = tree.getSort().and(dynamicSort);
        String orderPath = orderPath(sort);
        if (orderPath != null) {
            query = query.orderBy(orderPath, sort.iterator().next().isAscending());
        }
        return query;
    }

    private Query condition(Part part, Iterator<Object> parameters) {
        String path = path(part.getProperty());
        String property = part.getProperty().toDotPath();
        return switch (part.getType()) {
            case SIMPLE_PROPERTY, CONTAINING -> Query.eq(path, value(property, parameters.next()));
            case IN -> Query.in(path, values(property, parameters.next()));
            case BETWEEN -> {
                Object from = value(property, parameters.next());
                Object to = value(property, parameters.next());
                yield Query.range(path, from, to).or(Query.eq(path, to));
            }
            case LESS_THAN, BEFORE -> Query.range(path, null, value(property, parameters.next()));
            case LESS_THAN_EQUAL -> {
                Object to = value(property, parameters.next());
                yield Query.range(path, null, to).or(Query.eq(path, to));
            }
            case GREATER_THAN_EQUAL -> Query.range(path, value(property, parameters.next()), null);
            case GREATER_THAN, AFTER -> greaterThan(path, part.getProperty().getLeafType(),
                    value(property, parameters.next()));
            case STARTING_WITH -> {
                Object prefix = value(property, parameters.next());
                if (!(prefix instanceof String string)) {
                    throw new IllegalArgumentException("StartingWith on '" + property + "' takes a string, not " + prefix);
                }
                yield Query.prefix(path, string);
            }
            case TRUE -> Query.eq(path, true);
            case FALSE -> Query.eq(path, false);
            default -> throw new IllegalArgumentException("The keyword " + part.getType().name() + " on '" + property
                    + "' is not answered from an index");
        };
    }

    /** Values greater than {@code bound}: at least its successor among the values the property can hold. */
    private static Query greaterThan(String path, Class<?> propertyType, Object bound) {
        Class<?> type = ClassUtils.resolvePrimitiveIfNecessary(propertyType);
        if (bound instanceof String string) {
            return Query.range(path, string + '\u0000', null);
        }
        if (bound instanceof Boolean bool) {
            return bool ? Query.in(path, List.of()) : Query.eq(path, true);
        }
        if (bound instanceof Number number) {
            if (INTEGRAL.contains(type)) {
                return Query.range(path, new java.math.BigDecimal(number.toString()).toBigInteger().add(BigInteger.ONE),
                        null);
            }
            if (type == Double.class) {
                return Query.range(path, Math.nextUp(number.doubleValue()), null);
            }
            if (type == Float.class) {
                return Query.range(path, Math.nextUp(number.floatValue()), null);
            }
        }
        throw new IllegalArgumentException("GreaterThan on " + path + " with " + bound + " is not answered from an index;"
                + " use GreaterThanEqual");
    }

    private static boolean hasSuccessor(Class<?> propertyType) {
        Class<?> type = ClassUtils.resolvePrimitiveIfNecessary(propertyType);
        return INTEGRAL.contains(type) || type == Double.class || type == Float.class || type == Boolean.class
                || !Number.class.isAssignableFrom(type);
    }

    private Object value(String property, Object parameter) {
        if (parameter == null) {
            throw new IllegalArgumentException("A null parameter for '" + property + "' matches nothing from an index"
                    + " (null values are not indexed); pass a value");
        }
        return toStoredForm.apply(parameter);
    }

    private List<Object> values(String property, Object parameter) {
        Collection<?> collection;
        if (parameter instanceof Collection<?> given) {
            collection = given;
        }
        else if (parameter != null && parameter.getClass().isArray()) {
            collection = Arrays.asList(org.springframework.util.ObjectUtils.toObjectArray(parameter));
        }
        else {
            collection = List.of(value(property, parameter));
        }
        List<Object> values = new ArrayList<>(collection.size());
        for (Object each : collection) {
            values.add(value(property, each));
        }
        return values;
    }

    private String orderPath(Sort sort) {
        return orderPath(sort, domainType, idProperty);
    }

    /**
     * The path an ordering uses, or null for none: one property (the id is {@link Query#KEY}), then ties
     * go by the id ascending.
     *
     * @throws IllegalArgumentException for an ordering by several properties or ignoring case
     */
    static String orderPath(Sort sort, Class<?> domainType, String idProperty) {
        String first = null;
        int index = 0;
        for (Sort.Order order : sort) {
            if (order.isIgnoreCase()) {
                throw new IllegalArgumentException("Ordering by '" + order.getProperty() + "' ignoring case is not"
                        + " answered from an index");
            }
            String path = path(PropertyPath.from(order.getProperty(), domainType), idProperty);
            if (index == 0) {
                first = path;
            }
            else if (!(path.equals(Query.KEY) && order.isAscending())) {
                throw new IllegalArgumentException("Ordering by " + sort + " is not answered from an index: order by one"
                        + " property (ties go by the id ascending)");
            }
            index++;
        }
        return first;
    }

    private String path(PropertyPath property) {
        return path(property, idProperty);
    }

    private static String path(PropertyPath property, String idProperty) {
        if (!property.hasNext() && property.getSegment().equals(idProperty)) {
            return Query.KEY;
        }
        return IndexedProperties.pointer(property);
    }
}
